package app.onego.android.security

import android.content.Context
import android.content.SharedPreferences
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.util.Base64
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import uniffi.onego_core.SecretStore
import uniffi.onego_core.SecretStoreException

/**
 * The core's secret store on Android: each value sealed with AES-256-GCM under a key that never leaves the
 * Android Keystore, and kept (IV ‖ ciphertext, Base64) in private SharedPreferences. The entry's name is bound
 * as associated data, so a value moved to another name fails to open.
 *
 * Failures reach the core as [SecretStoreException.Failed] with the exception's class name only: no key names
 * or values in messages or logs.
 */
class AndroidKeystoreSecretStore(context: Context) : SecretStore {
    private val prefs: SharedPreferences =
        context.applicationContext.getSharedPreferences(PREFS, Context.MODE_PRIVATE)
    private val lock = Any()

    override fun get(key: String): ByteArray? = guarded {
        val stored = prefs.getString(key, null) ?: return@guarded null
        val blob = Base64.getDecoder().decode(stored)
        if (blob.size <= IV_BYTES) throw SecretStoreException.Failed("stored value is truncated")
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, secretKey(), GCMParameterSpec(TAG_BITS, blob, 0, IV_BYTES))
        cipher.updateAAD(key.toByteArray(Charsets.UTF_8))
        cipher.doFinal(blob, IV_BYTES, blob.size - IV_BYTES)
    }

    override fun set(key: String, value: ByteArray) = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // The Keystore chooses a fresh random IV for every encryption.
        cipher.init(Cipher.ENCRYPT_MODE, secretKey())
        cipher.updateAAD(key.toByteArray(Charsets.UTF_8))
        val sealed = cipher.iv + cipher.doFinal(value)
        commit(prefs.edit().putString(key, Base64.getEncoder().encodeToString(sealed)))
    }

    override fun delete(key: String) = guarded {
        commit(prefs.edit().remove(key))
    }

    private fun commit(editor: SharedPreferences.Editor) {
        // Synchronous: the core must know the secret is on disk before it relies on it.
        if (!editor.commit()) throw SecretStoreException.Failed("could not write the secret store")
    }

    private fun secretKey(): SecretKey {
        val keyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        (keyStore.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val spec = KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
            .apply { init(spec) }
            .generateKey()
    }

    private inline fun <T> guarded(block: () -> T): T = synchronized(lock) {
        try {
            block()
        } catch (e: SecretStoreException) {
            throw e
        } catch (e: GeneralSecurityException) {
            throw SecretStoreException.Failed("keystore: ${e.javaClass.simpleName}")
        } catch (e: IllegalArgumentException) {
            throw SecretStoreException.Failed("stored value is not valid: ${e.javaClass.simpleName}")
        }
    }

    private companion object {
        const val PREFS = "onego.secrets"
        const val ALIAS = "onego.secret-store.v1"
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
