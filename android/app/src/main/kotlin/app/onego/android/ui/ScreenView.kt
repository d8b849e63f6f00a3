package app.onego.android.ui

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.defaultMinSize
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Icon as MaterialIcon
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.minimumInteractiveComponentSize
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalDensity
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.Role as A11yRole
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.role
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.stateDescription
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import app.onego.shell.common.Block
import app.onego.shell.common.Layout
import app.onego.shell.common.QrLayout
import app.onego.shell.common.TextMetrics
import app.onego.shell.common.Tokens
import uniffi.onego_core.Element
import uniffi.onego_core.InputKind
import uniffi.onego_core.Intent
import uniffi.onego_core.Role
import uniffi.onego_core.Screen

/** Spacing between and around elements (layout only; text and touch sizes always come from the core). */
private val Gap = 12.dp
private val Edge = 16.dp
private val Inner = 12.dp

/**
 * Draws any screen the core builds, in either mode, with no per-screen code: the elements in reading order, each
 * by its role, at the sizes and in the colours the view model resolved, and every tap sent back as the element's
 * intent. Consecutive tiles share a grid.
 *
 * Text sizes are the core's dp given as sp, so the system font scale still applies on top of the user's in-app
 * scale; touch targets are the core's `min_touch_dp` (and never below Material's minimum); TalkBack reads each
 * element's `speakable` sentence.
 *
 * Text fields read and report their text through [fieldText] and [onFieldChange]: intents that name a field
 * (search, sign-in) are completed by the caller from that text.
 */
@Composable
fun ScreenView(
    screen: Screen,
    onIntent: (Intent) -> Unit,
    modifier: Modifier = Modifier,
    fieldText: (String) -> String = { "" },
    onFieldChange: (id: String, text: String) -> Unit = { _, _ -> },
) {
    OnegoTheme(screen.theme) {
        val palette = LocalPalette.current
        val blocks = remember(screen.elements) { Layout.blocks(screen.elements) { it.role == Role.TILE } }
        Surface(modifier.fillMaxSize(), color = palette[uniffi.onego_core.Colour.SURFACE]) {
            LazyColumn(
                contentPadding = PaddingValues(Edge),
                verticalArrangement = Arrangement.spacedBy(Gap),
            ) {
                items(blocks, key = { block -> blockKey(block) }) { block ->
                    when (block) {
                        is Block.Single -> ElementView(block.item, onIntent, fieldText, onFieldChange)
                        is Block.Grid -> TileGrid(block.items, onIntent)
                    }
                }
            }
        }
    }
}

private fun blockKey(block: Block<Element>): String = when (block) {
    is Block.Single -> block.item.id
    is Block.Grid -> "grid:" + block.items.first().id
}

/** One element by its role. */
@Composable
fun ElementView(
    e: Element,
    onIntent: (Intent) -> Unit,
    fieldText: (String) -> String = { "" },
    onFieldChange: (id: String, text: String) -> Unit = { _, _ -> },
) {
    when (e.role) {
        Role.HEADING -> Heading(e)
        Role.TEXT -> TextLine(e, onIntent)
        Role.BUTTON -> ActionButton(e, onIntent)
        Role.TILE -> Tile(e, onIntent, Modifier.fillMaxWidth())
        Role.LIST_ITEM -> ListRow(e, onIntent)
        Role.TEXT_FIELD -> Field(e, onIntent, fieldText, onFieldChange)
        Role.TOGGLE -> Toggle(e, onIntent)
        Role.QR -> QrCode(e)
        Role.BANNER -> Banner(e)
        Role.HELP_CALL -> HelpCall(e, onIntent)
        // The audit refuses both (MIIT: no pop-ups, no ads); should one arrive it is shown in place, never over
        // the screen.
        Role.DIALOG, Role.ADVERT -> TextLine(e, onIntent)
    }
}

// --- shared pieces -------------------------------------------------------------------------------------------

