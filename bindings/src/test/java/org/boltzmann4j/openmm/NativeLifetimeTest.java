package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Native handles are never freed while in use, and a constructor that fails leaves none behind
 * (counted by the native library itself).
 */
class NativeLifetimeTest {

    @Test
    void closingWhileAnotherThreadEvaluatesWaitsForTheCall() throws Exception {
        int n = 2000;
        double[] x = new double[n * 9];
        for (int c = 0; c < n; c++) System.arraycopy(Toy.configuration(c), 0, x, c * 9, 9);
        double expected = Toy.energy(Toy.configuration(n - 1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (OpenMMSystem system = Toy.triatomic()) {
            for (int round = 0; round < 20; round++) {
                Context context = Context.forEnergies(system, "Reference", Map.of());
                CountDownLatch running = new CountDownLatch(1);
                AtomicLong completed = new AtomicLong();
                Future<Throwable> evaluator = pool.submit(() -> {
                    double[] e = new double[n], f = new double[n * 9];
                    try {
                        for (;;) {
                            running.countDown();
                            context.evaluate(x, n, e, f);
                            // a call that completed saw a live context all along: its results are whole
                            assertEquals(expected, e[n - 1], 1e-9 * Math.abs(expected));
                            completed.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        return t;
                    }
                });
                running.await();
                if (round % 2 == 1) Thread.sleep(2); // close mid-call, and right at the start
                context.close();
                Throwable ended = evaluator.get();
                assertInstanceOf(IllegalStateException.class, ended, () -> "the evaluating thread ended with " + ended);
                assertEquals("Context is closed", ended.getMessage());
                assertThrows(IllegalStateException.class, () -> context.state());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failedConstructorsLeaveNoNativeHandle() {
        long[] before = NativeLibrary.liveHandles();
        assertThrows(OpenMMException.class, () -> OpenMMSystem.fromXml("<System><Particles><Particle m=\"1\"></System>"));
        assertThrows(OpenMMException.class, () -> OpenMMSystem.fromXml(Toy.xml("verlet-integrator.xml")));
        try (OpenMMSystem system = Toy.triatomic()) {
            assertArrayEquals(new long[] {before[0] + 1, before[1]}, NativeLibrary.liveHandles());
            assertThrows(OpenMMException.class, () -> Context.forEnergies(system, "Warp", Map.of()));
            assertThrows(OpenMMException.class, () -> Context.forEnergies(system, "CPU", Map.of("Speed", "11")));
            assertThrows(OpenMMException.class, () -> new ContextPool(system, "Reference", Map.of("Threads", "2"), 3));
            assertThrows(IllegalArgumentException.class, () -> Integrator.langevinMiddle(300, 1, -0.001, 1));
            assertArrayEquals(new long[] {before[0] + 1, before[1]}, NativeLibrary.liveHandles());
            try (ContextPool pool = new ContextPool(system, "Reference", Map.of(), 3)) {
                assertArrayEquals(new long[] {before[0] + 1, before[1] + 3}, NativeLibrary.liveHandles());
            }
        }
        assertArrayEquals(before, NativeLibrary.liveHandles());
        OpenMMSystem closed = Toy.triatomic();
        closed.close();
        assertThrows(IllegalStateException.class, () -> Context.forEnergies(closed, "Reference", Map.of()));
        assertArrayEquals(before, NativeLibrary.liveHandles());
    }
}
