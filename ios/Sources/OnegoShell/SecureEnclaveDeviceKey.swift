import CryptoKit
import Foundation
import OnegoCore

/// The core's `DeviceKey`: a P-256 key in the Secure Enclave where the device has one, else a CryptoKit software
/// key (the simulator, old devices). Either way the key material is kept in the Keychain through a
/// `SecretStore`: for the enclave only its opaque `dataRepresentation`, which no other device can use.
///
/// `publicJwk()` is the JWK of `publicKey.x963Representation`; `sign(message:)` is ES256 over SHA-256 of the
/// message, returned as raw `r‖s` (`signature.rawRepresentation`, 64 bytes), one of the two forms the core takes.
public final class SecureEnclaveDeviceKey: DeviceKey, @unchecked Sendable {
    // Immutable after init; CryptoKit keys are values, safe to read from any thread.
    private let key: Backing

    private enum Backing {
        case enclave(SecureEnclave.P256.Signing.PrivateKey)
        case software(P256.Signing.PrivateKey)
    }

    /// Whether the key lives in the Secure Enclave.
    public var isHardwareBacked: Bool {
        if case .enclave = key { return true }
        return false
    }

    /// Loads the key from `store`, creating and saving it on first use.
    public init(store: SecretStore, name: String = "onego.device_key") throws {
        do {
            if SecureEnclave.isAvailable {
                let slot = name + ".enclave"
                if let blob = try store.get(key: slot) {
                    key = .enclave(try SecureEnclave.P256.Signing.PrivateKey(dataRepresentation: blob))
                } else {
                    let created = try SecureEnclave.P256.Signing.PrivateKey()
                    try store.set(key: slot, value: created.dataRepresentation)
                    key = .enclave(created)
                }
            } else {
                let slot = name + ".software"
                if let raw = try store.get(key: slot) {
                    key = .software(try P256.Signing.PrivateKey(rawRepresentation: raw))
                } else {
                    let created = P256.Signing.PrivateKey()
                    try store.set(key: slot, value: created.rawRepresentation)
                    key = .software(created)
                }
            }
        } catch let error as DeviceKeyError {
            throw error
        } catch {
            throw DeviceKeyError.Failed(reason: "device key unavailable: \(type(of: error))")
        }
    }

    public func publicJwk() throws -> String {
        let x963: Data = switch key {
        case .enclave(let k): k.publicKey.x963Representation
        case .software(let k): k.publicKey.x963Representation
        }
        do {
            return try JWK.p256(x963: x963)
        } catch {
            throw DeviceKeyError.Failed(reason: "public key is not an uncompressed P-256 point")
        }
    }

    public func sign(message: Data) throws -> Data {
        do {
            switch key {
            case .enclave(let k):
                return try k.signature(for: message).rawRepresentation
            case .software(let k):
                return try k.signature(for: message).rawRepresentation
            }
        } catch {
            // A Secure Enclave failure (locked device, key invalidated): its type, never the message.
            throw DeviceKeyError.Failed(reason: "signing failed: \(type(of: error))")
        }
    }
}
