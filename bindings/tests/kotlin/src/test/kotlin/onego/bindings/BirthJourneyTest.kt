package onego.bindings

import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.onego_core.AskIntent
import uniffi.onego_core.CoreEvent
import uniffi.onego_core.DraftState
import uniffi.onego_core.Intent
import uniffi.onego_core.Locale
import uniffi.onego_core.Observer
import uniffi.onego_core.Onego
import uniffi.onego_core.OnegoConfig
import uniffi.onego_core.OnegoException
import uniffi.onego_protocol.AccountKind
import uniffi.onego_protocol.Actor
import uniffi.onego_protocol.AnswerValue
import uniffi.onego_protocol.MatterStatus
import uniffi.onego_protocol.Provenance
import uniffi.onego_protocol.Truth

/**
 * The shell's observer: the core calls it on its own threads, so it only records. Tests wait for an event with a
 * deadline (a conflated channel wakes the waiter), never with a fixed sleep.
 */
class RecordingObserver : Observer {
    val events = CopyOnWriteArrayList<CoreEvent>()
    private val wake = Channel<Unit>(Channel.CONFLATED)

    override fun onEvent(event: CoreEvent) {
        events.add(event)
        wake.trySend(Unit)
    }

    /** The first event at or after index [since] that matches, waiting at most [timeoutMs]. */
    suspend fun await(
        what: String,
        since: Int = 0,
        timeoutMs: Long = 15_000,
        matches: (CoreEvent) -> Boolean,
    ): CoreEvent =
        withTimeoutOrNull(timeoutMs) {
            var found: CoreEvent? = null
            while (found == null) {
                found = events.drop(since).firstOrNull(matches)
                if (found == null) wake.receive()
            }
            found
        } ?: fail("no $what within $timeoutMs ms; heard: $events")
}

/** The sandbox's staff desk, over plain HTTP. */
class StaffDesk(private val platformUrl: String) {
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    private fun request(path: String) = HttpRequest.newBuilder(URI.create("$platformUrl$path"))
        .timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer sandbox-staff")

    /** `GET /v1/staff/queue`, raw JSON. */
    suspend fun queue(): String = send(request("/v1/staff/queue").GET().build())

