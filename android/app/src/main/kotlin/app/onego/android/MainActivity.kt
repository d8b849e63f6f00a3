package app.onego.android

import android.content.Intent as AndroidIntent
import android.net.Uri
import android.os.Bundle
import android.speech.tts.TextToSpeech
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.SnackbarHost
import androidx.compose.material3.SnackbarHostState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import app.onego.android.scan.QrScannerScreen
import app.onego.android.ui.ScreenView
import app.onego.shell.common.Timing
import kotlinx.coroutines.delay

/**
 * The one activity: the core's current screen, the camera when verifier mode scans, and what only an activity
 * can do (dial the hotline, speak a screen). State lives in [ShellViewModel]; the screen is built again whenever
 * the app comes back to the foreground (no observer yet: refresh on resume).
 */
class MainActivity : ComponentActivity() {
    private val shell: ShellViewModel by viewModels()
    private var tts: TextToSpeech? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent { Shell(shell) }
    }

    override fun onResume() {
        super.onResume()
        shell.reload()
    }

    override fun onDestroy() {
        tts?.shutdown()
        tts = null
        super.onDestroy()
    }

    @Composable
    private fun Shell(shell: ShellViewModel) {
        var scanning by remember { mutableStateOf(false) }
        val snackbar = remember { SnackbarHostState() }
        val screen = shell.screen

        LaunchedEffect(shell.effect) {
            when (val effect = shell.effect) {
                is Effect.Dial -> startActivity(AndroidIntent(AndroidIntent.ACTION_DIAL, Uri.parse("tel:${effect.number}")))
                Effect.Scan -> scanning = true
                is Effect.Speak -> speak(effect.text)
                null -> Unit
            }
            if (shell.effect != null) shell.effectHandled()
        }
        LaunchedEffect(shell.notice) {
            shell.notice?.let {
                snackbar.showSnackbar(it)
                shell.noticeShown()
            }
        }
        // A screen that expires (a licence QR code) is renewed shortly before it does.
        LaunchedEffect(screen) {
            val wait = Timing.renewDelayMs(screen?.expiresAtMs, System.currentTimeMillis()) ?: return@LaunchedEffect
            delay(wait)
            shell.reload()
        }
        BackHandler(enabled = scanning || shell.canGoBack) {
            if (scanning) scanning = false else shell.back()
        }

        MaterialTheme {
            Scaffold(snackbarHost = { SnackbarHost(snackbar) }) { padding ->
                val inner = Modifier.padding(padding)
                when {
                    scanning -> QrScannerScreen(
                        onResult = { text ->
                            scanning = false
                            shell.onScanned(text)
                        },
                        onCancel = { scanning = false },
                    )
                    screen == null -> Starting(inner)
                    else -> ScreenView(
                        screen = screen,
                        onIntent = shell::onIntent,
                        modifier = inner,
                        fieldText = { id -> shell.form[id] },
                        onFieldChange = shell::onFieldChange,
                    )
                }
            }
        }
    }

    @Composable
    private fun Starting(modifier: Modifier) {
        val label = stringResource(R.string.starting)
        Box(modifier.fillMaxSize(), contentAlignment = Alignment.Center) {
            CircularProgressIndicator(Modifier.semantics { contentDescription = label })
        }
    }

    /** The voice read-out setting: the core's text of the whole screen, in the screen's language. */
    private fun speak(text: String) {
        val engine = tts
        if (engine != null) {
            engine.speak(text, TextToSpeech.QUEUE_FLUSH, null, "screen")
            return
        }
        tts = TextToSpeech(applicationContext) { status ->
            if (status == TextToSpeech.SUCCESS) {
                tts?.language = resources.configuration.locales[0]
                tts?.speak(text, TextToSpeech.QUEUE_FLUSH, null, "screen")
            }
        }
    }
}
