package app.onego.android

import android.app.Application
import android.net.ConnectivityManager
import android.net.NetworkCapabilities
import android.util.Log
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import app.onego.shell.common.FormState
import app.onego.shell.common.NavStack
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import uniffi.onego_core.Intent
import uniffi.onego_core.OnegoException
import uniffi.onego_core.Purpose
import uniffi.onego_core.Rating
import uniffi.onego_core.Role
import uniffi.onego_core.Screen
import uniffi.onego_core.ScreenName
import uniffi.onego_core.ScreenOptions
import uniffi.onego_core.ScreenState
import uniffi.onego_protocol.AccountKind

/** Where the app is: a screen and the parameters the core builds it from. */
data class Route(
    val name: ScreenName,
    val id: String? = null,
    val query: String? = null,
    val step: Int = 0,
    val purpose: Purpose? = null,
    val scanned: String? = null,
    val rating: Rating? = null,
)

/** What the activity does for the shell: things that need an Activity, not the core. */
sealed interface Effect {
    data class Dial(val number: String) : Effect
    data object Scan : Effect
    data class Speak(val text: String) : Effect
}

/**
 * The shell's state: the back stack of routes, the current screen's view model from the core, and the text in its
 * fields. Every intent an element carries is mapped here to a core call and/or a route; the screens themselves
 * are the core's. No business rules: the core decides content, order, wording and what each tap means.
 */
class ShellViewModel(app: Application) : AndroidViewModel(app) {
    private val onego = app as OnegoApp
    private val nav = NavStack(Route(ScreenName.HOME))
    private var loadJob: Job? = null

    var screen: Screen? by mutableStateOf(null)
        private set

    /** A failure of an action (sign-in, a setting) in the user's words, for a snackbar; null when none. */
    var notice: String? by mutableStateOf(null)
        private set

    var effect: Effect? by mutableStateOf(null)
        private set

    /** What the user typed, by field id; kept across rebuilds of the same fields. */
    val form = FormState()

    val canGoBack: Boolean get() = nav.canGoBack

    fun effectHandled() {
        effect = null
    }

    fun noticeShown() {
        notice = null
    }

    fun back(): Boolean = nav.pop().also { if (it) reload() }

    /** Builds the current route's screen again (on resume, after a change, for a renewed QR code). */
    fun reload() {
        val route = nav.current
        loadJob?.cancel()
        loadJob = viewModelScope.launch {
            val core = onego.core()
            val base = options(route)
            // The shell's own state: the loading screen while the first build runs, offline when there is no network.
            if (screen?.name != route.name) screen = core.screen(route.name, base.copy(state = ScreenState.LOADING))
            val state = if (online()) null else ScreenState.OFFLINE
            val built = runCatching { core.screen(route.name, base.copy(state = state)) }
                .getOrElse { e -> failure(e); core.screen(route.name, base.copy(state = ScreenState.ERROR)) }
            form.adopt(built.elements.filter { it.role == Role.TEXT_FIELD }.map { it.id to it.value })
            screen = built
            if (built.readAloud) effect = Effect.Speak(built.readOut)
        }
    }

