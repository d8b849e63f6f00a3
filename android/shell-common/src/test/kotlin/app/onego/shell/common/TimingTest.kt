package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import java.time.ZoneId

class TimingTest {
    @Test
    fun `a screen is renewed before it expires`() {
        assertEquals(55_000L, Timing.renewDelayMs(expiresAtMs = 160_000, nowMs = 100_000))
        assertEquals(0L, Timing.renewDelayMs(expiresAtMs = 100_000, nowMs = 120_000))
        assertNull(Timing.renewDelayMs(expiresAtMs = null, nowMs = 0))
        assertEquals(60L, Timing.secondsLeft(160_000, 100_000))
        assertEquals(1L, Timing.secondsLeft(100_001, 100_000))
        assertEquals(0L, Timing.secondsLeft(0, 100_000))
    }

    @Test
    fun `check times in the phone's zone`() {
        // 2026-11-27T04:05:06Z is 12:05:06 in Beijing.
        val ms = 1_795_752_306_000L
        assertEquals("2026-11-27 12:05:06", Timing.checkTime(ms, ZoneId.of("Asia/Shanghai")))
        assertEquals("2026-11-27 04:05:06", Timing.checkTime(ms, ZoneId.of("UTC")))
    }
}
