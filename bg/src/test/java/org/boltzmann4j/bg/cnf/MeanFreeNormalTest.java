package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The mean-free prior against an explicit orthonormal basis Q (3N x (3N - 3)) of the mean-free
 * subspace, built by Gram-Schmidt here: a mean-free z has coordinates u = Q^T z, which are
 * N(0, s^2 I) in 3N - 3 dimensions, and its samples have covariance s^2 Q Q^T.
 */
class MeanFreeNormalTest {

    private static final int ATOMS = 4;
    private static final int D = 3 * ATOMS;
    private static final double SIGMA = 0.7;

    /** Columns spanning the vectors whose per-axis means over atoms vanish, orthonormalised. */
    private static double[][] basis() {
        SplittableRandom rng = new SplittableRandom(5);
        double[][] q = new double[D - 3][];
        // the complement of the subspace: the three per-axis constant directions
        double[][] constant = new double[3][D];
        for (int axis = 0; axis < 3; axis++) {
            for (int i = 0; i < ATOMS; i++) {
                constant[axis][3 * i + axis] = 1 / Math.sqrt(ATOMS);
            }
        }
        for (int k = 0; k < D - 3; k++) {
            double[] v = new double[D];
            for (int j = 0; j < D; j++) {
                v[j] = rng.nextGaussian();
            }
            // Gram-Schmidt twice ("twice is enough"): once leaves rounding in the constant directions
            // that normalising the last, nearly dependent, vectors amplifies
            for (int pass = 0; pass < 2; pass++) {
                for (double[] c : constant) {
                    subtractProjection(v, c);
                }
                for (int m = 0; m < k; m++) {
                    subtractProjection(v, q[m]);
                }
            }
            double norm = Math.sqrt(dot(v, v));
            for (int j = 0; j < D; j++) {
                v[j] /= norm;
            }
            q[k] = v;
        }
        return q;
    }

