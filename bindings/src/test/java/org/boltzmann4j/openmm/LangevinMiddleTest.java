package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * LangevinMiddle on the Reference platform, stepped by native/ with a generator per Context:
 * its exact agreement with OpenMM's own integrator where the noise vanishes, its independence
 * from other Contexts stepping at the same time, its checkpoint, and its temperature.
 */
class LangevinMiddleTest {
    private static final double KB = 0.0083144626; // kJ/mol/K

    private static Context langevin(OpenMMSystem system, double frictionPerPs, int seed) {
        return new Context(system, "Reference", Map.of(), Integrator.langevinMiddle(300, frictionPerPs, 0.0005, seed));
    }

    /** Positions then velocities, the full dynamical state. */
    private static double[] phaseSpace(Context context) {
        double[] x = context.positions(), v = context.velocities();
        double[] both = Arrays.copyOf(x, x.length + v.length);
        System.arraycopy(v, 0, both, x.length, v.length);
        return both;
    }

    private static double[] trajectory(Context context, long seed, int segments, int steps) {
        context.setPositions(Toy.configuration(seed));
        context.setVelocitiesToTemperature(300, (int) seed + 1);
        double[] out = new double[0];
        for (int s = 0; s < segments; s++) {
            context.step(steps);
            double[] state = phaseSpace(context);
            double[] grown = Arrays.copyOf(out, out.length + state.length);
            System.arraycopy(state, 0, grown, out.length, state.length);
            out = grown;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"triatomic", "constrained", "virtual-site"})
    void withoutFrictionEqualsOpenMMsOwnIntegratorBitForBit(String name) throws IOException {
        // With friction 0 the noise is multiplied by exactly 0, so OpenMM's kernel (reference made
        // by scripts/make-langevin-reference.py) and ours must do identical arithmetic.
        double[] reference = hexValues("langevin-friction0-" + name + ".txt");
        try (OpenMMSystem system = OpenMMSystem.fromXml(Toy.xml(name + ".xml")); Context context = langevin(system, 0, 7)) {
            int n3 = system.numParticles() * 3;
            assertEquals(4 * n3, reference.length);
            context.setPositions(Arrays.copyOfRange(reference, 0, n3));
            context.setVelocities(Arrays.copyOfRange(reference, n3, 2 * n3));
            context.step(300);
            assertArrayEquals(Arrays.copyOfRange(reference, 2 * n3, 3 * n3), context.positions(), 0.0, "positions");
            assertArrayEquals(Arrays.copyOfRange(reference, 3 * n3, 4 * n3), context.velocities(), 0.0, "velocities");
            assertEquals(300, context.state().stepCount());
            assertEquals(0.15, context.state().timePs(), 1e-12);
        }
    }

