package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class LayoutTest {
    @Test
    fun `runs of tiles become grids, in reading order`() {
        val roles = listOf("HEADING", "TILE", "TILE", "TILE", "TEXT", "TILE", "HELP_CALL")
        val blocks = Layout.blocks(roles) { it == "TILE" }
        assertEquals(
            listOf(
                Block.Single("HEADING"),
                Block.Grid(listOf("TILE", "TILE", "TILE")),
                Block.Single("TEXT"),
                Block.Grid(listOf("TILE")),
                Block.Single("HELP_CALL"),
            ),
            blocks,
        )
        assertEquals(emptyList<Block<String>>(), Layout.blocks(emptyList<String>()) { true })
    }

    @Test
    fun `columns fit the tile size`() {
        // A 360 dp phone, elder tiles of 120 dp, 12 dp gaps: two columns.
        assertEquals(2, Layout.gridColumns(360f - 32f, 120, 12f))
        // Standard tiles of 88 dp: three.
        assertEquals(3, Layout.gridColumns(328f, 88, 12f))
        // Never fewer than one, never more than asked.
        assertEquals(1, Layout.gridColumns(50f, 120, 12f))
        assertEquals(2, Layout.gridColumns(2000f, 88, 12f, maxColumns = 2))
        assertEquals(1, Layout.gridColumns(300f, 0, 12f))
    }
}
