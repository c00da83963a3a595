package org.boltzmann4j.bg.cnf;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Vector fields with closed-form flows or exact divergences, for the solver and CNF tests. Each
 * field is written per row in plain loops; its divergence is checked against finite differences in
 * {@link TestFieldsTest}, so the tests that use them rest on fields that are themselves right.
 */
final class TestFields {

    private TestFields() {}

    /** A field given by its value and exact divergence at one row. */
    abstract static class RowField implements VectorField {
        final int dimension;

        RowField(int dimension) {
            this.dimension = dimension;
        }

        /** Writes v(x, t) into v; returns div v when asked (may skip the work otherwise). */
        abstract double row(double[] x, double t, double[] v, boolean divergence);

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public INDArray velocity(INDArray x, double t) {
            return evaluate(x, t, null);
        }

        @Override
        public WithDivergence velocityAndDivergence(INDArray x, double t) {
            int n = (int) x.size(0);
            double[] div = new double[n];
            INDArray v = evaluate(x, t, div);
            return new WithDivergence(v, Batches.vector(div));
        }

        private INDArray evaluate(INDArray x, double t, double[] div) {
            int n = Batches.requireBatch(x, dimension, DataType.DOUBLE, "test field");
            double[] in = Batches.toDoubles(x);
            double[] out = new double[n * dimension];
            double[] xr = new double[dimension];
            double[] vr = new double[dimension];
            for (int r = 0; r < n; r++) {
                System.arraycopy(in, r * dimension, xr, 0, dimension);
                double d = row(xr, t, vr, div != null);
                System.arraycopy(vr, 0, out, r * dimension, dimension);
                if (div != null) {
                    div[r] = d;
                }
            }
            return Batches.matrix(out, n, dimension, DataType.DOUBLE);
        }
    }

    /**
     * dx_i/dt = cos(t) x_i (1 - x_i) per component: x_i(t) = sigmoid(logit(x_i(t0)) + sin t - sin t0),
     * and the integral of div v is sum_i log(x_i(t1)(1 - x_i(t1)) / (x_i(t0)(1 - x_i(t0)))).
     */
    static final class Logistic extends RowField {
        Logistic(int dimension) {
            super(dimension);
        }

        @Override
        double row(double[] x, double t, double[] v, boolean divergence) {
            double c = Math.cos(t);
            double div = 0;
            for (int i = 0; i < dimension; i++) {
                v[i] = c * x[i] * (1 - x[i]);
                div += c * (1 - 2 * x[i]);
            }
            return div;
        }

        static double exact(double x0, double t0, double t1) {
            double logit = Math.log(x0 / (1 - x0)) + Math.sin(t1) - Math.sin(t0);
            return 1 / (1 + Math.exp(-logit));
        }

        static double exactLogDet(double x0, double t0, double t1) {
            double x1 = exact(x0, t0, t1);
            return Math.log(x1 * (1 - x1)) - Math.log(x0 * (1 - x0));
        }
    }

    /** dx/dt = -k (x - cos t), stiff for large k: x(t) = C e^{-k t} + k (k cos t + sin t) / (k^2 + 1). */
    static final class Relaxation extends RowField {
        final double k;

        Relaxation(double k) {
            super(1);
            this.k = k;
        }

        @Override
        double row(double[] x, double t, double[] v, boolean divergence) {
            v[0] = -k * (x[0] - Math.cos(t));
            return -k;
        }

        double exact(double x0, double t) {
            double particular0 = k * k / (k * k + 1);
            double particular = k * (k * Math.cos(t) + Math.sin(t)) / (k * k + 1);
            return (x0 - particular0) * Math.exp(-k * t) + particular;
        }
    }

    /** v = A x + b0 + t b1: its flow is affine, x(t) = Phi(t) x(0) + m(t) (see {@link LinearFlowTest}). */
    static final class Linear extends RowField {
        final double[][] a;
        final double[] b0;
        final double[] b1;

        Linear(double[][] a, double[] b0, double[] b1) {
            super(a.length);
            this.a = a;
            this.b0 = b0;
            this.b1 = b1;
        }

        @Override
        double row(double[] x, double t, double[] v, boolean divergence) {
            double trace = 0;
            for (int i = 0; i < dimension; i++) {
                double s = b0[i] + t * b1[i];
                for (int j = 0; j < dimension; j++) {
                    s += a[i][j] * x[j];
                }
                v[i] = s;
                trace += a[i][i];
            }
            return trace;
        }
    }

    /**
     * v = tanh(x W + t c + b) U, a one-hidden-layer network with fixed random weights: a smooth
     * nonlinear field whose divergence is sum_k (1 - tanh_k^2) sum_j W_jk U_kj.
     */
    static final class Tanh extends RowField {
        final double[][] w;
        final double[][] u;
        final double[] c;
        final double[] b;

        Tanh(int dimension, int hidden, double strength, long seed) {
            super(dimension);
            SplittableRandom rng = new SplittableRandom(seed);
            w = new double[dimension][hidden];
            u = new double[hidden][dimension];
            c = new double[hidden];
            b = new double[hidden];
            for (int j = 0; j < dimension; j++) {
                for (int k = 0; k < hidden; k++) {
                    w[j][k] = rng.nextGaussian() / Math.sqrt(dimension);
                    u[k][j] = strength * rng.nextGaussian() / Math.sqrt(hidden);
                }
            }
            for (int k = 0; k < hidden; k++) {
                c[k] = rng.nextGaussian();
                b[k] = 0.5 * rng.nextGaussian();
            }
        }