    /** What a tap on an element means; every variant of the core's [Intent]. */
    fun onIntent(intent: Intent) {
        when (intent) {
            is Intent.Open -> go(Route(intent.screen))
            is Intent.Search -> {
                val query = intent.query ?: form.filled("query")
                val route = Route(ScreenName.SEARCH, query = query)
                if (nav.current.name == ScreenName.SEARCH) replace(route) else go(route)
            }
            is Intent.OpenGuide -> go(Route(ScreenName.GUIDE, id = intent.id))
            is Intent.StartBundle -> go(Route(ScreenName.BUNDLE_WIZARD, id = intent.id))
            is Intent.AnswerQuestion -> viewModelScope.launch {
                // The answer (the intent's value, else the field named after the question) is saved in the
                // bundle's draft; signed out it cannot be, and the wizard still moves on (the notice says why).
                val value = intent.value ?: form.filled(intent.questionId).orEmpty()
                runCatching { onego.core().answerQuestion(intent.bundleId, intent.questionId, value) }
                    .onFailure(::failure)
                if (intent.nextStep == 0) {
                    go(Route(ScreenName.PLAN, id = intent.bundleId))
                } else {
                    replace(Route(ScreenName.BUNDLE_WIZARD, id = intent.bundleId, step = intent.nextStep))
                }
            }
            is Intent.GoToStep -> replace(Route(ScreenName.BUNDLE_WIZARD, id = intent.bundleId, step = intent.step))
            is Intent.ShowPlan -> go(Route(ScreenName.PLAN, id = intent.bundleId))
            is Intent.ShowLicence -> go(Route(ScreenName.LICENCE, id = intent.id))
            is Intent.Present -> go(Route(ScreenName.PRESENT, id = intent.id, purpose = intent.purpose))
            Intent.Refresh -> reload()
            // The wallet's network refresh is not exported yet: rebuild from what the phone holds.
            Intent.RefreshWallet -> reload()
            Intent.SyncCatalog -> act { core -> core.syncCatalog() }
            Intent.ScanToVerify -> effect = Effect.Scan
            is Intent.CallHotline -> effect = Effect.Dial(intent.number)
            // 亲友代办: the delegations screen is where a family member is asked to act.
            Intent.AskFamily -> go(Route(ScreenName.DELEGATIONS))
            is Intent.ChangeSetting -> act { core -> core.setSetting(intent.setting) }
            Intent.SendCode -> act { core -> core.requestCode(form.filled("phone").orEmpty(), AccountKind.CITIZEN) }
            Intent.SignIn -> act(then = { reset(Route(ScreenName.HOME)) }) { core ->
                core.signIn(form.filled("phone").orEmpty(), form.filled("code").orEmpty(), AccountKind.CITIZEN)
            }
            Intent.SignOut -> act(then = { reset(Route(ScreenName.HOME)) }) { core -> core.signOut() }
            is Intent.ResumeDraft -> go(Route(ScreenName.PLAN, id = intent.id))
            is Intent.SaveField -> act { core ->
                core.setField(intent.draftId, intent.key, intent.value ?: form.filled(intent.key).orEmpty())
            }
            // The core saves the typed fields into the draft, then submits with the consent on screen.
            is Intent.SubmitDraft -> act(then = { reset(Route(ScreenName.APPLICATIONS)) }) { core ->
                core.submitFromScreen(intent.draftId, form.snapshot())
            }
            Intent.SyncApplications -> act { core -> core.syncApplications() }
            is Intent.AskAssistant -> {
                val route = Route(ScreenName.ASSISTANT, query = intent.question ?: form.filled("question"))
                if (nav.current.name == ScreenName.ASSISTANT) replace(route) else go(route)
            }
            is Intent.GrantDelegation -> act { core ->
                val days = intent.days ?: form.filled("days")?.toIntOrNull() ?: 0
                core.grantDelegation(form.filled("phone").orEmpty(), intent.scope, days)
            }
            is Intent.RevokeDelegation -> act { core -> core.revokeDelegation(intent.id) }
            is Intent.RateMatter -> {
                val route = Route(ScreenName.REVIEWS, rating = intent.rating)
                if (nav.current.name == ScreenName.REVIEWS) replace(route) else go(route)
            }
            is Intent.SubmitReview -> act(then = { replace(Route(ScreenName.REVIEWS)) }) { core ->
                val r = intent.rating
                val level = r.level ?: return@act
                val comment = form.filled("comment").orEmpty()
                val reviewId = r.reviewId
                if (reviewId != null) {
                    core.followUp(reviewId, level, comment)
                } else {
                    core.review(r.applicationId, r.matterId, level, r.tags, comment)
                }
            }
            is Intent.AppealReview -> act { core -> core.appealReview(intent.reviewId, intent.reason) }
        }
    }

    /** The camera read a code: the verifier screen checks it (the core decides online or offline). */
    fun onScanned(text: String) {
        val route = Route(ScreenName.VERIFIER, scanned = text)
        if (nav.current.name == ScreenName.VERIFIER) replace(route) else go(route)
    }

    fun onFieldChange(id: String, text: String) {
        form[id] = text
    }

    private fun go(route: Route) {
        nav.push(route)
        reload()
    }

    private fun replace(route: Route) {
        nav.replace(route)
        reload()
    }

    private fun reset(route: Route) {
        nav.resetTo(route)
        reload()
    }

    /** A core call, then the screen again (or `then`); a failure becomes a notice in the user's words. */
    private fun act(then: () -> Unit = ::reload, call: suspend (uniffi.onego_core.Onego) -> Unit) {
        viewModelScope.launch {
            val ok = runCatching { call(onego.core()) }.onFailure(::failure).isSuccess
            if (ok) then() else reload()
        }
    }

    private fun failure(e: Throwable) {
        if (e is kotlinx.coroutines.CancellationException) throw e
        notice = userMessage(e)
        // The class only: messages may quote what the user typed.
        Log.w("onego", "core call failed: ${e.javaClass.simpleName}")
    }

    private fun options(route: Route) = ScreenOptions(
        id = route.id,
        query = route.query,
        step = route.step,
        purpose = route.purpose,
        scanned = route.scanned,
        rating = route.rating,
    )

    private fun online(): Boolean {
        val cm = getApplication<Application>().getSystemService(ConnectivityManager::class.java) ?: return true
        val caps = cm.getNetworkCapabilities(cm.activeNetwork) ?: return false
        return caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET)
    }
}

/** The core's words for a failure; null for what is not the core's (the screen's error state says it then). */
fun userMessage(e: Throwable): String? = when (e) {
    is OnegoException.Offline -> e.userMessage
    is OnegoException.Network -> e.userMessage
    is OnegoException.Unauthorized -> e.userMessage
    is OnegoException.Validation -> e.userMessage
    is OnegoException.Integrity -> e.userMessage
    is OnegoException.NotFound -> e.userMessage
    is OnegoException.Conflict -> e.userMessage
    is OnegoException.Storage -> e.userMessage
    is OnegoException.Internal -> e.userMessage
    else -> null
}
