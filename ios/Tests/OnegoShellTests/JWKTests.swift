import CryptoKit
import OnegoCore
import XCTest

@testable import OnegoShell

final class JWKTests: XCTestCase {
    /// The P-256 key of RFC 7515, appendix A.3, as ANSI X9.63 (`04‖X‖Y`).
    private let x963Hex =
        "047fcdce2770f6c45d4183cbee6fdb4b7b580733357be9ef13bacf6e3c7bd15445"
        + "c7f144cd1bbd9b7e872cdfedb9eeb9f4b3695d6ea90b24ad8a4623288588e5ad"

    func testEncodesAKnownX963Key() throws {
        let jwk = try JWK.p256(x963: Data(hex: x963Hex))
        XCTAssertEqual(
            jwk,
            #"{"crv":"P-256","kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","#
                + #""y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#
        )
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(jwk.utf8)) as? [String: String])
        XCTAssertEqual(object["kty"], "EC")
        XCTAssertEqual(object["crv"], "P-256")
    }

    func testRejectsCompressedOrShortKeys() {
        XCTAssertThrowsError(try JWK.p256(x963: Data([0x02] + [UInt8](repeating: 1, count: 32))))
        XCTAssertThrowsError(try JWK.p256(x963: Data(repeating: 4, count: 64)))
    }

    func testCryptoKitKeysEncode() throws {
        let key = P256.Signing.PrivateKey()
        let jwk = try JWK.p256(x963: key.publicKey.x963Representation)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(jwk.utf8)) as? [String: String])
        // 32 bytes each: 43 base64url characters, no padding.
        XCTAssertEqual(object["x"]?.count, 43)
        XCTAssertEqual(object["y"]?.count, 43)
        XCTAssertFalse(jwk.contains("="))
    }

    func testBase64URLHasNoPaddingOrPlusOrSlash() {
        XCTAssertEqual(JWK.base64URL(Data([0xFB, 0xFF])), "-_8")
        XCTAssertEqual(JWK.base64URL(Data()), "")
    }

    func testSoftwareDeviceKeySignsRawRS() throws {
        let store = MemorySecretStore()
        let key = try SecureEnclaveDeviceKey(store: store)
        let message = Data("header.payload".utf8)
        let signature = try key.sign(message: message)
        XCTAssertEqual(signature.count, 64, "raw r‖s")
        // Reloading from the store gives the same key.
        let again = try SecureEnclaveDeviceKey(store: store)
        XCTAssertEqual(try key.publicJwk(), try again.publicJwk())
        if !key.isHardwareBacked {
            let jwk = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(try key.publicJwk().utf8)) as? [String: String])
            let x = try XCTUnwrap(Data(base64URL: jwk["x"] ?? ""))
            let y = try XCTUnwrap(Data(base64URL: jwk["y"] ?? ""))
            let publicKey = try P256.Signing.PublicKey(x963Representation: Data([0x04]) + x + y)
            let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
            XCTAssertTrue(publicKey.isValidSignature(ecdsa, for: message))
        }
    }
}

/// A `SecretStore` in memory, for the device key's tests.
final class MemorySecretStore: SecretStore, @unchecked Sendable {
    private var values: [String: Data] = [:]
    private let lock = NSLock()

    func get(key: String) throws -> Data? {
        lock.withLock { values[key] }
    }

    func set(key: String, value: Data) throws {
        lock.withLock { values[key] = value }
    }

    func delete(key: String) throws {
        _ = lock.withLock { values.removeValue(forKey: key) }
    }
}

extension Data {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes)
    }

    init?(base64URL: String) {
        var text = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        self.init(base64Encoded: text)
    }
}
