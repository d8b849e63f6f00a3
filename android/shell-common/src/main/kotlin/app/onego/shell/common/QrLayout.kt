package app.onego.shell.common

/**
 * Where to draw a QR code's modules. The core gives the matrix (row-major, `true` = dark, `size` modules a side);
 * the shell adds the quiet zone the standard asks for (4 modules) and snaps modules to whole pixels so that
 * scanners see sharp edges.
 */
object QrLayout {
    const val QUIET_ZONE_MODULES = 4

    /** One dark horizontal run: row, first column, length, in modules. */
    data class Run(val row: Int, val column: Int, val length: Int)

    /** Whole pixels per module for a square of `sidePx` pixels; 0 if the matrix is not a valid square. */
    fun modulePx(sidePx: Int, size: Int): Int {
        if (size <= 0) return 0
        return sidePx / (size + 2 * QUIET_ZONE_MODULES)
    }

    /** The offset that centres the code (with its quiet zone) in the square. */
    fun offsetPx(sidePx: Int, size: Int): Int {
        val module = modulePx(sidePx, size)
        return (sidePx - module * size) / 2
    }

    /** The dark modules as horizontal runs (fewer rectangles to draw than one per module). */
    fun darkRuns(modules: List<Boolean>, size: Int): List<Run> {
        require(size >= 0 && modules.size == size * size) { "QR matrix is not ${size}x$size" }
        val runs = mutableListOf<Run>()
        for (row in 0 until size) {
            var col = 0
            while (col < size) {
                if (!modules[row * size + col]) {
                    col++
                    continue
                }
                val start = col
                while (col < size && modules[row * size + col]) col++
                runs += Run(row, start, col - start)
            }
        }
        return runs
    }
}
