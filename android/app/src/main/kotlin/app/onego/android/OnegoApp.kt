package app.onego.android

import android.app.Application
import android.util.Log
import app.onego.android.security.AndroidKeystoreSecretStore
import app.onego.android.security.KeystoreDeviceKey
import app.onego.shell.common.Redact
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import uniffi.onego_core.Locale
import uniffi.onego_core.Onego
import uniffi.onego_core.OnegoConfig
import uniffi.onego_ffi.LogLevel
import uniffi.onego_ffi.LogSink
import uniffi.onego_ffi.initLogging

/**
 * The process: holds the one core. Opening it touches the disk and the Keystore, so it happens once, off the
 * main thread, on first use.
 */
class OnegoApp : Application() {
    private val openLock = Mutex()
    @Volatile private var opened: Onego? = null

    /** The core, opened on first call. */
    suspend fun core(): Onego = opened ?: openLock.withLock {
        opened ?: withContext(Dispatchers.IO) { openCore() }.also { opened = it }
    }

    private fun openCore(): Onego {
        initLogging(LogcatSink, if (BuildConfig.DEBUG) LogLevel.DEBUG else LogLevel.INFO)
        val config = OnegoConfig(
            dataDir = filesDir.resolve("onego").absolutePath,
            platformUrl = BuildConfig.PLATFORM_URL,
            locale = systemLocale(),
            requestTimeoutMs = 15_000,
        )
        return Onego(config, AndroidKeystoreSecretStore(this), KeystoreDeviceKey.create(this))
    }

    private fun systemLocale(): Locale {
        val language = resources.configuration.locales[0]?.language.orEmpty()
        // zh-CN is the product's first language; every other system language gets English.
        return if (language == "zh") Locale.ZH_CN else Locale.EN
    }

    /** The core's tracing, into logcat. The core logs no personal data; long numbers are masked once more here. */
    private object LogcatSink : LogSink {
        override fun log(level: LogLevel, target: String, message: String) {
            val text = Redact.forLog(message)
            val tag = "onego"
            when (level) {
                LogLevel.ERROR -> Log.e(tag, "$target: $text")
                LogLevel.WARN -> Log.w(tag, "$target: $text")
                LogLevel.INFO -> Log.i(tag, "$target: $text")
                LogLevel.DEBUG -> Log.d(tag, "$target: $text")
                LogLevel.TRACE -> Log.v(tag, "$target: $text")
            }
        }
    }
}
