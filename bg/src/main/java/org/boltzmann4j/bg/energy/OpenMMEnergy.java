package org.boltzmann4j.bg.energy;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.boltzmann4j.openmm.ContextPool;
import org.boltzmann4j.openmm.OpenMMException;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * U(x) and dU/dx from OpenMM, a batch evaluated on all cores through the bindings' context pool.
 * Rows with non-finite coordinates (a flow can produce them) get energy +infinity and a zero
 * gradient instead of failing the batch; NaN energies from OpenMM become +infinity too.
 */
public final class OpenMMEnergy implements Energy, AutoCloseable {
    private final ContextPool pool;
    private final int dimension;

    /**
     * @param platform OpenMM platform name ("Reference" is exact double precision, and the fastest
     *     for small molecules such as alanine dipeptide)
     * @param threads contexts evaluating in parallel; 0 = one per core
     */
    public OpenMMEnergy(String systemXml, String platform, Map<String, String> properties, int threads) {
        this(OpenMMSystem.fromXml(systemXml), platform, properties, threads);
    }

    /** The same for a molecular system; errors in its XML name it. */
    public OpenMMEnergy(MolecularSystem molecular, String platform, Map<String, String> properties, int threads) {
        this(parse(molecular), platform, properties, threads);
    }

    private OpenMMEnergy(OpenMMSystem system, String platform, Map<String, String> properties, int threads) {
        try (system) {
            pool = new ContextPool(system, platform, properties, threads);
            dimension = 3 * system.numParticles();
        }
    }

    private static OpenMMSystem parse(MolecularSystem molecular) {
        try {
            return OpenMMSystem.fromXml(molecular.systemXml());
        } catch (OpenMMException e) {
            throw new OpenMMException(molecular.name() + ": " + e.getMessage(), e);
        }
    }

    public int numAtoms() {
        return dimension / 3;
    }

    public ContextPool pool() {
        return pool;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /**
     * OpenMM reads the batch's own memory and writes energies and forces into the result arrays'
     * memory (no copy, when all rows are finite; rows with non-finite coordinates are left out
     * of the batch handed to OpenMM, so the finite ones are gathered first).
     */
    @Override
    public Evaluation evaluate(INDArray x, boolean withGradient) {
        if (x.rank() != 2 || x.columns() != dimension)
            throw new IllegalArgumentException("expected (n, " + dimension + ") coordinates, got " + java.util.Arrays.toString(x.shape()));
        int n = (int) x.rows();
        INDArray xs = Batches.contiguous(x, DataType.DOUBLE);
        INDArray energies = Nd4j.create(DataType.DOUBLE, n);
        INDArray gradient = withGradient ? Batches.uninitialized(DataType.DOUBLE, n, dimension) : null;
        Values xv = Values.of(xs);
        int[] rows = new int[n]; // the finite rows, in order
        int good = 0;
        for (int i = 0; i < n; i++) {
            boolean finite = true;
            for (int k = i * dimension; k < (i + 1) * dimension && finite; k++) finite = Double.isFinite(xv.get(k));
            if (finite) rows[good++] = i;
        }
        // OpenMM evaluates the finite rows: in place when that is all of them
        INDArray xg = xs, eg = energies, fg = gradient;
        if (good < n) {
            xg = xs.getRows(java.util.Arrays.copyOf(rows, good));
            eg = Nd4j.create(DataType.DOUBLE, good);
            fg = withGradient ? Batches.uninitialized(DataType.DOUBLE, good, dimension) : null;
        }
        if (good > 0) pool.evaluate(Batches.segment(xg), good, Batches.segment(eg), fg == null ? null : Batches.segment(fg));
        // a segment does not keep its array alive: without the fence the gathered copies may be freed while OpenMM reads them
        java.lang.ref.Reference.reachabilityFence(xg);
        java.lang.ref.Reference.reachabilityFence(eg);
        java.lang.ref.Reference.reachabilityFence(fg);
        Values ev = Values.of(energies), egv = Values.of(eg);
        Values gv = withGradient ? Values.of(gradient) : null, fgv = withGradient ? Values.of(fg) : null;
        // backwards, so that in place (i == j) every row is read before it is written
        for (int i = n - 1, j = good - 1; i >= 0; i--) {
            if (j >= 0 && rows[j] == i) {
                double e = egv.get(j);
                ev.set(i, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
                if (withGradient) {
                    for (int k = 0; k < dimension; k++) {
                        double f = fgv.get(j * dimension + k);
                        // forces are -dU/dx
                        gv.set(i * dimension + k, Double.isNaN(e) || !Double.isFinite(f) ? 0.0 : -f);
                    }
                }
                j--;
            } else {
                ev.set(i, Double.POSITIVE_INFINITY);
                if (withGradient) for (int k = 0; k < dimension; k++) gv.set(i * dimension + k, 0.0);
            }
        }
        return new Evaluation(energies, gradient);
    }

    /**
     * Scores frames (nm) with OpenMM: energies in kJ/mol (n) and, if asked for, forces in
     * kJ/mol/nm (n * atoms * 3), in chunks so that progress can be reported. Unlike
     * {@link #evaluate}, non-finite coordinates are an error naming the frame and atom, and NaN
     * energies are returned as they are: scoring reports what OpenMM says.
     *
     * @param progress called with the number of frames done after each chunk
     */
    public Scores score(double[] xyz, int frames, boolean withForces, java.util.function.IntConsumer progress) {
        if (xyz.length != (long) frames * dimension)
            throw new IllegalArgumentException("frames have " + xyz.length / Math.max(1, frames) / 3 + " atoms, the System has " + numAtoms());
        for (int k = 0; k < xyz.length; k++) {
            if (!Double.isFinite(xyz[k]))
                throw new IllegalArgumentException("non-finite coordinate in frame " + k / dimension + ", atom " + (k % dimension) / 3);
        }
        double[] energies = new double[frames];
        double[] forces = withForces ? new double[xyz.length] : null;
        int chunk = Math.max(64, pool.threads() * 256);
        // chunks are slices of the caller's arrays, not copies of them
        MemorySegment x = MemorySegment.ofArray(xyz), e = MemorySegment.ofArray(energies);
        MemorySegment f = withForces ? MemorySegment.ofArray(forces) : null;
        long row = (long) dimension * Double.BYTES;
        for (int first = 0; first < frames; first += chunk) {
            int n = Math.min(chunk, frames - first);
            pool.evaluate(x.asSlice(first * row, n * row), n, e.asSlice(first * (long) Double.BYTES, n * (long) Double.BYTES),
                    f == null ? null : f.asSlice(first * row, n * row));
            progress.accept(first + n);
        }
        return new Scores(energies, forces);
    }

    /** Energies (kJ/mol) and forces (kJ/mol/nm, or null) of scored frames. */
    public record Scores(double[] energies, double[] forces) {}

    @Override
    public void close() {
        pool.close();
    }
}