        @Override
        double row(double[] x, double t, double[] v, boolean divergence) {
            java.util.Arrays.fill(v, 0);
            double div = 0;
            for (int k = 0; k < c.length; k++) {
                double s = t * c[k] + b[k];
                for (int j = 0; j < dimension; j++) {
                    s += x[j] * w[j][k];
                }
                double h = Math.tanh(s);
                double wu = 0;
                for (int j = 0; j < dimension; j++) {
                    v[j] += h * u[k][j];
                    wu += w[j][k] * u[k][j];
                }
                div += (1 - h * h) * wu;
            }
            return div;
        }
    }

    /**
     * v = a(t) (x - mean over atoms of x, per axis): mean-free and translation invariant, as the
     * EGNN's output is; its ambient trace, a(t) (3N - 3), is its divergence on the mean-free
     * subspace. The flow scales the centred coordinates by exp(integral of a).
     */
    static final class Centring extends RowField {
        final DoubleUnaryOperator a;

        Centring(int atoms, DoubleUnaryOperator a) {
            super(3 * atoms);
            this.a = a;
        }

        @Override
        double row(double[] x, double t, double[] v, boolean divergence) {
            int atoms = dimension / 3;
            double at = a.applyAsDouble(t);
            for (int axis = 0; axis < 3; axis++) {
                double mean = 0;
                for (int i = 0; i < atoms; i++) {
                    mean += x[3 * i + axis] / atoms;
                }
                for (int i = 0; i < atoms; i++) {
                    v[3 * i + axis] = at * (x[3 * i + axis] - mean);
                }
            }
            return at * (dimension - 3);
        }
    }

    /**
     * The exact marginal velocity of {@link LinearPath} with sigma 0 from N(0, I) to a mixture of
     * Gaussians with diagonal covariances: x_t given component k is N(t mu_k, diag(c_k(t))) with
     * c = (1 - t)^2 + t^2 s^2, and E[x1 - x0 | x_t = x, k] = mu + b (x - t mu), b = (t s^2 - (1 - t)) / c,
     * per dimension; v = sum_k w_k(x, t) v_k with w_k the posterior of component k. Its flow carries
     * N(0, I) at t = 0 exactly to the mixture at t = 1, so a CNF on it has log q = the mixture's log
     * density, a nonlinear case with a known answer.
     */
    static final class GaussianMixture extends RowField {
        final double[] weights;
        final double[][] means;
        final double[][] sds;

        // per-row scratch: the tests call a field from one thread
        private final double[] scratchW;
        private final double[][] scratchV;
        private final double[][] scratchG;
        private final double[][] scratchB;

        GaussianMixture(double[] weights, double[][] means, double[][] sds) {
            super(means[0].length);
            this.weights = weights;
            this.means = means;
            this.sds = sds;
            int k = weights.length;
            scratchW = new double[k];
            scratchV = new double[k][dimension];
            scratchG = new double[k][dimension];
            scratchB = new double[k][dimension];
        }

        @Override
        double row(double[] x, double t, double[] v, boolean divergence) {
            int k = weights.length;
            int d = dimension;
            double[] logW = scratchW;
            double[][] vk = scratchV;
            double[][] gk = scratchG;
            double[][] bk = scratchB;
            double max = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < k; m++) {
                double lw = Math.log(weights[m]);
                for (int i = 0; i < d; i++) {
                    double s2 = sds[m][i] * sds[m][i];
                    double c = (1 - t) * (1 - t) + t * t * s2;
                    double centre = t * means[m][i];
                    bk[m][i] = (t * s2 - (1 - t)) / c;
                    vk[m][i] = means[m][i] + bk[m][i] * (x[i] - centre);
                    gk[m][i] = -(x[i] - centre) / c;
                    lw += -0.5 * (x[i] - centre) * (x[i] - centre) / c - 0.5 * Math.log(2 * Math.PI * c);
                }
                logW[m] = lw;
                max = Math.max(max, lw);
            }
            double total = 0;
            for (int m = 0; m < k; m++) {
                logW[m] = Math.exp(logW[m] - max);
                total += logW[m];
            }
            double[] w = logW;
            for (int m = 0; m < k; m++) {
                w[m] /= total;
            }
            double div = 0;
            for (int i = 0; i < d; i++) {
                double vi = 0;
                double gBar = 0;
                for (int m = 0; m < k; m++) {
                    vi += w[m] * vk[m][i];
                    gBar += w[m] * gk[m][i];
                }
                v[i] = vi;
                for (int m = 0; m < k; m++) {
                    div += w[m] * (bk[m][i] + (gk[m][i] - gBar) * vk[m][i]);
                }
            }
            return div;
        }

        /** The mixture's log density at t = 1. */
        double logDensity(double[] x, int offset) {
            double max = Double.NEGATIVE_INFINITY;
            double[] terms = new double[weights.length];
            for (int m = 0; m < weights.length; m++) {
                double lw = Math.log(weights[m]);
                for (int i = 0; i < dimension; i++) {
                    double s = sds[m][i];
                    double z = (x[offset + i] - means[m][i]) / s;
                    lw += -0.5 * z * z - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
                }
                terms[m] = lw;
                max = Math.max(max, lw);
            }
            double sum = 0;
            for (double term : terms) {
                sum += Math.exp(term - max);
            }
            return max + Math.log(sum);
        }
    }

    /** A (n, d) float64 batch of standard normals, or uniforms in [lo, hi) when lo < hi. */
    static INDArray batch(int n, int d, long seed, double lo, double hi) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[n * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = lo < hi ? lo + (hi - lo) * rng.nextDouble() : rng.nextGaussian();
        }
        return Batches.matrix(a, n, d, DataType.DOUBLE);
    }
}
