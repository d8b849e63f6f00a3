package app.onego.shell.common

/**
 * The core's design tokens as numbers a UI toolkit takes. The core resolves every size for the mode and the
 * user's text scale; the shell only converts units and never invents a size.
 */
object Tokens {
    /** Opaque black: what a colour token the theme lacks falls back to, so a bad theme is visible, not invisible. */
    const val FALLBACK_ARGB: Long = 0xFF000000

    /**
     * `#RRGGBB` (the core's `Swatch.hex`) as an opaque ARGB value; `null` if it is not of that form.
     */
    fun argbOf(hex: String): Long? {
        val digits = hex.trim().removePrefix("#")
        if (digits.length != 6 || digits.any { Character.digit(it, 16) < 0 }) return null
        return 0xFF000000 or digits.toLong(16)
    }

    /**
     * The theme's swatches (`colour token name` to `#RRGGBB`) as a lookup of ARGB values; malformed entries are
     * left out (and then resolve to [FALLBACK_ARGB]).
     */
    fun palette(swatches: List<Pair<String, String>>): Map<String, Long> =
        swatches.mapNotNull { (token, hex) -> argbOf(hex)?.let { token to it } }.toMap()

    fun colour(palette: Map<String, Long>, token: String): Long = palette[token] ?: FALLBACK_ARGB

    /**
     * An element's text metrics. `textDp` and `lineHeightDp` already hold the user's in-app text scale; the shell
     * gives them as scalable units (sp) so that the system font scale applies on top.
     */
    fun textMetrics(textDp: Int, lineHeightDp: Int): TextMetrics {
        val size = textDp.coerceAtLeast(1).toFloat()
        return TextMetrics(sizeSp = size, lineHeightSp = maxOf(size, lineHeightDp.toFloat()))
    }

    /**
     * The touch target of an element: the core's `min_touch_dp`, or `null` (0) for what cannot be touched.
     */
    fun touchTargetDp(minTouchDp: Int): Int? = minTouchDp.takeIf { it > 0 }
}

/** Text size and line height in scalable pixels (sp). */
data class TextMetrics(val sizeSp: Float, val lineHeightSp: Float)
