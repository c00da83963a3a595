package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Systems and Contexts created and destroyed from many threads at once. On OpenMM 7.7's Reference
 * platform this corrupted the heap ("free(): invalid pointer", about 1 in 12 two-replica starts of
 * bg md) until the native layer serialised creation and destruction; a regression shows here as a
 * crashed test JVM or wrong energies. The threads start together (a latch) and each thread
 * deserialises several System XMLs, so creation calls overlap hundreds of times per run. With the
 * native lock taken out (a build of native/ without its lifecycleMutex) this test crashed the forked JVM
 * (SIGSEGV) in 3 runs of 3; with it, it passed 4 runs of 4.
 */
class ConcurrentLifecycleTest {

    private static final String[] SYSTEMS = {"triatomic.xml", "virtual-site.xml", "constrained.xml", "harmonic-particles.xml"};

    @Test
    void creatingAndDestroyingFromManyThreadsKeepsEveryEnergyRight() throws Exception {
        String triatomic = Toy.xml("triatomic.xml");
        String[] others = new String[SYSTEMS.length];
        for (int i = 0; i < SYSTEMS.length; i++) others[i] = Toy.xml(SYSTEMS[i]);
        int threads = 8;
        int rounds = 25;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    for (int r = 0; r < rounds; r++) {
                        // another system, created and destroyed around the checked one, to overlap lifecycles
                        try (OpenMMSystem other = OpenMMSystem.fromXml(others[(thread + r) % others.length]);
                             Context otherContext = Context.forEnergies(other, "Reference", Map.of());
                             OpenMMSystem system = OpenMMSystem.fromXml(triatomic);
                             Context context = Context.forEnergies(system, "Reference", Map.of())) {
                            double[] x = Toy.configuration(1000L * thread + r);
                            double[] e = new double[1];
                            context.evaluate(x, 1, e, null);
                            assertEquals(Toy.energy(x), e[0], 1e-9 * Math.max(1, Math.abs(e[0])),
                                    "thread " + thread + " round " + r);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : done) total += f.get();
            assertEquals(threads * rounds, total);
        } finally {
            pool.shutdownNow();
        }
    }
}
