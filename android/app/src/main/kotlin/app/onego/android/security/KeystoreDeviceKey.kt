package app.onego.android.security

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.math.BigInteger
import java.security.GeneralSecurityException
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.util.Base64
import uniffi.onego_core.DeviceKey
import uniffi.onego_core.DeviceKeyException

/**
 * The holder's device key: an EC P-256 key generated inside the Android Keystore (in StrongBox when the phone has
 * one), usable only for SHA256withECDSA signatures. Licences are bound to its public key and every presentation
 * is signed by it; the private half never leaves the secure hardware.
 *
 * [sign] returns the Keystore's DER signature, which the core accepts (it converts DER to JOSE's raw r‖s).
 */
class KeystoreDeviceKey private constructor(private val alias: String) : DeviceKey {

    override fun publicJwk(): String = guarded {
        val key = keyStore().getCertificate(alias)?.publicKey as? ECPublicKey
            ?: throw DeviceKeyException.Failed("device key has no EC public key")
        val x = base64Url(unsigned32(key.w.affineX))
        val y = base64Url(unsigned32(key.w.affineY))
        """{"kty":"EC","crv":"P-256","x":"$x","y":"$y"}"""
    }

    override fun sign(message: ByteArray): ByteArray = guarded {
        val privateKey = keyStore().getKey(alias, null) as? PrivateKey
            ?: throw DeviceKeyException.Failed("device key is missing")
        Signature.getInstance("SHA256withECDSA").run {
            initSign(privateKey)
            update(message)
            sign()
        }
    }

    companion object {
        private const val ALIAS = "onego.device-key.v1"

        /** The device key, generated on first use; StrongBox-backed where the phone offers it. */
        fun create(context: Context, alias: String = ALIAS): KeystoreDeviceKey {
            if (!keyStore().containsAlias(alias)) {
                val strongBox = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
                    context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)
                try {
                    generate(alias, strongBox)
                } catch (e: GeneralSecurityException) {
                    if (!strongBox || !isStrongBoxUnavailable(e)) throw e
                    // Advertised but refused (busy or full): the TEE-backed Keystore is the next best.
                    generate(alias, strongBox = false)
                }
            }
            return KeystoreDeviceKey(alias)
        }

        private fun isStrongBoxUnavailable(e: Throwable): Boolean =
            Build.VERSION.SDK_INT >= Build.VERSION_CODES.P && e is StrongBoxUnavailableException

        private fun generate(alias: String, strongBox: Boolean) {
            val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
                .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
                .setDigests(KeyProperties.DIGEST_SHA256)
                .apply { if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) setIsStrongBoxBacked(true) }
                .build()
            KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, ANDROID_KEYSTORE).run {
                initialize(spec)
                generateKeyPair()
            }
        }

        /** A coordinate as exactly 32 big-endian bytes (BigInteger adds a sign byte or drops leading zeros). */
        private fun unsigned32(n: BigInteger): ByteArray {
            val bytes = n.toByteArray()
            return when {
                bytes.size == 32 -> bytes
                bytes.size > 32 -> bytes.copyOfRange(bytes.size - 32, bytes.size)
                else -> ByteArray(32 - bytes.size) + bytes
            }
        }

        private fun base64Url(bytes: ByteArray): String = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
    }
}

private const val ANDROID_KEYSTORE = "AndroidKeyStore"

private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

/** Keystore failures as the core's error, named by class only (no key material or messages in logs). */
private inline fun <T> guarded(block: () -> T): T = try {
    block()
} catch (e: DeviceKeyException) {
    throw e
} catch (e: GeneralSecurityException) {
    throw DeviceKeyException.Failed("keystore: ${e.javaClass.simpleName}")
}
