package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class QrLayoutTest {
    @Test
    fun `dark modules become row runs`() {
        val m = listOf(
            true, true, false,
            false, false, false,
            true, false, true,
        )
        assertEquals(
            listOf(QrLayout.Run(0, 0, 2), QrLayout.Run(2, 0, 1), QrLayout.Run(2, 2, 1)),
            QrLayout.darkRuns(m, 3),
        )
        assertThrows<IllegalArgumentException> { QrLayout.darkRuns(listOf(true), 2) }
    }

    @Test
    fun `modules are whole pixels with a quiet zone`() {
        // Version 5 (37 modules) in 900 px: 37 + 8 = 45 modules, 20 px each, code 740 px centred.
        assertEquals(20, QrLayout.modulePx(900, 37))
        assertEquals(80, QrLayout.offsetPx(900, 37))
        assertEquals(0, QrLayout.modulePx(900, 0))
    }
}
