package app.onego.core

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import uniffi.onego_core.Intent
import uniffi.onego_core.Role
import uniffi.onego_core.ScreenName
import uniffi.onego_core.ScreenOptions
import uniffi.onego_core.Setting

/**
 * The generated API has the shape the app relies on. These are plain values: no native call, so they run on the
 * build machine's JVM (the journeys against the real library run in bindings/tests/kotlin on the desktop).
 */
class GeneratedApiTest {
    @Test
    fun `screen options default to the saved settings`() {
        val opts = ScreenOptions()
        assertNull(opts.elder)
        assertNull(opts.locale)
        assertNull(opts.state)
        assertNull(opts.scanned)
        assertEquals(0, opts.step)
    }

    @Test
    fun `every screen and role the renderer handles exists`() {
        assertEquals(19, ScreenName.entries.size)
        assertEquals(12, Role.entries.size)
    }

    @Test
    fun `intents carry their parameters`() {
        val open = Intent.Open(ScreenName.WALLET)
        assertEquals(ScreenName.WALLET, open.screen)
        val change = Intent.ChangeSetting(Setting.ElderMode(on = true))
        assertEquals(Setting.ElderMode(true), change.setting)
    }
}