private fun metrics(e: Element): TextMetrics = Tokens.textMetrics(e.textDp, e.lineHeightDp)

/** The element's sentence for TalkBack, replacing what its children would say. */
private fun Modifier.speakable(e: Element): Modifier =
    semantics(mergeDescendants = true) { contentDescription = e.speakable }

/** The core's touch size for the element, never below Material's minimum; nothing for what cannot be touched. */
private fun Modifier.touchTarget(e: Element): Modifier {
    val side = Tokens.touchTargetDp(e.minTouchDp) ?: return this
    return minimumInteractiveComponentSize().defaultMinSize(minWidth = side.dp, minHeight = side.dp)
}

/** An icon as tall as a line of the element's text. */
@Composable
private fun iconSize(e: Element): Dp = with(LocalDensity.current) { metrics(e).lineHeightSp.sp.toDp() }

@Composable
private fun ElementText(
    e: Element,
    color: Color,
    modifier: Modifier = Modifier,
    text: String = e.text,
    weight: FontWeight? = null,
) {
    val m = metrics(e)
    Text(
        text = text,
        modifier = modifier,
        color = color,
        fontSize = m.sizeSp.sp,
        lineHeight = m.lineHeightSp.sp,
        fontWeight = weight,
    )
}

@Composable
private fun ElementIcon(e: Element, tint: Color) {
    val icon = e.cue?.icon ?: e.icon ?: return
    MaterialIcon(icon.vector(), contentDescription = null, tint = tint, modifier = Modifier.size(iconSize(e)))
}

/** A coloured meaning said again as an icon and a word (colour is never the only cue). */
@Composable
private fun CueWord(e: Element, color: Color) {
    val cue = e.cue ?: return
    ElementText(e, color, text = cue.word, weight = FontWeight.Bold)
}

@Composable
private fun ButtonContent(e: Element, color: Color) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(Inner)) {
        ElementIcon(e, color)
        ElementText(e, color, weight = FontWeight.Medium)
    }
}

// --- roles ---------------------------------------------------------------------------------------------------

@Composable
private fun Heading(e: Element) {
    val palette = LocalPalette.current
    ElementText(
        e,
        palette[e.fg],
        Modifier.fillMaxWidth().semantics { heading(); contentDescription = e.speakable },
        weight = FontWeight.Bold,
    )
}

@Composable
private fun TextLine(e: Element, onIntent: (Intent) -> Unit) {
    val palette = LocalPalette.current
    val intent = e.intent
    val tap = if (intent != null) Modifier.clickable(role = A11yRole.Button) { onIntent(intent) } else Modifier
    Row(
        Modifier.fillMaxWidth().then(tap).touchTarget(e).background(palette[e.bg]).speakable(e),
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(Inner),
    ) {
        ElementIcon(e, palette[e.fg])
        CueWord(e, palette[e.fg])
        ElementText(e, palette[e.fg], Modifier.weight(1f))
    }
}

@Composable
private fun ActionButton(e: Element, onIntent: (Intent) -> Unit) {
    val palette = LocalPalette.current
    val (fg, bg) = palette[e.fg] to palette[e.bg]
    val intent = e.intent
    val modifier = Modifier.fillMaxWidth().touchTarget(e).speakable(e)
    val onClick: () -> Unit = { intent?.let(onIntent) }
    if (e.primary) {
        Button(
            onClick = onClick,
            modifier = modifier,
            enabled = intent != null,
            colors = ButtonDefaults.buttonColors(containerColor = bg, contentColor = fg),
        ) { ButtonContent(e, fg) }
    } else {
        OutlinedButton(
            onClick = onClick,
            modifier = modifier,
            enabled = intent != null,
            border = BorderStroke(1.dp, fg),
            colors = ButtonDefaults.outlinedButtonColors(containerColor = bg, contentColor = fg),
        ) { ButtonContent(e, fg) }
    }
}