    suspend fun approve(applicationId: String, matterId: String): String = send(
        request("/v1/staff/applications/$applicationId/matters/$matterId")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""{"decision":"approve","note":"同意"}"""))
            .build(),
    )

    private suspend fun send(req: HttpRequest): String = withContext(Dispatchers.IO) {
        val res = http.send(req, HttpResponse.BodyHandlers.ofString(Charsets.UTF_8))
        assertEquals(200, res.statusCode(), "${req.method()} ${req.uri()}: ${res.body()}")
        res.body()
    }
}

/**
 * 出生一件事 end to end through the Kotlin bindings: plan, draft, consent, submit, 秒批, a staff decision heard by a
 * Kotlin observer, cancellation, typed errors and the assistant. The platform registers a birth once per mother,
 * so the journey is one test with its own platform.
 */
class BirthJourneyTest {
    private val dataDir = Files.createTempDirectory("onego-kotlin-birth-").toFile()

    @AfterEach
    fun cleanUp() {
        dataDir.deleteRecursively()
    }

    private val answers = linkedMapOf(
        "born" to AnswerValue.Bool(true),
        "hukou_with" to AnswerValue.Text("随母亲"),
        "mother_insured" to AnswerValue.Bool(false),
        "need_ssc" to AnswerValue.Bool(true),
        "birth_registered" to AnswerValue.Bool(true),
    )

    private val fields = linkedMapOf(
        "child.name" to "王小满",
        "vaccination.clinic" to "西湖区北山街道社区卫生服务中心",
        "insured.category" to "新生儿",
        "ssc.bank" to "杭州银行",
        "bank.account" to "6222330000000007919",
    )

    /** Pre-filled from the maternal-health registry (the profile's `newborn`): the mother does not type them. */
    private val birthFacts = listOf("child.gender", "child.birth_date", "child.birth_place", "birth.hospital")

    @Test
    fun `a mother applies for 出生一件事, hears the staff decision and stops listening`() = runBlocking<Unit> {
        Platform().use { platform ->
            val staff = StaffDesk(platform.url)
            val config = OnegoConfig(
                dataDir = dataDir.path, platformUrl = platform.url, locale = Locale.ZH_CN, requestTimeoutMs = 5_000,
            )
            Onego(config, MapSecretStore()).use { app ->
                app.signIn("13800000001", "123456", AccountKind.CITIZEN)
                assertTrue(app.syncCatalog().upserted > 0)
                assertTrue(app.refreshWallet().added >= 4, "the parents' licences are in the wallet")

                // The plan: which matters apply, and what was pre-filled.
                val plan = app.plan("bundle-birth", answers)
                val applies = plan.matters.associate { it.matterId to it.applies }
                val instantMatters = listOf("zj-wjw-birth-cert", "zj-gaj-hukou-birth", "zj-ybj-resident-enroll")
                for (m in instantMatters + "zj-rsj-ssc-newborn") {
                    assertEquals(Truth.TRUE, applies[m], "$m applies: $applies")
                }
                assertEquals(Truth.FALSE, applies["zj-wjw-birth-registration"], "the birth is already registered")
                val spared = plan.spared
                assertTrue(spared.fieldsPrefilled > 0 && spared.materialsSpared > 0, "$spared")
                assertEquals("少填 ${spared.fieldsPrefilled} 项、免交 ${spared.materialsSpared} 份", plan.summary)
                val prefilled = plan.fields.filter { it.value != null }.associateBy { it.key }
                assertTrue(prefilled["mother.name"]?.provenance is Provenance.Profile, "${plan.fields}")
                for (k in birthFacts) {
                    val source = prefilled[k]?.provenance
                    val fromRegistry = source is Provenance.Profile && source.path.startsWith("profile.newborn.")
                    assertTrue(fromRegistry, "$k: $source")
                }
                assertTrue(plan.toDo.isNotEmpty(), "some fields are left to fill")

                // The draft.
                var draft = app.startDraft("bundle-birth", null)
                assertEquals(DraftState.EDITING, draft.state)
                assertTrue(draft.errors.any { it.field == "answers.born" }, "unanswered is wrong: ${draft.errors}")
                for ((q, v) in answers) draft = app.answer(draft.id, q, v)
                for ((k, v) in fields) draft = app.setField(draft.id, k, v)
                assertEquals(emptyList<Any>(), draft.errors)
                assertEquals("王小满", draft.values["child.name"])

                // Typed errors: no consent, a wrong field, an unknown field.
                val noConsent = assertThrows<OnegoException.Validation> { runBlocking { app.submit(draft.id, false) } }
                assertEquals("consent", noConsent.field)
                draft = app.setField(draft.id, "bank.account", "12345")
                assertTrue(draft.errors.any { it.field == "fields.bank.account" }, "${draft.errors}")
                val wrong = assertThrows<OnegoException.Validation> { runBlocking { app.submit(draft.id, true) } }
                assertEquals("fields.bank.account", wrong.field)
                assertTrue(wrong.userMessage.contains("银行账号"), wrong.userMessage)
                val unknown = assertThrows<OnegoException.Validation> {
                    runBlocking { app.setField(draft.id, "no.such", "x") }
                }
                assertEquals("fields.no.such", unknown.field)
                draft = app.setField(draft.id, "bank.account", fields.getValue("bank.account"))
                assertEquals(emptyList<Any>(), draft.errors)

                // Consent: which licences go to which departments.
                val consent = app.consent(draft.id)
                assertTrue(consent.licences.isNotEmpty(), "$consent")
                assertTrue(consent.licences.all { it.departments.isNotEmpty() && it.claims.isNotEmpty() }, "$consent")
                assertTrue(consent.licences.flatMap { it.departments }.contains("杭州市公安局"), "$consent")
                assertTrue(consent.summary.isNotEmpty())

                // Submit and deliver: 秒批 at once, the social security card waits for staff.
                val queued = app.submit(draft.id, true)
                assertEquals("出生一件事", queued.serviceName)
                assertEquals(1, app.outbox().count { it.draftId == draft.id })
                assertEquals(1, app.deliverOutbox().delivered)
                draft = app.draft(draft.id)
                assertEquals(DraftState.DELIVERED, draft.state)
                val applicationId = draft.applicationId ?: fail<String>("a delivered draft names its application")
                val application = app.applications().single()
                assertEquals(applicationId, application.id)
                val status = application.matters.associate { it.matterId to it.status }
                for (m in instantMatters) {
                    assertEquals(MatterStatus.APPROVED, status[m], "$m is approved at once: $status")
                    val matter = application.matters.single { it.matterId == m }
                    assertTrue(matter.history.any { it.actor == Actor.RULES }, "$m decided by rules: ${matter.history}")
                }
                assertEquals(MatterStatus.IN_REVIEW, status["zj-rsj-ssc-newborn"], "$status")
                assertTrue(app.syncApplications().licencesReceived >= 1)
                assertTrue(app.licences().any { it.name == "出生医学证明" })
                assertTrue(staff.queue().contains("\"zj-rsj-ssc-newborn\""), "the card waits in the staff queue")

                // The watcher: a staff approval reaches the Kotlin observer, with the licence it issued.
                val observer = RecordingObserver()
                app.watch(observer).use { handle ->
                    observer.await("online") { it is CoreEvent.Connection && it.online }
                    staff.approve(applicationId, "zj-rsj-ssc-newborn")
                    observer.await("the card's approval") {
                        it is CoreEvent.ApplicationChanged && it.applicationId == applicationId &&
                            it.matterId == "zj-rsj-ssc-newborn" && it.status == MatterStatus.APPROVED
                    }
                    val card = observer.await("the card") {
                        it is CoreEvent.LicenceReceived && it.name == "社会保障卡"
                    } as CoreEvent.LicenceReceived
                    assertTrue(app.licences().any { it.id == card.licenceId }, "the child's card is in the wallet")
                    assertEquals(
                        MatterStatus.APPROVED,
                        app.application(applicationId).matters.single { it.matterId == "zj-rsj-ssc-newborn" }.status,
                        "the watcher updated the cached application",
                    )

                    // Cancelled: the next decision is not heard (a second watcher proves it happened).
                    assertFalse(handle.isCancelled())
                    handle.cancel()
                    assertTrue(handle.isCancelled())
                    val heard = observer.events.size
                    staff.approve(applicationId, "zj-wjw-vaccination-cert")
                    val control = RecordingObserver()
                    app.watch(control).use { second ->
                        control.await("the control's approval") {
                            it is CoreEvent.ApplicationChanged && it.matterId == "zj-wjw-vaccination-cert" &&
                                it.status == MatterStatus.APPROVED
                        }
                        second.cancel()
                    }
                    val after = observer.events.drop(heard)
                    assertEquals(emptyList<CoreEvent>(), after, "a cancelled watcher hears nothing")
                }

                // The assistant, offline from the cached catalog.
                val answer = app.ask("生孩子要带什么材料")
                assertEquals(AskIntent.MATERIALS, answer.intent)
                assertEquals("bundle-birth", answer.subjectId)
                assertEquals(Intent.StartBundle("bundle-birth"), answer.action)
                assertTrue(answer.actionLabel.isNotEmpty() && answer.text.isNotEmpty())
                assertFalse(answer.fallback)
            }
        }
    }
}
