package app.onego.shell.common

/**
 * The back stack of destinations. The core's intents say where to go; this only remembers the way back.
 * Opening the destination already on top replaces it (a refresh), and the root is never popped.
 */
class NavStack<T>(root: T) {
    private val entries = ArrayDeque<T>().apply { addLast(root) }

    val current: T get() = entries.last()
    val depth: Int get() = entries.size
    val canGoBack: Boolean get() = entries.size > 1

    fun push(destination: T) {
        if (entries.last() == destination) return
        entries.addLast(destination)
    }

    /** Replaces the top (a wizard step, a renewed QR code) without growing the stack. */
    fun replace(destination: T) {
        entries.removeLast()
        entries.addLast(destination)
    }

    /** Goes back one step; `false` at the root (the activity then finishes). */
    fun pop(): Boolean {
        if (!canGoBack) return false
        entries.removeLast()
        return true
    }

    /** Back to the root only (sign-out, a reset). */
    fun resetTo(root: T) {
        entries.clear()
        entries.addLast(root)
    }

    fun toList(): List<T> = entries.toList()
}
