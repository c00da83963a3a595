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

/** The flow-matching path: its formula, its mean-free noise, and its regression target's conditional mean. */
class LinearPathTest {

    @Test
    void pointsFollowTheFormulaWithTheDrawnNoise() {
        int n = 6;
        int d = 9;
        INDArray x0 = TestFields.batch(n, d, 1, 0, 0);
        INDArray x1 = TestFields.batch(n, d, 2, -2, 2);
        INDArray t = Batches.vector(new double[] {0, 0.1, 0.5, 0.9, 1, 0.33});
        double sigma = 0.05;
        for (boolean meanFree : new boolean[] {false, true}) {
            LinearPath.Point p = new LinearPath(sigma).sample(x0, x1, t, new SplittableRandom(3), meanFree);
            SplittableRandom rng = new SplittableRandom(3);
            double[] a = Batches.toDoubles(x0);
            double[] b = Batches.toDoubles(x1);
            double[] xt = Batches.toDoubles(p.xt());
            double[] u = Batches.toDoubles(p.target());
            for (int r = 0; r < n; r++) {
                double[] eps = new double[d];
                for (int c = 0; c < d; c++) {
                    eps[c] = rng.nextGaussian();
                }
                if (meanFree) {
                    for (int axis = 0; axis < 3; axis++) {
                        double m = (eps[axis] + eps[3 + axis] + eps[6 + axis]) / 3;
                        for (int i = 0; i < 3; i++) {
                            eps[3 * i + axis] -= m;
                        }
                    }
                }
                double tr = t.getDouble(r);
                for (int c = 0; c < d; c++) {
                    int i = r * d + c;
                    assertEquals((1 - tr) * a[i] + tr * b[i] + sigma * eps[c], xt[i], 1e-14);
                    assertEquals(b[i] - a[i], u[i], 0);
                }
            }
        }
        // sigma 0: no noise and no draws
        SplittableRandom rng = new SplittableRandom(4);
        LinearPath.Point p = new LinearPath(0).sample(x0, x1, t, rng, true);
        assertEquals(new SplittableRandom(4).nextLong(), rng.nextLong(), "sigma 0 draws nothing");
        assertEquals(0, x0.getDouble(0, 0) - p.xt().getDouble(0, 0), 0, "t = 0 is x0");
        assertEquals(x1.getDouble(4, 2), p.xt().getDouble(4, 2), 1e-15, "t = 1 is x1");
    }

    @Test
    void meanFreeNoiseKeepsCentredRowsCentred() {
        int atoms = 7;
        MeanFreeNormal prior = new MeanFreeNormal(atoms, 1);
        INDArray x0 = prior.sample(50, 5L);
        INDArray x1 = prior.sample(50, 6L).muli(0.3);
        INDArray t = TestFields.batch(1, 50, 7, 0, 1).reshape(50);
        LinearPath.Point p = new LinearPath(0.1).sample(x0, x1, t, new SplittableRandom(8), true);
        // logProb refuses rows that are not centred: every x_t passes
        assertEquals(50, prior.logProb(p.xt()).length());
        LinearPath.Point q = new LinearPath(0.1).sample(x0, x1, t, new SplittableRandom(8), false);
        assertThrows(IllegalArgumentException.class, () -> prior.logProb(q.xt()), "plain noise moves the centre");
    }

    @Test
    void badInputIsRefused() {
        LinearPath path = new LinearPath(0.01);
        INDArray x = TestFields.batch(3, 6, 1, 0, 0);
        SplittableRandom rng = new SplittableRandom(1);
        assertThrows(IllegalArgumentException.class, () -> new LinearPath(-1));
        assertThrows(IllegalArgumentException.class,
                () -> path.sample(x, TestFields.batch(2, 6, 1, 0, 0), Batches.vector(new double[3]), rng, false));
        assertThrows(IllegalArgumentException.class, () -> path.sample(x, x, Batches.vector(new double[2]), rng, false));
        assertThrows(IllegalArgumentException.class,
                () -> path.sample(x, x, Batches.vector(new double[] {0, 1.5, 0}), rng, false));
        assertThrows(IllegalArgumentException.class,
                () -> path.sample(TestFields.batch(3, 4, 1, 0, 0), TestFields.batch(3, 4, 1, 0, 0),
                        Batches.vector(new double[3]), rng, true));
    }

    /**
     * The field flow matching converges to is E[u | x_t, t]. For N(0, I) to a Gaussian mixture (sigma
     * 0) that is {@link TestFields.GaussianMixture}'s closed form, so the path's residual u - v(x_t, t)
     * must be uncorrelated with every function of (x_t, t): here 1, t, x_i, x_i^2 and t x_i for
     * each coordinate, on 40 000 path points, each mean within 4 standard errors of 0. The same field
     * built for other mixture weights (a wrong conditional mean) must fail.
     */
    @Test
    void theRegressionTargetsConditionalMeanIsTheClosedFormMarginalField() {
        TestFields.GaussianMixture exact = ToyReweightingTest.proposal();
        TestFields.GaussianMixture wrong = new TestFields.GaussianMixture(new double[] {0.6, 0.4}, exact.means,
                exact.sds);
        int n = 40_000;
        SplittableRandom rng = new SplittableRandom(17);
        INDArray x0 = TestFields.batch(n, 2, 18, 0, 0);
        INDArray x1 = ToyReweightingTest.sampleMixture(exact, n, rng);
        double[] times = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = rng.nextDouble();
        }
        LinearPath.Point p = new LinearPath(0).sample(x0, x1, Batches.vector(times), rng, false);
        double exactWorst = worstResidualCorrelation(exact, p, times);
        double wrongWorst = worstResidualCorrelation(wrong, p, times);
        System.out.printf("flow-matching residual: largest |correlation| / SE %.2f (exact field), %.2f (wrong "
                + "weights)%n", exactWorst, wrongWorst);
        assertTrue(exactWorst < 4, "the closed-form field is not the path's conditional mean: " + exactWorst);
        assertTrue(wrongWorst > 4, "the check cannot tell a wrong field: " + wrongWorst);
    }

    private static double worstResidualCorrelation(TestFields.RowField field, LinearPath.Point p, double[] times) {
        int n = times.length;
        double[] x = Batches.toDoubles(p.xt());
        double[] u = Batches.toDoubles(p.target());
        double[] v = new double[2];
        double[] row = new double[2];
        int functions = 5;
        double[][] sum = new double[2][functions];
        double[][] sumSq = new double[2][functions];
        for (int r = 0; r < n; r++) {
            row[0] = x[2 * r];
            row[1] = x[2 * r + 1];
            field.row(row, times[r], v, false);
            for (int i = 0; i < 2; i++) {
                double res = u[2 * r + i] - v[i];
                double xi = row[i];
                double[] phi = {1, times[r], xi, xi * xi, times[r] * xi};
                for (int f = 0; f < functions; f++) {
                    double g = res * phi[f];
                    sum[i][f] += g;
                    sumSq[i][f] += g * g;
                }
            }
        }
        double worst = 0;
        for (int i = 0; i < 2; i++) {
            for (int f = 0; f < functions; f++) {
                double mean = sum[i][f] / n;
                double se = Math.sqrt((sumSq[i][f] / n - mean * mean) / n);
                worst = Math.max(worst, Math.abs(mean) / se);
            }
        }
        return worst;
    }
}