    private static void subtractProjection(double[] v, double[] unit) {
        double p = dot(v, unit);
        for (int j = 0; j < v.length; j++) {
            v[j] -= p * unit[j];
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    @Test
    void logProbIsTheNormalDensityOfTheSubspaceCoordinates() {
        double[][] q = basis();
        MeanFreeNormal prior = new MeanFreeNormal(ATOMS, SIGMA);
        assertEquals(D, prior.dimension());
        assertEquals(D - 3, prior.subspaceDimension());
        // points built from subspace coordinates u: z = Q u, so the reference needs no centring at all
        SplittableRandom rng = new SplittableRandom(6);
        int n = 20;
        double[] z = new double[n * D];
        double[] expected = new double[n];
        for (int r = 0; r < n; r++) {
            double lp = 0;
            for (int k = 0; k < D - 3; k++) {
                double u = 2 * rng.nextGaussian();
                lp += -0.5 * u * u / (SIGMA * SIGMA) - 0.5 * Math.log(2 * Math.PI * SIGMA * SIGMA);
                for (int j = 0; j < D; j++) {
                    z[r * D + j] += u * q[k][j];
                }
            }
            expected[r] = lp;
        }
        INDArray zm = Batches.matrix(z, n, D, DataType.DOUBLE);
        assertArrayEquals(expected, Batches.toDoubles(prior.logProb(zm)), 1e-10);
        // float32 input is scored in float64 arithmetic (rounded input, so a looser check)
        assertArrayEquals(expected, Batches.toDoubles(prior.logProb(zm.castTo(DataType.FLOAT))), 1e-4);

        // the gradient is the subspace gradient: finite differences of log p along each basis vector
        double[] g = Batches.toDoubles(prior.gradLogProb(zm));
        for (int k = 0; k < 3; k++) {
            double h = 1e-5;
            double[] plus = z.clone();
            double[] minus = z.clone();
            for (int j = 0; j < D; j++) {
                plus[j] += h * q[k][j];
                minus[j] -= h * q[k][j];
            }
            double fd = (prior.logProb(Batches.matrix(plus, n, D, DataType.DOUBLE)).getDouble(0)
                    - prior.logProb(Batches.matrix(minus, n, D, DataType.DOUBLE)).getDouble(0)) / (2 * h);
            double analytic = 0;
            for (int j = 0; j < D; j++) {
                analytic += g[j] * q[k][j];
            }
            assertEquals(fd, analytic, 1e-6);
        }
    }

    @Test
    void rowsOffTheSubspaceAreRefused() {
        MeanFreeNormal prior = new MeanFreeNormal(ATOMS, SIGMA);
        INDArray z = prior.sample(3, 1L);
        z.putScalar(1, 4, z.getDouble(1, 4) + 0.01);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> prior.logProb(z));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("removeMean"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> prior.gradLogProb(z));
        MeanFreeNormal.removeMean(z);
        assertEquals(3, prior.logProb(z).length());
        assertThrows(IllegalArgumentException.class, () -> prior.logProb(TestFields.batch(2, D - 1, 1, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> new MeanFreeNormal(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new MeanFreeNormal(3, 0));
    }

    @Test
    void removeMeanCentresEachAxisInPlace() {
        INDArray x = TestFields.batch(4, D, 8, -3, 5);
        double[] before = Batches.toDoubles(x);
        MeanFreeNormal.removeMean(x);
        double[] after = Batches.toDoubles(x);
        for (int r = 0; r < 4; r++) {
            for (int axis = 0; axis < 3; axis++) {
                double mean = 0;
                for (int i = 0; i < ATOMS; i++) {
                    mean += before[r * D + 3 * i + axis] / ATOMS;
                }
                double centred = 0;
                for (int i = 0; i < ATOMS; i++) {
                    int j = r * D + 3 * i + axis;
                    assertEquals(before[j] - mean, after[j], 1e-12);
                    centred += after[j];
                }
                assertEquals(0, centred, 1e-12);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> MeanFreeNormal.removeMean(TestFields.batch(2, 7, 1, 0, 0)));
        INDArray view = TestFields.batch(4, 2 * D, 1, 0, 0).get(NDArrayIndex.all(), NDArrayIndex.interval(0, D));
        assertThrows(IllegalArgumentException.class, () -> MeanFreeNormal.removeMean(view), "not dense: not in place");
    }

    /** The row-array form is the same centring: equal, bit for bit, to the array form on the same rows. */
    @Test
    void removeMeanOnDoubleRowsMatchesTheArrayForm() {
        INDArray x = TestFields.batch(4, D, 8, -3, 5);
        double[] rows = Batches.toDoubles(x);
        MeanFreeNormal.removeMean(x);
        MeanFreeNormal.removeMean(rows, D);
        assertArrayEquals(Batches.toDoubles(x), rows);
        assertThrows(IllegalArgumentException.class, () -> MeanFreeNormal.removeMean(new double[2 * D + 3], D));
        assertThrows(IllegalArgumentException.class, () -> MeanFreeNormal.removeMean(new double[14], 7));
    }

    /**
     * Samples are exactly mean-free, reproducible at a seed, and their sample covariance matches
     * s^2 Q Q^T = s^2 (delta_ij - 1/N on the same axis) entry by entry: each entry's standard error
     * for Gaussian data is sqrt((C_ii C_jj + C_ij^2) / n); 4.5 of them over 78 distinct entries
     * leaves a false alarm probability below 1e-3, while a missing centring (C_ii = s^2) or a missing
     * scale (s = 1) is off by far more.
     */
    @Test
    void samplesHaveTheProjectedCovariance() {
        MeanFreeNormal prior = new MeanFreeNormal(ATOMS, SIGMA);
        int n = 40_000;
        INDArray x = prior.sample(n, 99L);
        assertArrayEquals(Batches.toDoubles(x), Batches.toDoubles(prior.sample(n, 99L)), 0, "fixed seed");
        double[] a = Batches.toDoubles(x);
        double[][] q = basis();
        double[][] exact = new double[D][D];
        for (int i = 0; i < D; i++) {
            for (int j = 0; j < D; j++) {
                for (double[] col : q) {
                    exact[i][j] += SIGMA * SIGMA * col[i] * col[j];
                }
            }
        }
        double worst = 0;
        for (int r = 0; r < n; r++) {
            for (int axis = 0; axis < 3; axis++) {
                double s = 0;
                for (int atom = 0; atom < ATOMS; atom++) {
                    s += a[r * D + 3 * atom + axis];
                }
                assertEquals(0, s, 1e-12);
            }
        }
        for (int i = 0; i < D; i++) {
            for (int j = i; j < D; j++) {
                double c = 0;
                for (int r = 0; r < n; r++) {
                    c += a[r * D + i] * a[r * D + j] / n;
                }
                double se = Math.sqrt((exact[i][i] * exact[j][j] + exact[i][j] * exact[i][j]) / n);
                worst = Math.max(worst, Math.abs(c - exact[i][j]) / se);
                assertEquals(exact[i][j], c, 4.5 * se, "covariance (" + i + ", " + j + ")");
            }
        }
        // the reference itself: same-axis entries are s^2 (delta_ij - 1/N), other axes 0
        assertEquals(SIGMA * SIGMA * (1 - 1.0 / ATOMS), exact[0][0], 1e-12);
        assertEquals(-SIGMA * SIGMA / ATOMS, exact[0][3], 1e-12);
        assertEquals(0, exact[0][1], 1e-12);
        System.out.printf("mean-free prior: largest covariance deviation %.2f standard errors%n", worst);
    }
}
