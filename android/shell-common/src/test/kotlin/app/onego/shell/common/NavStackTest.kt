package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class NavStackTest {
    @Test
    fun `push, replace, pop and reset`() {
        val nav = NavStack("home")
        assertFalse(nav.canGoBack)
        nav.push("wallet")
        nav.push("wallet")
        assertEquals(listOf("home", "wallet"), nav.toList())
        nav.push("licence:a")
        nav.replace("present:a")
        assertEquals("present:a", nav.current)
        assertEquals(3, nav.depth)
        assertTrue(nav.pop())
        assertTrue(nav.pop())
        assertFalse(nav.pop())
        assertEquals("home", nav.current)
        nav.push("settings")
        nav.resetTo("sign_in")
        assertEquals(listOf("sign_in"), nav.toList())
    }
}
