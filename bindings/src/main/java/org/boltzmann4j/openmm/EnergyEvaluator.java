package org.boltzmann4j.openmm;

import java.lang.foreign.MemorySegment;

/**
 * Energies and forces of a batch of configurations of one System. Positions are
 * n * numParticles * 3 doubles in nm, C order (configuration, particle, xyz); energies n doubles
 * in kJ/mol; forces (may be null) like positions, in kJ/mol/nm.
 */
public interface EnergyEvaluator extends AutoCloseable {
    int numParticles();

    /** The batch in Java arrays; the same as {@link #evaluate(MemorySegment, int, MemorySegment, MemorySegment)} on them. */
    void evaluate(double[] positions, int n, double[] energies, double[] forces);

    /**
     * The batch in memory segments of float64 values in native byte order, laid out as the arrays
     * above. Native segments (a tensor's own buffer, say) are read and written in place by OpenMM's
     * native code, with no copy; heap segments are copied through native staging memory.
     *
     * @param forces null for energies only
     */
    void evaluate(MemorySegment positions, int n, MemorySegment energies, MemorySegment forces);

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

    /** The same for a batch in memory segments (sizes in bytes of float64 values). */
    static void checkBatch(int numParticles, MemorySegment positions, int n, MemorySegment energies, MemorySegment forces) {
        long coords = (long) n * numParticles * 3;
        if (n < 0) throw new IllegalArgumentException("negative batch size " + n);
        if (positions.byteSize() != coords * Double.BYTES)
            throw new IllegalArgumentException("wrong atom count or batch size: positions hold " + positions.byteSize() / Double.BYTES
                    + " values, " + n + " configurations of " + numParticles + " atoms need " + coords);
        if (energies.byteSize() != (long) n * Double.BYTES)
            throw new IllegalArgumentException("energies hold " + energies.byteSize() / Double.BYTES + " values, need " + n);
        if (forces != null && forces.byteSize() != coords * Double.BYTES)
            throw new IllegalArgumentException("forces hold " + forces.byteSize() / Double.BYTES + " values, need " + coords);
    }
}
