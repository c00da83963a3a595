package org.boltzmann4j.bg.energy;

import java.util.Map;
import org.boltzmann4j.bg.systems.MolecularSystem;
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

    @Override
    public Evaluation evaluate(INDArray x, boolean withGradient) {
        if (x.rank() != 2 || x.columns() != dimension)
            throw new IllegalArgumentException("expected (n, " + dimension + ") coordinates, got " + java.util.Arrays.toString(x.shape()));
        int n = (int) x.rows();
        double[] all = x.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] energies = new double[n];
        double[] gradient = withGradient ? new double[n * dimension] : null;
        evaluate(all, n, energies, gradient);
        INDArray e = Nd4j.createFromArray(energies);
        INDArray g = withGradient ? Nd4j.createFromArray(gradient).reshape('c', n, dimension) : null;
        return new Evaluation(e, g);
    }

    /** The same on flat arrays: energies (n), gradient (n * dimension) or null. */
    public void evaluate(double[] x, int n, double[] energies, double[] gradient) {
        boolean[] finite = new boolean[n];
        int good = 0;
        for (int i = 0; i < n; i++) {
            finite[i] = true;
            for (int k = i * dimension; k < (i + 1) * dimension; k++) {
                if (!Double.isFinite(x[k])) {
                    finite[i] = false;
                    break;
                }
            }
            if (finite[i]) good++;
        }
        double[] xs = x, es = energies, fs = gradient;
        if (good < n) {
            xs = new double[good * dimension];
            es = new double[good];
            fs = gradient == null ? null : new double[good * dimension];
            for (int i = 0, j = 0; i < n; i++) {
                if (finite[i]) System.arraycopy(x, i * dimension, xs, (j++) * dimension, dimension);
            }
        }
        pool.evaluate(xs, good, es, fs);
        for (int i = n - 1, j = good - 1; i >= 0; i--) {
            if (finite[i]) {
                double e = es[j];
                energies[i] = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
                if (gradient != null) {
                    for (int k = 0; k < dimension; k++) {
                        double f = fs[j * dimension + k];
                        // forces are -dU/dx
                        gradient[i * dimension + k] = Double.isNaN(e) || !Double.isFinite(f) ? 0.0 : -f;
                    }
                }
                j--;
            } else {
                energies[i] = Double.POSITIVE_INFINITY;
                if (gradient != null) java.util.Arrays.fill(gradient, i * dimension, (i + 1) * dimension, 0.0);
            }
        }
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
        for (int first = 0; first < frames; first += chunk) {
            int n = Math.min(chunk, frames - first);
            double[] x = java.util.Arrays.copyOfRange(xyz, first * dimension, (first + n) * dimension);
            double[] e = new double[n];
            double[] f = withForces ? new double[n * dimension] : null;
            pool.evaluate(x, n, e, f);
            System.arraycopy(e, 0, energies, first, n);
            if (withForces) System.arraycopy(f, 0, forces, first * dimension, n * dimension);
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
