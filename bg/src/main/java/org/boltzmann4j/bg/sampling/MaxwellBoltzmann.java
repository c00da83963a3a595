package org.boltzmann4j.bg.sampling;

import java.util.random.RandomGenerator;

/**
 * Velocities drawn from the Maxwell-Boltzmann distribution: each Cartesian component of atom i is
 * Gaussian with variance kT / m_i (kT in kJ/mol, m in amu, so v in nm/ps). Massless atoms
 * (OpenMM's fixed particles) get zero velocity. The library's one velocity draw: MD starts, HMC
 * momenta and the velocities after an accepted flow jump all come from here.
 */
public final class MaxwellBoltzmann {
    private MaxwellBoltzmann() {}

    /** Fills {@code into} (atoms * 3) with a draw; returns it. */
    public static double[] draw(double[] masses, double kT, RandomGenerator random, double[] into) {
        if (into.length != masses.length * 3)
            throw new IllegalArgumentException("velocities hold " + into.length / 3 + " atoms, the masses " + masses.length);
        for (int i = 0; i < into.length; i++) {
            double m = masses[i / 3];
            into[i] = m > 0 ? Math.sqrt(kT / m) * random.nextGaussian() : 0;
        }
        return into;
    }

    /** A new draw. */
    public static double[] draw(double[] masses, double kT, RandomGenerator random) {
        return draw(masses, kT, random, new double[masses.length * 3]);
    }

    /** Kinetic energy sum m v^2 / 2 in kJ/mol. */
    public static double kineticEnergy(double[] masses, double[] v) {
        double k = 0;
        for (int i = 0; i < v.length; i++) k += 0.5 * masses[i / 3] * v[i] * v[i];
        return k;
    }
}
