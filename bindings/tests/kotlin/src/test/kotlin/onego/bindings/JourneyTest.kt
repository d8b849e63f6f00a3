package onego.bindings

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.InetAddress
import java.net.ServerSocket
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.onego_core.Guide
import uniffi.onego_core.Locale
import uniffi.onego_core.Onego
import uniffi.onego_core.OnegoConfig
import uniffi.onego_core.OnegoException
import uniffi.onego_core.SecretStore
import uniffi.onego_core.SecretStoreException
import uniffi.onego_ffi.LogLevel
import uniffi.onego_ffi.LogSink
import uniffi.onego_ffi.initLogging
import uniffi.onego_ffi.stopLogging
import uniffi.onego_protocol.AccountKind

/** The shell's secure storage, here a map: the core keeps its database key and sign-in tokens in it. */
class MapSecretStore : SecretStore {
    val entries = ConcurrentHashMap<String, ByteArray>()
    override fun get(key: String): ByteArray? = entries[key]
    override fun set(key: String, value: ByteArray) {
        entries[key] = value.copyOf()
    }
    override fun delete(key: String) {
        entries.remove(key)
    }
}

/** The host's log, here a list. */
class ListLogSink : LogSink {
    val lines = java.util.concurrent.CopyOnWriteArrayList<String>()
    override fun log(level: LogLevel, target: String, message: String) {
        lines.add("$level $target $message")
    }
}

/** A Keystore that refuses, as a locked device's would. */
class LockedSecretStore(private val unexpected: Boolean) : SecretStore {
    override fun get(key: String): ByteArray? =
        if (unexpected) throw IllegalStateException("keystore exploded") else throw SecretStoreException.Failed("device locked")
    override fun set(key: String, value: ByteArray) = throw SecretStoreException.Failed("device locked")
    override fun delete(key: String) = throw SecretStoreException.Failed("device locked")
}

/** `onego serve` on a free loopback port, as a child process. */
class Platform : AutoCloseable {
    val url: String
    private val process: Process

    init {
        val repo = File(System.getProperty("onego.repo") ?: "../../..").canonicalFile
        val bin = System.getenv("ONEGO_BIN")?.takeIf { it.isNotEmpty() } ?: File(repo, "target/debug/onego").path
        check(File(bin).canExecute()) { "sandbox platform binary missing at $bin: cargo build -p onego" }
        val port = ServerSocket(0).use { it.localPort }
        process = ProcessBuilder(bin, "serve", "--addr", "127.0.0.1:$port")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start()
        val expected = "http://127.0.0.1:$port"
        val lines = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
        // Read the first line off the test thread, so a platform that never answers fails the test in time.
        val first = Executors.newSingleThreadExecutor().let { pool ->
            try {
                pool.submit<String?> { lines.readLine() }.get(60, TimeUnit.SECONDS)
            } finally {
                pool.shutdownNow()
            }
        }
        check(first != null && first.contains(expected)) { "platform did not start: first line was <$first>" }
        url = expected
        // Keep draining stdout so the child never blocks on a full pipe.
        Thread { lines.useLines { it.forEach { } } }.apply { isDaemon = true }.start()
    }

    override fun close() {
        if (process.isAlive) {
            process.destroy()
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
        }
    }
}

class JourneyTest {
    private val dataDir = Files.createTempDirectory("onego-kotlin-").toFile()

    @AfterEach
    fun cleanUp() {
        dataDir.deleteRecursively()
    }

    private fun config(url: String, locale: Locale = Locale.ZH_CN) =
        OnegoConfig(dataDir = dataDir.path, platformUrl = url, locale = locale, requestTimeoutMs = 5_000)