    @Test
    void contextsSteppedConcurrentlyGiveTheTrajectoriesTheyGiveAlone() throws Exception {
        try (OpenMMSystem system = Toy.triatomic()) {
            double[][] alone = new double[2][];
            for (int c = 0; c < 2; c++) {
                try (Context context = langevin(system, 5, 100 + c)) {
                    alone[c] = trajectory(context, c, 40, 50);
                }
            }
            for (int repeat = 0; repeat < 3; repeat++) {
                Context[] contexts = {langevin(system, 5, 100), langevin(system, 5, 101)};
                CyclicBarrier barrier = new CyclicBarrier(2);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<?>[] runs = new Future<?>[2];
                    double[][] together = new double[2][];
                    for (int c = 0; c < 2; c++) {
                        int index = c;
                        runs[c] = pool.submit(() -> {
                            barrier.await();
                            together[index] = trajectory(contexts[index], index, 40, 50);
                            return null;
                        });
                    }
                    for (Future<?> run : runs) run.get();
                    for (int c = 0; c < 2; c++) assertArrayEquals(alone[c], together[c], 0.0, "context " + c + ", repeat " + repeat);
                } finally {
                    pool.shutdownNow();
                    for (Context context : contexts) context.close();
                }
            }
            assertFalse(Arrays.equals(alone[0], alone[1]));
        }
    }

    @Test
    void theSeedFixesTheTrajectoryAndOtherSeedsDiffer() {
        try (OpenMMSystem system = Toy.triatomic(); Context a = langevin(system, 5, 42); Context b = langevin(system, 5, 42);
                Context c = langevin(system, 5, 43)) {
            double[] first = trajectory(a, 0, 5, 20), second = trajectory(b, 0, 5, 20), other = trajectory(c, 0, 5, 20);
            assertArrayEquals(first, second, 0.0);
            assertFalse(Arrays.equals(first, other));
            // reseeding restarts the seed's noise stream
            a.setRandomSeed(43);
            assertArrayEquals(other, trajectory(a, 0, 5, 20), 0.0);
        }
    }

    @Test
    void aCheckpointContinuesBitIdenticallyInThisOrAnotherContext() {
        try (OpenMMSystem system = Toy.triatomic(); Context context = langevin(system, 5, 11); Context fresh = langevin(system, 5, 999)) {
            context.setPositions(Toy.configuration(3));
            context.setVelocitiesToTemperature(300, 4);
            context.step(100);
            byte[] checkpoint = context.checkpoint();
            context.step(100);
            double[] continued = phaseSpace(context);
            long steps = context.state().stepCount();

            context.loadCheckpoint(checkpoint);
            context.step(100);
            assertArrayEquals(continued, phaseSpace(context), 0.0, "same context");

            // the other context has another seed: the noise state must come from the checkpoint
            fresh.loadCheckpoint(checkpoint);
            fresh.step(100);
            assertArrayEquals(continued, phaseSpace(fresh), 0.0, "another context");
            assertEquals(steps, fresh.state().stepCount());

            // resetting the step count (as MD does at its start) does not replay the noise
            context.loadCheckpoint(checkpoint);
            context.setTime(0, 0);
            context.step(100);
            assertArrayEquals(Arrays.copyOf(continued, 9), context.positions(), 0.0);
        }
    }

    @Test
    void meanKineticAndPotentialEnergiesAreTheEquipartitionValues() {
        // 64 independent particles in harmonic wells: <K> = <U> = (3N/2) kT exactly for U; for K
        // up to O((omega dt)^2) = 1e-4 here, far below the statistical error.
        try (OpenMMSystem system = OpenMMSystem.fromXml(Toy.xml("harmonic-particles.xml"));
                Context context = new Context(system, "Reference", Map.of(), Integrator.langevinMiddle(300, 5, 0.002, 2024))) {
            int n = system.numParticles();
            double[] x = new double[3 * n];
            context.setPositions(x);
            context.setVelocitiesToTemperature(300, 5);
            context.step(2000);
            int blocks = 20, perBlock = 200, every = 10;
            double[] kBlock = new double[blocks], uBlock = new double[blocks];
            for (int b = 0; b < blocks; b++) {
                for (int s = 0; s < perBlock; s++) {
                    context.step(every);
                    Context.State state = context.state();
                    kBlock[b] += state.kineticKjMol() / perBlock;
                    uBlock[b] += state.potentialKjMol() / perBlock;
                }
            }
            double expected = 1.5 * n * KB * 300;
            assertEquals(3 * n, context.degreesOfFreedom());
            for (double[] block : new double[][] {kBlock, uBlock}) {
                double mean = Arrays.stream(block).average().orElseThrow();
                double var = Arrays.stream(block).map(v -> (v - mean) * (v - mean)).sum() / (blocks - 1);
                double error = Math.sqrt(var / blocks);
                System.out.printf("LangevinMiddleTest: mean %.3f kJ/mol, expected %.3f, standard error %.3f%n", mean, expected, error);
                assertTrue(error < 0.01 * expected, "standard error " + error + " too large to test anything");
                assertEquals(expected, mean, 4 * error);
            }
        }
    }

    private static double[] hexValues(String resource) throws IOException {
        try (InputStream in = LangevinMiddleTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource + " (scripts/make-langevin-reference.py)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().mapToDouble(Double::parseDouble).toArray();
        }
    }
}
