package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

class FormStateTest {
    @Test
    fun `typed text survives a rebuild of the same fields`() {
        val form = FormState()
        form.adopt(listOf("phone" to null, "code" to null))
        form["phone"] = " 13812345678 "
        assertEquals("13812345678", form.filled("phone"))
        assertNull(form.filled("code"))

        // The screen is rebuilt (after SendCode): the phone stays, a core value wins, gone fields are dropped.
        form.adopt(listOf("phone" to null, "code" to "123456"))
        assertEquals(" 13812345678 ", form["phone"])
        assertEquals("123456", form["code"])
        form.adopt(listOf("query" to null))
        assertEquals(mapOf<String, String>(), form.snapshot())
        assertEquals("", form["phone"])
    }
}
