package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class TokensTest {
    @Test
    fun `hex colours become opaque ARGB`() {
        assertEquals(0xFF0B57D0, Tokens.argbOf("#0B57D0"))
        assertEquals(0xFFFFFFFF, Tokens.argbOf("#ffffff"))
        assertEquals(0xFF000000, Tokens.argbOf(" #000000 "))
        assertNull(Tokens.argbOf("#FFF"))
        assertNull(Tokens.argbOf("#GG0000"))
        assertNull(Tokens.argbOf(""))
    }

    @Test
    fun `a palette resolves tokens and falls back visibly`() {
        val palette = Tokens.palette(listOf("ACCENT" to "#003DA5", "SURFACE" to "#FFFFFF", "MUTED" to "nope"))
        assertEquals(0xFF003DA5, Tokens.colour(palette, "ACCENT"))
        assertEquals(0xFFFFFFFF, Tokens.colour(palette, "SURFACE"))
        assertEquals(Tokens.FALLBACK_ARGB, Tokens.colour(palette, "MUTED"))
        assertEquals(Tokens.FALLBACK_ARGB, Tokens.colour(palette, "DANGER_FG"))
    }

    @Test
    fun `text metrics are the core's sizes in sp`() {
        // Elder body at 100 %: 20 dp text, 30 dp line (150 %).
        assertEquals(TextMetrics(20f, 30f), Tokens.textMetrics(20, 30))
        // A line height never below the text size, and never a zero-size font.
        assertEquals(TextMetrics(16f, 16f), Tokens.textMetrics(16, 0))
        assertEquals(TextMetrics(1f, 1f), Tokens.textMetrics(0, 0))
    }

    @Test
    fun `touch targets come from the core only`() {
        assertEquals(64, Tokens.touchTargetDp(64))
        assertEquals(120, Tokens.touchTargetDp(120))
        assertNull(Tokens.touchTargetDp(0))
    }
}
