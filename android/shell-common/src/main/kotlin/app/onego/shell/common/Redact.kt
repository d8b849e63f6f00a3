package app.onego.shell.common

/**
 * Keeps personal data out of the shell's logs. The core decides what a screen shows (it masks ID numbers itself);
 * this is only for what the shell writes to logcat: any run of six or more digits or ID-number characters (an ID
 * number, a phone number, a one-time code) becomes `***` with its last two characters kept for debugging.
 */
object Redact {
    private val LONG_NUMBER = Regex("[0-9][0-9Xx]{5,}")

    fun forLog(text: String): String = LONG_NUMBER.replace(text) { m -> "***" + m.value.takeLast(2) }

    /**
     * A phone number as the sign-in screen echoes it back while the code is on its way: `138****5678`. Anything
     * that is not 11 digits is masked whole.
     */
    fun phone(number: String): String {
        val digits = number.filter(Char::isDigit)
        return if (digits.length == 11) digits.take(3) + "****" + digits.takeLast(4) else "*".repeat(digits.length)
    }
}
