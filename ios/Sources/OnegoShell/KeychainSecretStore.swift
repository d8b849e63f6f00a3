import Foundation
import OnegoCore
import Security

/// The core's `SecretStore` on the iOS Keychain: one generic-password item per key, readable after the first
/// unlock (the core may sync in the background) and never leaving this device (no iCloud Keychain, no backup).
public final class KeychainSecretStore: SecretStore, Sendable {
    private let service: String

    public init(service: String = "cn.onego.secrets") {
        self.service = service
    }

    public func get(key: String) throws -> Data? {
        var query = baseQuery(key)
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let data = result as? Data else {
                throw SecretStoreError.Failed(reason: "keychain item is not data")
            }
            return data
        case errSecItemNotFound:
            return nil
        default:
            throw Self.failure("read", status)
        }
    }

    public func set(key: String, value: Data) throws {
        let attributes: [String: Any] = [
            kSecValueData as String: value,
            kSecAttrAccessible as String: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
        ]
        let status = SecItemUpdate(baseQuery(key) as CFDictionary, attributes as CFDictionary)
        switch status {
        case errSecSuccess:
            return
        case errSecItemNotFound:
            var item = baseQuery(key)
            item.merge(attributes) { _, new in new }
            let added = SecItemAdd(item as CFDictionary, nil)
            guard added == errSecSuccess else {
                throw Self.failure("add", added)
            }
        default:
            throw Self.failure("update", status)
        }
    }

    public func delete(key: String) throws {
        let status = SecItemDelete(baseQuery(key) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.failure("delete", status)
        }
    }

    private func baseQuery(_ key: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: key,
            kSecUseDataProtectionKeychain as String: true,
        ]
    }

    /// The OSStatus only: the key names what is stored, not whose, and no value is ever part of an error.
    private static func failure(_ operation: String, _ status: OSStatus) -> SecretStoreError {
        SecretStoreError.Failed(reason: "keychain \(operation) failed (OSStatus \(status))")
    }
}
