package org.boltzmann4j.bg.flow;

import java.util.stream.IntStream;

/**
 * Splits the rows of a batch into fixed blocks of {@value #BLOCK_ROWS} and runs them on the
 * common fork-join pool when the batch has at least {@value #PARALLEL_ELEMENTS} elements. Each
 * row is computed by one thread with the same arithmetic whatever the block, so results do not
 * depend on the number of threads; sums over rows stay sequential in the callers.
 */
final class RowBlocks {

    static final int PARALLEL_ELEMENTS = 1 << 12;
    static final int BLOCK_ROWS = 64;

    private RowBlocks() {}

    interface Body {
        void run(int from, int to);
    }

    static void run(int rows, long elementsPerRow, Body body) {
        if (rows * elementsPerRow < PARALLEL_ELEMENTS || rows <= BLOCK_ROWS) {
            body.run(0, rows);
            return;
        }
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        IntStream.range(0, blocks).parallel().forEach(b -> body.run(b * BLOCK_ROWS, Math.min(rows, (b + 1) * BLOCK_ROWS)));
    }
}
