import Foundation

/// JSON Web Keys of the device key, as the core's `DeviceKey.publicJwk()` contract wants them.
public enum JWK {
    public enum EncodingError: Error, Equatable {
        /// Not an uncompressed P-256 point (`0x04‖X‖Y`, 65 bytes).
        case notUncompressedP256(length: Int)
    }

    /// `{"crv":"P-256","kty":"EC","x":…,"y":…}` (members in RFC 7638 order) from an ANSI X9.63 public key, which is
    /// what CryptoKit's `x963Representation` gives.
    public static func p256(x963: Data) throws -> String {
        let bytes = [UInt8](x963)
        guard bytes.count == 65, bytes[0] == 0x04 else {
            throw EncodingError.notUncompressedP256(length: bytes.count)
        }
        let x = base64URL(Data(bytes[1..<33]))
        let y = base64URL(Data(bytes[33..<65]))
        return #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
    }

    /// Base64url without padding (RFC 7515 §2).
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