@Composable
private fun TileGrid(tiles: List<Element>, onIntent: (Intent) -> Unit) {
    BoxWithConstraints(Modifier.fillMaxWidth()) {
        val columns = Layout.gridColumns(maxWidth.value, tiles.maxOf { it.minTouchDp }, Gap.value)
        Column(verticalArrangement = Arrangement.spacedBy(Gap)) {
            tiles.chunked(columns).forEach { row ->
                Row(horizontalArrangement = Arrangement.spacedBy(Gap)) {
                    row.forEach { tile -> Tile(tile, onIntent, Modifier.weight(1f)) }
                    repeat(columns - row.size) { Spacer(Modifier.weight(1f)) }
                }
            }
        }
    }
}

@Composable
private fun Tile(e: Element, onIntent: (Intent) -> Unit, modifier: Modifier) {
    val palette = LocalPalette.current
    val intent = e.intent
    Surface(
        onClick = { if (intent != null) onIntent(intent) },
        enabled = intent != null,
        modifier = modifier.touchTarget(e).semantics(mergeDescendants = true) {
            role = A11yRole.Button
            contentDescription = e.speakable
        },
        shape = RoundedCornerShape(Inner),
        color = palette[e.bg],
        contentColor = palette[e.fg],
    ) {
        Column(
            Modifier.padding(Inner),
            verticalArrangement = Arrangement.spacedBy(Inner / 2, Alignment.CenterVertically),
            horizontalAlignment = Alignment.CenterHorizontally,
        ) {
            ElementIcon(e, palette[e.fg])
            ElementText(e, palette[e.fg], weight = FontWeight.Medium)
        }
    }
}

@Composable
private fun ListRow(e: Element, onIntent: (Intent) -> Unit) {
    val palette = LocalPalette.current
    val intent = e.intent
    val tap = if (intent != null) Modifier.clickable(role = A11yRole.Button) { onIntent(intent) } else Modifier
    Row(
        Modifier.fillMaxWidth().then(tap).touchTarget(e).background(palette[e.bg]).speakable(e).padding(vertical = Inner / 2),
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(Inner),
    ) {
        ElementIcon(e, palette[e.fg])
        Column(Modifier.weight(1f)) {
            CueWord(e, palette[e.fg])
            ElementText(e, palette[e.fg])
        }
        if (intent != null) {
            // A row that leads somewhere says so with a chevron (decoration: the row is announced as a button).
            MaterialIcon(
                Icons.AutoMirrored.Filled.KeyboardArrowRight,
                contentDescription = null,
                tint = palette[uniffi.onego_core.Colour.MUTED],
                modifier = Modifier.size(iconSize(e)),
            )
        }
    }
}

@Composable
private fun Field(
    e: Element,
    onIntent: (Intent) -> Unit,
    fieldText: (String) -> String,
    onFieldChange: (id: String, text: String) -> Unit,
) {
    val m = metrics(e)
    var text by remember(e) { mutableStateOf(fieldText(e.id)) }
    val intent = e.intent
    val kind = e.input ?: InputKind.TEXT
    OutlinedTextField(
        value = text,
        onValueChange = {
            text = it
            onFieldChange(e.id, it)
        },
        modifier = Modifier.fillMaxWidth().touchTarget(e).semantics { contentDescription = e.speakable },
        label = { ElementText(e, LocalPalette.current[e.fg]) },
        textStyle = TextStyle(fontSize = m.sizeSp.sp, lineHeight = m.lineHeightSp.sp),
        singleLine = true,
        keyboardOptions = KeyboardOptions(
            keyboardType = kind.keyboardType(),
            imeAction = if (kind == InputKind.SEARCH) ImeAction.Search else ImeAction.Done,
        ),
        keyboardActions = KeyboardActions(
            onSearch = { intent?.let(onIntent) },
            onDone = { intent?.let(onIntent) },
        ),
    )
}

