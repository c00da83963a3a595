package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The memory entry points: native segments evaluated in place by a Context and by a pool (each
 * context on its slice) give the same numbers as the Java-array entry points; wrong sizes are
 * refused with a message.
 */
class MemoryEntryPointTest {

    @Test
    void nativeSegmentsGiveTheArrayPathsNumbers() {
        int n = 101;
        double[] x = new double[n * 9];
        for (int c = 0; c < n; c++) System.arraycopy(Toy.configuration(7000 + c), 0, x, c * 9, 9);
        try (OpenMMSystem system = Toy.triatomic();
                Context single = Context.forEnergies(system, "Reference", Map.of());
                ContextPool pool = new ContextPool(system, "Reference", Map.of(), 3);
                Arena arena = Arena.ofShared()) {
            double[] e = new double[n], f = new double[n * 9];
            single.evaluate(x, n, e, f);
            MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, x);
            for (EnergyEvaluator evaluator : new EnergyEvaluator[] {single, pool}) {
                MemorySegment es = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
                MemorySegment fs = arena.allocate(ValueLayout.JAVA_DOUBLE, n * 9L);
                evaluator.evaluate(xs, n, es, fs);
                assertArrayEquals(e, es.toArray(ValueLayout.JAVA_DOUBLE), 0.0);
                assertArrayEquals(f, fs.toArray(ValueLayout.JAVA_DOUBLE), 0.0);
                MemorySegment eOnly = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
                evaluator.evaluate(xs, n, eOnly, null);
                assertArrayEquals(e, eOnly.toArray(ValueLayout.JAVA_DOUBLE), 0.0);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> pool.evaluate(xs, n + 1, arena.allocate(ValueLayout.JAVA_DOUBLE, n + 1), null));
            assertThrows(IllegalArgumentException.class,
                    () -> pool.evaluate(xs, n, arena.allocate(ValueLayout.JAVA_DOUBLE, n - 1), null));
        }
    }
}
