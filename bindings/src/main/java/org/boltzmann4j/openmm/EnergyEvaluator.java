package org.boltzmann4j.openmm;

/**
 * Energies and forces of a batch of configurations of one System. Positions are
 * n * numParticles * 3 doubles in nm, C order (configuration, particle, xyz); energies n doubles
 * in kJ/mol; forces (may be null) like positions, in kJ/mol/nm.
 */
public interface EnergyEvaluator extends AutoCloseable {
    int numParticles();

    void evaluate(double[] positions, int n, double[] energies, double[] forces);

    /** Energy of one configuration in kJ/mol. */
    default double energy(double[] positions) {
        double[] e = new double[1];
        evaluate(positions, 1, e, null);
        return e[0];
    }

    @Override
    void close();

    /** Checks the array sizes of a batch call; a clear message instead of a native overrun. */
    static void checkBatch(int numParticles, double[] positions, int n, double[] energies, double[] forces) {
        long coords = (long) n * numParticles * 3;
        if (n < 0) throw new IllegalArgumentException("negative batch size " + n);
        if (positions.length != coords)
            throw new IllegalArgumentException("wrong atom count or batch size: positions hold " + positions.length
                    + " values, " + n + " configurations of " + numParticles + " atoms need " + coords);
        if (energies.length != n) throw new IllegalArgumentException("energies hold " + energies.length + " values, need " + n);
        if (forces != null && forces.length != coords)
            throw new IllegalArgumentException("forces hold " + forces.length + " values, need " + coords);
    }
}
