package org.boltzmann4j.bg.sampling;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.systems.SystemCheck;
import org.boltzmann4j.openmm.Context;

/**
 * Metropolized HMC on an OpenMM Context with a Verlet integrator: velocities drawn from
 * Maxwell-Boltzmann, L velocity-Verlet steps, accepted with min(1, exp(-(H' - H)/kT)), H = U + K.
 *
 * <p>OpenMM's VerletIntegrator is leap-frog: its velocities lag the positions by half a step. We
 * start it from v(-dt/2) = v0 - (dt/2) F(x0)/m and finish with v(L dt) = v(L dt - dt/2) +
 * (dt/2) F(xL)/m, which makes the whole move velocity Verlet: time-reversible and
 * volume-preserving, so the acceptance test above is exact (Duane et al. 1987).
 * Units: F/m in kJ/mol/nm/amu = nm/ps^2, velocities nm/ps.
 */
public final class HamiltonianMonteCarlo {
    private final Context context;
    private final double[] masses;
    private final double kT;
    private final double dtPs;
    private final int steps;
    private final int n3;
    private final double[] v, e = new double[1];

    /**
     * @param context a Context with a Verlet integrator of step dtPs; its System must have no
     *     constraints and no virtual sites (refused: {@link SystemCheck.Method#METROPOLIZED_HMC})
     * @param masses amu per atom; massless (fixed) atoms never move
     */
    public HamiltonianMonteCarlo(Context context, double[] masses, double kT, double dtPs, int steps) {
        if (steps < 1) throw new IllegalArgumentException("HMC needs at least one step, got " + steps);
        SystemCheck.require(SystemCheck.Method.METROPOLIZED_HMC, context.features(), null);
        this.context = context;
        this.masses = masses.clone();
        this.kT = kT;
        this.dtPs = dtPs;
        this.steps = steps;
        this.n3 = masses.length * 3;
        this.v = new double[n3];
    }

    /** One move from state (x, u, force); on acceptance they are overwritten with the new state. */
    public Outcome move(double[] x, double[] u, double[] force, RandomGenerator random) {
        MaxwellBoltzmann.draw(masses, kT, random, v);
        double k0 = MaxwellBoltzmann.kineticEnergy(masses, v);
        double[] half = new double[n3];
        for (int i = 0; i < n3; i++) {
            double m = masses[i / 3];
            half[i] = m > 0 ? v[i] - 0.5 * dtPs * force[i] / m : 0;
        }
        context.setPositions(x);
        context.setVelocities(half);
        context.step(steps);
        double[] xNew = context.positions();
        double[] vHalf = context.velocities();
        double[] fNew = new double[n3];
        double uNew;
        boolean finite = true;
        for (double c : xNew) finite &= Double.isFinite(c);
        if (finite) {
            context.evaluate(xNew, 1, e, fNew);
            uNew = e[0];
        } else {
            uNew = Double.POSITIVE_INFINITY;
        }
        double k1 = 0;
        for (int i = 0; i < n3; i++) {
            double m = masses[i / 3];
            double vi = m > 0 ? vHalf[i] + 0.5 * dtPs * fNew[i] / m : 0;
            k1 += 0.5 * m * vi * vi;
        }
        double h0 = u[0] + k0, h1 = Double.isNaN(uNew) ? Double.POSITIVE_INFINITY : uNew + k1;
        double logAlpha = MetropolisHastings.logAcceptHamiltonian(h0, h1, kT);
        boolean accepted = MetropolisHastings.accept(logAlpha, random.nextDouble());
        double deltaU = uNew - u[0];
        if (accepted) {
            System.arraycopy(xNew, 0, x, 0, n3);
            System.arraycopy(fNew, 0, force, 0, n3);
            u[0] = uNew;
        }
        return new Outcome(accepted, h1 - h0, deltaU);
    }

    /** Whether the move was accepted, the energy error H' - H (kJ/mol) and U' - U. */
    public record Outcome(boolean accepted, double deltaH, double deltaU) {}
}
