package org.boltzmann4j.bg.sampling;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.SplittableRandom;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.Integrator;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.api.Test;

/** The velocity-Verlet wrapping of OpenMM's leap-frog Verlet: time-reversible, and H nearly conserved. */
class HamiltonianMonteCarloTest {
    @Test
    void trajectoriesNearlyConserveEnergy() throws Exception {
        try (OpenMMSystem system = OpenMMSystem.fromXml(HybridSamplerTest.xml());
                Context context = new Context(system, "Reference", Map.of(), Integrator.verlet(0.001))) {
            double kT = HybridSamplerTest.KT;
            double[] x = {0.05, 0.01, -0.02}, force = new double[3], u = new double[1], e = new double[1];
            context.evaluate(x, 1, e, force);
            u[0] = e[0];
            // energy error of velocity Verlet at dt = 1 fs on this smooth potential: tiny relative to kT
            HamiltonianMonteCarlo real = new HamiltonianMonteCarlo(context, system.masses(), kT, 0.001, 40);
            double worst = 0;
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 0; i < 50; i++) worst = Math.max(worst, Math.abs(real.move(x, u, force, random).deltaH()));
            assertTrue(worst < 0.05 * kT, "largest |dH| " + worst + " kJ/mol");
        }
    }

    @Test
    void velocityVerletIsTimeReversible() throws Exception {
        try (OpenMMSystem system = OpenMMSystem.fromXml(HybridSamplerTest.xml());
                Context context = new Context(system, "Reference", Map.of(), Integrator.verlet(0.001))) {
            double m = system.masses()[0], dt = 0.001;
            double[] x0 = {0.07, 0.02, -0.01}, v0 = {0.3, -0.2, 0.1};
            double[] end = verlet(context, m, dt, x0, v0, 100);
            double[] back = verlet(context, m, dt, new double[] {end[0], end[1], end[2]}, new double[] {-end[3], -end[4], -end[5]}, 100);
            for (int k = 0; k < 3; k++) {
                assertEquals(x0[k], back[k], 1e-10, "position " + k);
                assertEquals(-v0[k], back[3 + k], 1e-9, "velocity " + k);
            }
        }
    }

    /** The same half-kick wrapping as HamiltonianMonteCarlo.move, returning (x, v) at the end. */
    private static double[] verlet(Context context, double m, double dt, double[] x, double[] v, int steps) {
        double[] f = new double[3], e = new double[1];
        context.evaluate(x, 1, e, f);
        double[] half = new double[3];
        for (int k = 0; k < 3; k++) half[k] = v[k] - 0.5 * dt * f[k] / m;
        context.setPositions(x);
        context.setVelocities(half);
        context.step(steps);
        double[] xe = context.positions(), vh = context.velocities();
        context.evaluate(xe, 1, e, f);
        return new double[] {xe[0], xe[1], xe[2], vh[0] + 0.5 * dt * f[0] / m, vh[1] + 0.5 * dt * f[1] / m, vh[2] + 0.5 * dt * f[2] / m};
    }
}
