package app.onego.shell.common

import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

object Timing {
    /** How long before a screen's `expires_at_ms` the shell asks for a new one (a licence QR code). */
    const val RENEW_LEAD_MS: Long = 5_000

    /**
     * Milliseconds to wait before renewing a screen that stops being valid at `expiresAtMs`: never negative, so an
     * expired screen is renewed at once; `null` when the screen does not expire.
     */
    fun renewDelayMs(expiresAtMs: Long?, nowMs: Long, leadMs: Long = RENEW_LEAD_MS): Long? =
        expiresAtMs?.let { (it - leadMs - nowMs).coerceAtLeast(0) }

    /** Whole seconds left (rounded up), for a countdown the shell may show next to a QR code. */
    fun secondsLeft(expiresAtMs: Long, nowMs: Long): Long = ((expiresAtMs - nowMs).coerceAtLeast(0) + 999) / 1000

    /** An epoch-millisecond time (a verifier's check time) as `yyyy-MM-dd HH:mm:ss` in the phone's zone. */
    fun checkTime(epochMs: Long, zone: ZoneId): String =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(zone).format(Instant.ofEpochMilli(epochMs))
}
