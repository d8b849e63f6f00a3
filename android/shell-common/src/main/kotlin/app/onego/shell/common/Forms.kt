package app.onego.shell.common

/**
 * The text the user typed into a screen's fields, by element id. Intents that carry `null` (search, an answer,
 * sign-in) are completed from here by the field id the core documents; the core checks the values.
 *
 * A rebuilt screen keeps what the user typed into a field of the same id unless the core now gives a value.
 */
class FormState(initial: Map<String, String> = emptyMap()) {
    private val values = initial.toMutableMap()

    operator fun get(id: String): String = values[id].orEmpty()

    operator fun set(id: String, text: String) {
        values[id] = text
    }

    /** Takes a new screen's fields (`id` to the core's value, `null` for none). */
    fun adopt(fields: List<Pair<String, String?>>) {
        val ids = fields.map { it.first }.toSet()
        values.keys.retainAll(ids)
        for ((id, value) in fields) {
            if (value != null) values[id] = value
        }
    }

    /** The trimmed text of a field, or `null` when it is blank. */
    fun filled(id: String): String? = values[id]?.trim()?.takeIf { it.isNotEmpty() }

    fun snapshot(): Map<String, String> = values.toMap()
}
