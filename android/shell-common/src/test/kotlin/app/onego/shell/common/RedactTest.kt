package app.onego.shell.common

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class RedactTest {
    @Test
    fun `long numbers never reach the log`() {
        assertEquals("sign in ***78", Redact.forLog("sign in 13812345678"))
        assertEquals("id ***2X ok", Redact.forLog("id 11010519491231002X ok"))
        assertEquals("step 3 of 12345", Redact.forLog("step 3 of 12345"))
        assertEquals("screen home", Redact.forLog("screen home"))
    }

    @Test
    fun `phone numbers are masked in the middle`() {
        assertEquals("138****5678", Redact.phone("13812345678"))
        assertEquals("138****5678", Redact.phone("138 1234 5678"))
        assertEquals("*****", Redact.phone("12345"))
    }
}
