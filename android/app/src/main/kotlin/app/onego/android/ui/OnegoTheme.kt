package app.onego.android.ui

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.Immutable
import androidx.compose.runtime.remember
import androidx.compose.runtime.staticCompositionLocalOf
import androidx.compose.ui.graphics.Color
import app.onego.shell.common.Tokens
import uniffi.onego_core.Colour
import uniffi.onego_core.Theme

/** The screen's colour tokens resolved to colours (the core's theme for the mode: standard or elder). */
@Immutable
class Palette(private val argb: Map<String, Long>) {
    operator fun get(token: Colour): Color = Color(Tokens.colour(argb, token.name))

    companion object {
        fun of(theme: Theme): Palette = Palette(Tokens.palette(theme.swatches.map { it.colour.name to it.hex }))
    }
}

val LocalPalette = staticCompositionLocalOf<Palette> { error("no onego palette: wrap the UI in OnegoTheme") }

/**
 * Material 3 with the core's colours, so Material's own parts (text field outlines, switches, snackbars) use the
 * same tokens as the elements. Typography is left alone: every element carries its own size.
 */
@Composable
fun OnegoTheme(theme: Theme, content: @Composable () -> Unit) {
    val palette = remember(theme) { Palette.of(theme) }
    val scheme = remember(palette) {
        lightColorScheme(
            primary = palette[Colour.ACCENT],
            onPrimary = palette[Colour.ON_ACCENT],
            secondary = palette[Colour.ACCENT],
            onSecondary = palette[Colour.ON_ACCENT],
            background = palette[Colour.SURFACE],
            onBackground = palette[Colour.ON_SURFACE],
            surface = palette[Colour.SURFACE],
            onSurface = palette[Colour.ON_SURFACE],
            surfaceVariant = palette[Colour.RAISED],
            onSurfaceVariant = palette[Colour.MUTED],
            outline = palette[Colour.MUTED],
            error = palette[Colour.DANGER_FG],
            onError = palette[Colour.ON_ACCENT],
            errorContainer = palette[Colour.DANGER_BG],
            onErrorContainer = palette[Colour.DANGER_FG],
        )
    }
    CompositionLocalProvider(LocalPalette provides palette) {
        MaterialTheme(colorScheme = scheme, content = content)
    }
}