private fun InputKind.keyboardType(): KeyboardType = when (this) {
    InputKind.TEXT, InputKind.SEARCH -> KeyboardType.Text
    InputKind.NUMBER, InputKind.CODE -> KeyboardType.Number
    // Dates are typed with separators (2026-11-27).
    InputKind.DATE -> KeyboardType.Text
    InputKind.PHONE -> KeyboardType.Phone
}

@Composable
private fun Toggle(e: Element, onIntent: (Intent) -> Unit) {
    val palette = LocalPalette.current
    val checked = e.checked ?: false
    val intent = e.intent
    Row(
        Modifier
            .fillMaxWidth()
            .toggleable(value = checked, enabled = intent != null, role = A11yRole.Switch) {
                if (intent != null) onIntent(intent)
            }
            .touchTarget(e)
            .background(palette[e.bg])
            .semantics(mergeDescendants = true) { contentDescription = e.speakable },
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(Inner),
    ) {
        ElementIcon(e, palette[e.fg])
        ElementText(e, palette[e.fg], Modifier.weight(1f))
        // The row handles the tap; the switch only shows the state.
        Switch(checked = checked, onCheckedChange = null)
    }
}

@Composable
private fun QrCode(e: Element) {
    val palette = LocalPalette.current
    val qr = e.qr
    if (qr == null) {
        TextLine(e) {}
        return
    }
    val runs = remember(qr) { QrLayout.darkRuns(qr.modules, qr.size) }
    val (dark, light) = palette[e.fg] to palette[e.bg]
    Column(
        Modifier.fillMaxWidth().speakable(e),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(Inner),
    ) {
        BoxWithConstraints(Modifier.fillMaxWidth(), contentAlignment = Alignment.Center) {
            Canvas(Modifier.size(maxWidth).background(light)) {
                val side = size.minDimension.toInt()
                val module = QrLayout.modulePx(side, qr.size).toFloat()
                val offset = QrLayout.offsetPx(side, qr.size).toFloat()
                for (run in runs) {
                    drawRect(
                        color = dark,
                        topLeft = Offset(offset + run.column * module, offset + run.row * module),
                        size = Size(run.length * module, module),
                    )
                }
            }
        }
        if (e.text.isNotBlank()) ElementText(e, dark)
    }
}

@Composable
private fun Banner(e: Element) {
    val palette = LocalPalette.current
    Surface(
        color = palette[e.bg],
        contentColor = palette[e.fg],
        shape = RoundedCornerShape(Inner),
        modifier = Modifier.fillMaxWidth().semantics(mergeDescendants = true) {
            contentDescription = e.speakable
            // Offline, an error, a verdict: announced when it appears.
            liveRegion = LiveRegionMode.Polite
            e.cue?.let { stateDescription = it.word }
        },
    ) {
        Row(
            Modifier.padding(Inner),
            verticalAlignment = Alignment.Top,
            horizontalArrangement = Arrangement.spacedBy(Inner),
        ) {
            ElementIcon(e, palette[e.fg])
            Column(Modifier.weight(1f)) {
                CueWord(e, palette[e.fg])
                ElementText(e, palette[e.fg])
            }
        }
    }
}

@Composable
private fun HelpCall(e: Element, onIntent: (Intent) -> Unit) {
    val palette = LocalPalette.current
    val (fg, bg) = palette[e.fg] to palette[e.bg]
    val intent = e.intent
    OutlinedButton(
        onClick = { if (intent != null) onIntent(intent) },
        enabled = intent != null,
        modifier = Modifier.fillMaxWidth().touchTarget(e).speakable(e),
        border = BorderStroke(2.dp, fg),
        colors = ButtonDefaults.outlinedButtonColors(containerColor = bg, contentColor = fg),
    ) {
        ButtonContent(e, fg)
        Spacer(Modifier.width(Inner))
    }
}
