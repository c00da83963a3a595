package org.boltzmann4j.bg.flow;

import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fixed affine map fitted to data, for normalisation: forward (z -> x) colours, x = mean + A z
 * with A A^T = Sigma, and inverse (x -> z) whitens, z = A^-1 (x - mean), so that the fitted data
 * come out with zero mean and identity covariance. log|det dx/dz| = log|det A| = 0.5 log det Sigma
 * exactly, the same for every sample.
 *
 * <p>Two factorisations of Sigma: {@link Method#CHOLESKY} (A = L, lower triangular; the whitened
 * coordinates depend on the order of the inputs) and {@link Method#PCA} (A = V Lambda^1/2, whitened
 * coordinates along the principal axes, in decreasing variance). Sigma must be positive definite;
 * remove exactly constrained or constant coordinates first.
 */
public final class Whitening implements Transform {

    public enum Method { CHOLESKY, PCA }

    private final int dimension;
    private final DataType type;
    private final double[] mean;
    private final INDArray colourT; // A^T, so that a row batch maps as z A^T
    private final INDArray colour; // A
    private final INDArray whitenT; // A^-T
    private final INDArray whiten; // A^-1
    private final double logDetA;

    private Whitening(double[] mean, double[][] a, double logDetA, DataType type) {
        Batches.requireType(type);
        this.dimension = mean.length;
        this.type = type;
        this.mean = mean.clone();
        RealMatrix am = new Array2DRowRealMatrix(a);
        RealMatrix inv = new org.apache.commons.math3.linear.LUDecomposition(am).getSolver().getInverse();
        this.colour = toNd(am, type);
        this.colourT = toNd(am.transpose(), type);
        this.whiten = toNd(inv, type);
        this.whitenT = toNd(inv.transpose(), type);
        this.logDetA = logDetA;
    }

    /** Fits mean and unbiased covariance ((m - 1) normalisation) of the rows of {@code data} (m, d). */
    public static Whitening fit(INDArray data, Method method, DataType type) {
        if (data.rank() != 2 || data.size(0) <= data.size(1)) {
            throw new IllegalArgumentException("whitening needs a data matrix (m, d) with m > d, got "
                    + java.util.Arrays.toString(data.shape()));
        }
        int m = (int) data.size(0);
        int d = (int) data.size(1);
        double[] x = Batches.toDoubles(data);
        double[] mean = new double[d];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[r * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= m;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < d; j++) {
                c[j] = x[r * d + j] - mean[j];
            }
            for (int i = 0; i < d; i++) {
                double ci = c[i];
                double[] row = cov[i];
                for (int j = 0; j <= i; j++) {
                    row[j] += ci * c[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                cov[i][j] /= (m - 1);
                cov[j][i] = cov[i][j];
            }
        }
        return of(mean, cov, method, type);
    }

    /** From a given mean and positive definite covariance. */
    public static Whitening of(double[] mean, double[][] covariance, Method method, DataType type) {
        int d = mean.length;
        if (covariance.length != d) {
            throw new IllegalArgumentException("covariance is not " + d + " x " + d);
        }
        RealMatrix sigma = new Array2DRowRealMatrix(covariance);
        double[][] a;
        double logDet = 0;
        if (method == Method.CHOLESKY) {
            CholeskyDecomposition ch;
            try {
                ch = new CholeskyDecomposition(sigma, 1e-12, 0);
            } catch (NonPositiveDefiniteMatrixException e) {
                throw new IllegalArgumentException("covariance is not positive definite", e);
            }
            a = ch.getL().getData();
            for (int i = 0; i < d; i++) {
                logDet += Math.log(a[i][i]);
            }
        } else {
            EigenDecomposition eig = new EigenDecomposition(sigma);
            double[] lambda = eig.getRealEigenvalues();
            Integer[] idx = new Integer[d];
            for (int i = 0; i < d; i++) {
                idx[i] = i;
            }
            java.util.Arrays.sort(idx, (p, q) -> Double.compare(lambda[q], lambda[p]));
            a = new double[d][d];
            for (int k = 0; k < d; k++) {
                double l = lambda[idx[k]];
                if (!(l > 0)) {
                    throw new IllegalArgumentException("covariance is not positive definite (eigenvalue " + l + ")");
                }
                double[] v = eig.getEigenvector(idx[k]).toArray();
                double s = Math.sqrt(l);
                for (int i = 0; i < d; i++) {
                    a[i][k] = v[i] * s;
                }
                logDet += 0.5 * Math.log(l);
            }
        }
        return new Whitening(mean, a, logDet, type);
    }

    private static INDArray toNd(RealMatrix m, DataType type) {
        int r = m.getRowDimension();
        int c = m.getColumnDimension();
        double[] flat = new double[r * c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(m.getRow(i), 0, flat, i * c, c);
        }
        return Batches.matrix(flat, r, c, type);
    }

    public double[] mean() {
        return mean.clone();
    }

    /** A with A A^T = Sigma (d, d). */
    public INDArray colouringMatrix() {
        return colour.dup();
    }

    /** log|det dx/dz| = 0.5 log det Sigma. */
    public double logDetForward() {
        return logDetA;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Pass forwardPass(INDArray z) {
        int n = Batches.requireBatch(z, dimension, type, "Whitening");
        INDArray x = z.mmul(colourT).addiRowVector(Batches.vector(mean).castTo(type));
        return pass(n, x, logDetA, colour);
    }

    @Override
    public Pass inversePass(INDArray x) {
        int n = Batches.requireBatch(x, dimension, type, "Whitening");
        INDArray z = x.subRowVector(Batches.vector(mean).castTo(type)).mmul(whitenT);
        return pass(n, z, -logDetA, whiten);
    }

    /** out = in M^T + c, so dL/d(in) = dL/d(out) M. */
    private Pass pass(int n, INDArray out, double logDet, INDArray m) {
        double[] ld = new double[n];
        java.util.Arrays.fill(ld, logDet);
        INDArray logDets = Batches.vector(ld);
        return Pass.of(out, logDets, (gradOutput, gradLogDet) -> {
            if (gradOutput == null) {
                return out.ulike().assign(0);
            }
            return (gradOutput.dataType() == type ? gradOutput : gradOutput.castTo(type)).mmul(m);
        });
    }
}