    @Test
    fun `a citizen signs in, syncs, searches, reads a guide and keeps working offline`() = runBlocking<Unit> {
        val secrets = MapSecretStore()
        val log = ListLogSink()
        assertTrue(initLogging(log, LogLevel.DEBUG))
        val platform = Platform()
        try {
            Onego(config(platform.url), secrets).use { app ->
                assertEquals(Locale.ZH_CN, app.locale())
                assertFalse(app.openReport().keyReset)
                assertNull(app.openReport().recoveredFrom)
                assertNull(app.signedIn(), "nobody is signed in on a new phone")
                assertTrue(secrets.entries.containsKey("onego.db-key.v1"), "the database key lives in the shell's store")

                app.requestCode("13800000001", AccountKind.CITIZEN)
                val who = app.signIn("13800000001", "123456", AccountKind.CITIZEN)
                assertEquals(AccountKind.CITIZEN, who.kind)
                assertEquals(who, app.signedIn())
                assertTrue(secrets.entries.containsKey("onego.tokens.v1"), "tokens are kept in the shell's store")

                val report = app.syncCatalog()
                assertTrue(report.full, "the first sync is a full snapshot")
                assertTrue(
                    log.lines.any { it.startsWith("INFO onego_core") && it.contains("catalog synced") },
                    "the core's events reach the host's log: ${log.lines}",
                )
                assertTrue(report.upserted > 0)
                assertEquals(report.upserted, app.catalogState().items)

                val hits = app.search("生孩子", 10)
                assertTrue(hits.isNotEmpty())
                assertEquals("bundle-birth", hits.first().id)
                assertEquals("bundle", hits.first().kind)

                val guide = app.guide("bundle-birth")
                assertTrue(guide is Guide.Bundle, "bundle-birth is a bundle: $guide")
                val bundle = (guide as Guide.Bundle).v1
                assertEquals("bundle-birth", bundle.bundle.id)
                assertTrue(bundle.members.isNotEmpty())
                assertTrue(bundle.members.all { it.matter.name.isNotEmpty() })

                val profile = app.profile()
                assertEquals(who.subject, profile.subject)
                assertEquals("13800000001", profile.phone)
                assertTrue(profile.name.isNotEmpty())

                val wrong = assertThrows<OnegoException.Validation> {
                    runBlocking { app.signIn("13800000001", "000000", AccountKind.CITIZEN) }
                }
                assertEquals("code", wrong.field)

                platform.close()

                val offline = assertThrows<OnegoException.Offline> { runBlocking { app.syncCatalog() } }
                assertTrue(offline.userMessage.contains("网络"), offline.userMessage)
                val cached = app.search("生孩子", 10)
                assertEquals("bundle-birth", cached.first().id, "search answers from the phone's database")
                assertEquals(profile, app.profile(), "the cached profile answers offline")

                val bad = assertThrows<OnegoException.Validation> {
                    runBlocking { app.requestCode("12345", AccountKind.CITIZEN) }
                }
                assertEquals("phone", bad.field)
                assertTrue(bad.userMessage.isNotEmpty())
            }
        } finally {
            platform.close()
            stopLogging()
        }
        assertTrue(log.lines.isNotEmpty())
        assertTrue(log.lines.none { it.contains("13800000001") }, "no phone number in the log: ${log.lines}")

        // Reopened on the same data with the same secrets: still signed in, the catalog still there, no network.
        Onego(config("http://127.0.0.1:9", Locale.EN), secrets).use { app ->
            assertNotNull(app.signedIn())
            assertEquals("bundle-birth", app.search("生孩子", 1).single().id)
            assertEquals(0, app.search("生孩子", 0).size)
            val offline = assertThrows<OnegoException.Offline> { runBlocking { app.syncCatalog() } }
            assertTrue(offline.userMessage.startsWith("You are offline"), offline.userMessage)
            app.signOut()
            assertNull(app.signedIn())
            assertFalse(secrets.entries.containsKey("onego.tokens.v1"))
            assertThrows<OnegoException.Unauthorized> { runBlocking { app.profile() } }
        }
    }

    @Test
    fun `a failing secure store becomes a storage error, whether it throws its own error or anything else`() {
        for (unexpected in listOf(false, true)) {
            assertThrows<OnegoException.Storage> { Onego(config("http://127.0.0.1:9"), LockedSecretStore(unexpected)) }
        }
    }

    @Test
    fun `a call is cancelled with its coroutine`() = runBlocking<Unit> {
        // A platform that accepts connections (the backlog does) and never answers.
        ServerSocket(0, 50, InetAddress.getLoopbackAddress()).use { silent ->
            val cfg = config("http://127.0.0.1:${silent.localPort}").copy(requestTimeoutMs = 60_000)
            Onego(cfg, MapSecretStore()).use { app ->
                val started = System.nanoTime()
                assertThrows<TimeoutCancellationException> { runBlocking { withTimeout(300) { app.syncCatalog() } } }
                val took = (System.nanoTime() - started) / 1_000_000
                assertTrue(took < 5_000, "cancelled in $took ms, not after the 60 s request timeout")
                assertEquals(0, app.catalogState().items, "the core answers after a cancelled call")
            }
        }
    }
}
