package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContextTest {

    @Test
    void systemFromXml() {
        try (OpenMMSystem system = Toy.triatomic()) {
            assertEquals(3, system.numParticles());
            assertArrayEquals(new double[] {12, 1, 16}, system.masses());
            assertEquals(3, system.forces().size());
            assertEquals("HarmonicBondForce", system.forces().get(0).name());
            assertEquals(2, system.forces().get(2).group());
            try (OpenMMSystem again = OpenMMSystem.fromXml(system.toXml())) {
                assertEquals(3, again.numParticles());
            }
        }
    }

    @Test
    void energiesMatchClosedFormOnReference() {
        try (OpenMMSystem system = Toy.triatomic(); Context context = Context.forEnergies(system, "Reference", Map.of())) {
            int n = 50;
            double[] x = new double[n * 9];
            for (int c = 0; c < n; c++) System.arraycopy(Toy.configuration(c), 0, x, c * 9, 9);
            double[] e = new double[n];
            context.evaluate(x, n, e, new double[n * 9]);
            for (int c = 0; c < n; c++) {
                double expected = Toy.energy(Toy.configuration(c));
                assertEquals(expected, e[c], 1e-9 * Math.abs(expected), "configuration " + c);
            }
            double[] groups = context.groupEnergies(Toy.configuration(3), 1, 0, 1, 2);
            assertArrayEquals(Toy.groupEnergies(Toy.configuration(3)), groups, 1e-9);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Reference", "CPU"})
    void forcesAreMinusTheEnergyGradient(String platform) {
        try (OpenMMSystem system = Toy.triatomic(); Context context = Context.forEnergies(system, platform, Map.of())) {
            double[] x = Toy.configuration(11);
            double[] e = new double[1], f = new double[9];
            context.evaluate(x, 1, e, f);
            // CPU is single precision: a larger step and tolerance there.
            double h = platform.equals("CPU") ? 1e-4 : 1e-6;
            double tolerance = platform.equals("CPU") ? 2e-2 : 1e-5;
            for (int i = 0; i < 9; i++) {
                double[] plus = x.clone(), minus = x.clone();
                plus[i] += h;
                minus[i] -= h;
                double gradient = (context.energy(plus) - context.energy(minus)) / (2 * h);
                assertEquals(-gradient, f[i], tolerance * Math.max(1, Math.abs(f[i])), "component " + i);
            }
        }
    }

    @Test
    void malformedXmlIsAnError() {
        var e = assertThrows(OpenMMException.class, () -> OpenMMSystem.fromXml("<System><Particles><Particle m=\"1\"></System>"));
        assertFalse(e.getMessage().isBlank());
        var notXml = assertThrows(OpenMMException.class, () -> OpenMMSystem.fromXml("this is not XML"));
        assertTrue(notXml.getMessage().contains("not an XML document"), notXml.getMessage());
        // the JVM is alive and the bridge still works
        try (OpenMMSystem system = Toy.triatomic()) {
            assertEquals(3, system.numParticles());
        }
    }

    @Test
    void integratorXmlIsNotASystem() {
        var e = assertThrows(OpenMMException.class, () -> OpenMMSystem.fromXml(Toy.xml("verlet-integrator.xml")));
        assertTrue(e.getMessage().contains("root element is <Integrator>"), e.getMessage());
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.xml");
        var e = assertThrows(OpenMMException.class, () -> OpenMMSystem.load(missing));
        assertTrue(e.getMessage().contains("nowhere.xml") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void errorsInAFileNameTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("broken.xml");
        Files.writeString(bad, Toy.xml("verlet-integrator.xml"));
        var e = assertThrows(OpenMMException.class, () -> OpenMMSystem.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }

    @Test
    void wrongAtomCountIsAnError() {
        try (OpenMMSystem system = Toy.triatomic(); Context context = Context.forEnergies(system, "Reference", Map.of())) {
            var e = assertThrows(IllegalArgumentException.class, () -> context.evaluate(new double[12], 1, new double[1], null));
            assertTrue(e.getMessage().contains("wrong atom count"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> context.setPositions(new double[6]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Reference", "CPU"})
    void nonFiniteCoordinatesAreErrorsOnEveryPlatform(String platform) {
        try (OpenMMSystem system = Toy.triatomic(); Context context = Context.forEnergies(system, platform, Map.of())) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                double[] x = new double[18];
                System.arraycopy(Toy.configuration(1), 0, x, 0, 9);
                System.arraycopy(Toy.configuration(2), 0, x, 9, 9);
                x[9 + 4] = bad;
                var e = assertThrows(OpenMMException.class, () -> context.evaluate(x, 2, new double[2], null));
                assertTrue(e.getMessage().contains("configuration 1, atom 1, component y"), e.getMessage());
            }
            // still usable afterwards
            assertEquals(Toy.energy(Toy.configuration(1)), context.energy(Toy.configuration(1)), 1e-3);
        }
    }

    @Test
    void unknownPlatformAndPropertyAreErrors() {
        try (OpenMMSystem system = Toy.triatomic()) {
            var p = assertThrows(OpenMMException.class, () -> Context.forEnergies(system, "Warp", Map.of()));
            assertTrue(p.getMessage().contains("unknown platform 'Warp'"), p.getMessage());
            var q = assertThrows(OpenMMException.class, () -> Context.forEnergies(system, "CPU", Map.of("Speed", "11")));
            assertTrue(q.getMessage().contains("no property 'Speed'"), q.getMessage());
            try (Context cpu = Context.forEnergies(system, "CPU", Map.of("Threads", "1"))) {
                assertEquals("1", cpu.propertyValue("Threads"));
                assertEquals("CPU", cpu.platformName());
            }
        }
    }

    @Test
    void langevinDynamicsIsReproducibleAndCheckpoints() {
        try (OpenMMSystem system = Toy.triatomic()) {
            double[] first = run(system, 42), second = run(system, 42), other = run(system, 43);
            assertArrayEquals(first, second, 0.0);
            assertFalse(java.util.Arrays.equals(first, other));
            try (Context context = new Context(system, "Reference", Map.of(), Integrator.langevinMiddle(300, 1, 0.0005, 5))) {
                context.setPositions(Toy.configuration(0));
                context.setVelocitiesToTemperature(300, 9);
                context.step(10);
                byte[] checkpoint = context.checkpoint();
                double[] positions = context.positions(), velocities = context.velocities();
                Context.State state = context.state();
                assertEquals(10, state.stepCount());
                assertEquals(0.005, state.timePs(), 1e-12);
                context.step(10);
                context.loadCheckpoint(checkpoint);
                assertArrayEquals(positions, context.positions(), 0.0);
                assertArrayEquals(velocities, context.velocities(), 0.0);
                assertEquals(10, context.state().stepCount());
                assertEquals(9, context.degreesOfFreedom());
            }
        }
    }

    @Test
    void verletConservesEnergy() {
        try (OpenMMSystem system = Toy.triatomic(); Context context = new Context(system, "Reference", Map.of(), Integrator.verlet(0.0001))) {
            context.setPositions(Toy.configuration(4));
            context.setVelocitiesToTemperature(300, 3);
            Context.State before = context.state();
            context.step(200);
            Context.State after = context.state();
            double total0 = before.potentialKjMol() + before.kineticKjMol();
            double total1 = after.potentialKjMol() + after.kineticKjMol();
            assertEquals(total0, total1, 1e-3 * Math.abs(before.kineticKjMol()));
            assertThrows(OpenMMException.class, () -> context.setTemperature(310));
        }
    }

    @Test
    void minimizationLowersTheEnergy() {
        try (OpenMMSystem system = Toy.triatomic(); Context context = Context.forEnergies(system, "Reference", Map.of())) {
            context.setPositions(Toy.configuration(8));
            double before = context.state().potentialKjMol();
            context.minimize(1.0, 0);
            double after = context.state().potentialKjMol();
            assertTrue(after < before, before + " -> " + after);
        }
    }

    private static double[] run(OpenMMSystem system, int seed) {
        try (Context context = new Context(system, "Reference", Map.of(), Integrator.langevinMiddle(300, 5, 0.0005, seed))) {
            context.setPositions(Toy.configuration(0));
            context.setVelocities(new double[9]);
            context.step(50);
            return context.positions();
        }
    }

    @Test
    void closedHandlesAreRejected() {
        OpenMMSystem system = Toy.triatomic();
        Context context = Context.forEnergies(system, "Reference", Map.of());
        system.close();
        // the context keeps its own copy of the System
        assertTrue(Double.isFinite(context.energy(Toy.configuration(0))));
        context.close();
        context.close();
        assertThrows(IllegalStateException.class, () -> context.energy(Toy.configuration(0)));
    }
}
