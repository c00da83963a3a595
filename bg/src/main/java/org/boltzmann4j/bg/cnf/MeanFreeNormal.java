package org.boltzmann4j.bg.cnf;

import java.util.Locale;
import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The isotropic Gaussian of N atoms restricted to mean-free configurations (the mean over atoms of
 * each Cartesian axis is 0; 3N - 3 dimensions), standard deviation s:
 * log p(z) = -|z|^2 / (2 s^2) - ((3N - 3) / 2) log(2 pi s^2), a density with respect to the
 * (3N - 3)-dimensional volume of that subspace. Rows are of length 3N ({@link #dimension()}),
 * atom-major.
 *
 * <p>The density is not defined off the subspace, so {@link #logProb} and {@link #gradLogProb}
 * refuse a row whose per-axis mean is not 0 (to 1e-8 of the row's size, 1e-5 for float32 rows) rather
 * than project it:
 * projecting would silently score a different configuration, and a non-centred row reaching the
 * prior means a caller forgot to centre its data ({@link #removeMean}) or a field that is not
 * mean-free moved the centre, both bugs worth an error. Samples are exactly mean-free: 3N
 * independent normals with each axis' mean over the atoms subtracted, then scaled by s, whose
 * covariance is s^2 (I - P), P the projection onto the per-axis means.
 */
public final class MeanFreeNormal implements Distribution {

    /**
     * The largest per-axis mean accepted, relative to sigma + the row's largest |coordinate|: far above
     * the rounding a mean-free field leaves after an ODE solve in float64, far below any real offset.
     */
    static final double MEAN_TOLERANCE = 1e-8;

    /** The same for float32 rows, whose rounding alone leaves means of ~1e-7 of their size. */
    static final double MEAN_TOLERANCE_FLOAT32 = 1e-5;

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final int atoms;
    private final double sigma;

    public MeanFreeNormal(int atoms, double sigma) {
        if (atoms < 2) {
            throw new IllegalArgumentException("MeanFreeNormal needs at least 2 atoms (3N - 3 > 0 dimensions), got "
                    + atoms);
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("prior sigma must be > 0 and finite, got " + sigma);
        }
        this.atoms = atoms;
        this.sigma = sigma;
    }

    public int atoms() {
        return atoms;
    }

    public double sigma() {
        return sigma;
    }

    /** The length of a row, 3N (the ambient dimension; the density lives on {@link #subspaceDimension()}). */
    @Override
    public int dimension() {
        return 3 * atoms;
    }

    /** 3N - 3, the dimension of the mean-free subspace and of a flow's log-det on it. */
    public int subspaceDimension() {
        return 3 * atoms - 3;
    }

    @Override
    public INDArray logProb(INDArray x) {
        Values a = checked(x, "logProb");
        int n = (int) x.size(0);
        int d = dimension();
        double norm = 0.5 * subspaceDimension() * (LOG_2PI + 2 * Math.log(sigma));
        double[] out = new double[n];
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = a.get(r * d + j);
                s += v * v;
            }
            out[r] = -s / (2 * sigma * sigma) - norm;
        }
        return Batches.vector(out);
    }

    /** -z / s^2, which lies in the subspace because z does (the gradient within the subspace). */
    @Override
    public INDArray gradLogProb(INDArray x) {
        Values a = checked(x, "gradLogProb");
        int n = (int) x.size(0);
        int d = dimension();
        INDArray g = Batches.uninitialized(DataType.DOUBLE, n, d);
        Values gv = Values.of(g);
        double inv = 1 / (sigma * sigma);
        for (int i = 0; i < n * d; i++) {
            gv.set(i, -a.get(i) * inv);
        }
        return g;
    }

    @Override
    public INDArray sample(int n, RandomGenerator rng) {
        if (n < 0) {
            throw new IllegalArgumentException("MeanFreeNormal: number of samples must be >= 0, got " + n);
        }
        int d = dimension();
        double[] a = new double[n * d];
        for (int k = 0; k < a.length; k++) {
            a[k] = rng.nextGaussian();
        }
        INDArray x = Batches.matrix(a, n, d, DataType.DOUBLE);
        removeMean(x);
        if (n > 0) {
            x.muli(sigma);
        }
        return x;
    }

    /** Subtracts each row's per-axis mean over atoms in place (rows (B, 3N), dense, float64 or float32). */
    public static void removeMean(INDArray x) {
        if (x == null || x.rank() != 2 || x.size(1) % 3 != 0 || x.size(1) == 0) {
            throw new IllegalArgumentException("removeMean: expected rows of 3N coordinates (B, 3N), got "
                    + (x == null ? "null" : java.util.Arrays.toString(x.shape())));
        }
        if (!Batches.dense(x)) {
            throw new IllegalArgumentException("removeMean works in place on a dense row-major array, got "
                    + x.shapeInfoToString());
        }
        int n = (int) x.size(0);
        int d = (int) x.size(1);
        Values v = Values.of(x);
        double[] row = new double[d];
        for (int r = 0; r < n; r++) {
            v.get(r * d, row, 0, d);
            removeMean(row, d);
            v.put(r * d, row, 0, d);
        }
    }

    /**
     * Subtracts each row's per-axis mean over atoms in place, for rows of {@code rowLength} (3N) doubles
     * laid end to end in {@code rows} (one row or many); the one centring every caller uses.
     */
    public static void removeMean(double[] rows, int rowLength) {
        if (rowLength <= 0 || rowLength % 3 != 0 || rows.length % rowLength != 0) {
            throw new IllegalArgumentException("removeMean: expected rows of 3N coordinates, got " + rows.length
                    + " values in rows of " + rowLength);
        }
        int atoms = rowLength / 3;
        for (int base = 0; base < rows.length; base += rowLength) {
            for (int axis = 0; axis < 3; axis++) {
                double mean = 0;
                for (int i = 0; i < atoms; i++) {
                    mean += rows[base + 3 * i + axis];
                }
                mean /= atoms;
                for (int i = 0; i < atoms; i++) {
                    rows[base + 3 * i + axis] -= mean;
                }
            }
        }
    }

    /** Shape, type and the mean-free condition of every row; the entries of x, dense. */
    private Values checked(INDArray x, String who) {
        int d = dimension();
        if (x == null || x.rank() != 2 || x.size(1) != d) {
            throw new IllegalArgumentException("MeanFreeNormal." + who + ": expected (n, " + d + ") for " + atoms
                    + " atoms, got " + (x == null ? "null" : java.util.Arrays.toString(x.shape())));
        }
        Values a = Values.of(Batches.contiguous(x));
        int n = (int) x.size(0);
        double tolerance = x.dataType() == DataType.FLOAT ? MEAN_TOLERANCE_FLOAT32 : MEAN_TOLERANCE;
        for (int r = 0; r < n; r++) {
            double largest = 0;
            double[] mean = new double[3];
            for (int j = 0; j < d; j++) {
                double v = a.get(r * d + j);
                mean[j % 3] += v / atoms;
                largest = Math.max(largest, Math.abs(v));
            }
            double limit = tolerance * (sigma + largest);
            if (!(Math.abs(mean[0]) <= limit && Math.abs(mean[1]) <= limit && Math.abs(mean[2]) <= limit)) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "MeanFreeNormal.%s: row %d has the "
                        + "per-axis mean (%.3g, %.3g, %.3g) over its %d atoms, not 0: the density lives on "
                        + "centre-of-mass-free configurations; centre the rows first (MeanFreeNormal.removeMean)",
                        who, r, mean[0], mean[1], mean[2], atoms));
            }
        }
        return a;
    }

    @Override
    public String toString() {
        return "MeanFreeNormal(atoms=" + atoms + ", sigma=" + sigma + ")";
    }
}
