package app.onego.shell.common

/** A stretch of a screen's elements drawn together: one element alone, or consecutive ones as a grid. */
sealed interface Block<out T> {
    data class Single<T>(val item: T) : Block<T>
    data class Grid<T>(val items: List<T>) : Block<T>
}

object Layout {
    /**
     * The elements in reading order, with every run of consecutive grid items (the core's tiles) gathered into one
     * [Block.Grid]. Order is kept, so the screen reader reads what the core wrote.
     */
    fun <T> blocks(items: List<T>, isGridItem: (T) -> Boolean): List<Block<T>> {
        val out = mutableListOf<Block<T>>()
        var run = mutableListOf<T>()
        fun flush() {
            if (run.isNotEmpty()) out += Block.Grid(run)
            run = mutableListOf()
        }
        for (item in items) {
            if (isGridItem(item)) {
                run += item
            } else {
                flush()
                out += Block.Single(item)
            }
        }
        flush()
        return out
    }

    /**
     * How many columns of tiles fit: each tile at least `minTileDp` (the core's touch size for a tile) wide, with
     * `gapDp` between them, at least one column and at most `maxColumns`.
     */
    fun gridColumns(availableDp: Float, minTileDp: Int, gapDp: Float, maxColumns: Int = 3): Int {
        if (minTileDp <= 0 || availableDp <= 0f) return 1
        val fit = ((availableDp + gapDp) / (minTileDp + gapDp)).toInt()
        return fit.coerceIn(1, maxOf(1, maxColumns))
    }
}
