package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ContextPoolTest {
    private static double[] batch(int n, long seed) {
        double[] x = new double[n * 9];
        for (int c = 0; c < n; c++) System.arraycopy(Toy.configuration(seed * 100000 + c), 0, x, c * 9, 9);
        return x;
    }

    @Test
    void poolGivesTheSameNumbersAsOneThread() {
        int n = 1001;
        double[] x = batch(n, 1);
        try (OpenMMSystem system = Toy.triatomic();
                Context single = Context.forEnergies(system, "Reference", Map.of());
                ContextPool pool = new ContextPool(system, "Reference", Map.of(), 4)) {
            double[] e1 = new double[n], f1 = new double[n * 9], e4 = new double[n], f4 = new double[n * 9];
            single.evaluate(x, n, e1, f1);
            pool.evaluate(x, n, e4, f4);
            assertArrayEquals(e1, e4, 0.0);
            assertArrayEquals(f1, f4, 0.0);
            // batches smaller than the pool, and empty ones
            double[] e2 = new double[2];
            pool.evaluate(batch(2, 1), 2, e2, null);
            assertArrayEquals(new double[] {e1[0], e1[1]}, e2, 0.0);
            pool.evaluate(new double[0], 0, new double[0], null);
        }
    }

    @Test
    void manyThreadsAtOnceGiveTheSameNumbers() throws Exception {
        int n = 200;
        try (OpenMMSystem system = Toy.triatomic(); Context reference = Context.forEnergies(system, "Reference", Map.of())) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    long seed = t;
                    results.add(threads.submit(() -> {
                        try (Context own = Context.forEnergies(system, "Reference", Map.of())) {
                            double[] x = batch(n, seed);
                            double[] e = new double[n], f = new double[n * 9];
                            for (int repeat = 0; repeat < 20; repeat++) own.evaluate(x, n, e, f);
                            double[] expected = new double[n], expectedF = new double[n * 9];
                            synchronized (reference) {
                                reference.evaluate(x, n, expected, expectedF);
                            }
                            return java.util.Arrays.equals(e, expected) && java.util.Arrays.equals(f, expectedF);
                        }
                    }));
                }
                for (Future<Boolean> r : results) assertTrue(r.get());
            } finally {
                threads.shutdown();
            }
        }
    }

    @Test
    void anErrorInOneSliceReachesTheCaller() {
        int n = 8;
        double[] x = batch(n, 2);
        x[7 * 9] = Double.NaN;
        try (OpenMMSystem system = Toy.triatomic(); ContextPool pool = new ContextPool(system, "Reference", Map.of(), 2)) {
            var e = assertThrows(OpenMMException.class, () -> pool.evaluate(x, n, new double[n], null));
            assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
            x[7 * 9] = 0.1;
            double[] energies = new double[n];
            pool.evaluate(x, n, energies, null);
            for (double v : energies) assertTrue(Double.isFinite(v));
        }
    }
}
