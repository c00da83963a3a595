package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class DistributionTest {

    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final int N = 40000;

    @Test
    void standardNormalLogProbIsTheClosedForm() {
        INDArray x = Batches.matrix(new double[] {0, 0, 1, 2, -3, 0.5}, 3, 2, DataType.DOUBLE);
        double[] lp = Batches.toDoubles(new StandardNormal(2).logProb(x));
        assertEquals(-LOG_2PI, lp[0], 1e-14);
        assertEquals(-2.5 - LOG_2PI, lp[1], 1e-14);
        assertEquals(-0.5 * 9.25 - LOG_2PI, lp[2], 1e-14);
        assertArrayEquals(new double[] {0, 0, -1, -2, 3, -0.5}, Batches.toDoubles(new StandardNormal(2).gradLogProb(x)), 0.0);
    }

    @Test
    void uniformCircleLogProbIsMinusLogTwoPiPerDimension() {
        INDArray x = Batches.matrix(new double[] {0, 1, -Math.PI, Math.PI, 3.2, 0}, 3, 2, DataType.DOUBLE);
        double[] lp = Batches.toDoubles(new UniformCircle(2).logProb(x));
        assertEquals(-2 * LOG_2PI, lp[0], 1e-14);
        assertEquals(-2 * LOG_2PI, lp[1], 1e-14);
        assertEquals(Double.NEGATIVE_INFINITY, lp[2], "outside [-pi, pi]");
    }

    /** Mean and second moment of each column within 5 standard errors of the exact values. */
    private static void assertMoments(double[] a, int d, int[] cols, double mean, double secondMoment,
            double fourthMoment, String what) {
        double seMean = Math.sqrt(secondMoment / N);
        double seSecond = Math.sqrt((fourthMoment - secondMoment * secondMoment) / N);
        for (int j : cols) {
            double m1 = 0;
            double m2 = 0;
            for (int r = 0; r < N; r++) {
                double v = a[r * d + j];
                m1 += v / N;
                m2 += v * v / N;
            }
            assertEquals(mean, m1, 5 * seMean, what + " mean of column " + j);
            assertEquals(secondMoment, m2, 5 * seSecond, what + " second moment of column " + j);
        }
    }

    @Test
    void samplesHaveTheRightMoments() {
        double[] normal = Batches.toDoubles(new StandardNormal(3).sample(N, 1));
        assertMoments(normal, 3, new int[] {0, 1, 2}, 0, 1, 3, "normal");
        double[] circle = Batches.toDoubles(new UniformCircle(2).sample(N, 2));
        for (double v : circle) {
            assertTrue(v >= -Math.PI && v < Math.PI);
        }
        // uniform on [-pi, pi): E x^2 = pi^2 / 3, E x^4 = pi^4 / 5
        double p2 = Math.PI * Math.PI;
        assertMoments(circle, 2, new int[] {0, 1}, 0, p2 / 3, p2 * p2 / 5, "circle");
    }

    @Test
    void productDistributionCombinesBlocks() {
        boolean[] circular = {false, true, false, true, true};
        ProductDistribution p = ProductDistribution.normalAndCircle(circular);
        INDArray x = p.sample(N, 3);
        double[] a = Batches.toDoubles(x);
        for (int r = 0; r < N; r++) {
            for (int j = 0; j < 5; j++) {
                if (circular[j]) {
                    assertTrue(a[r * 5 + j] >= -Math.PI && a[r * 5 + j] < Math.PI);
                }
            }
        }
        double p2 = Math.PI * Math.PI;
        assertMoments(a, 5, new int[] {0, 2}, 0, 1, 3, "product normal block");
        assertMoments(a, 5, new int[] {1, 3, 4}, 0, p2 / 3, p2 * p2 / 5, "product circle block");

        INDArray few = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 4),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        double[] lp = Batches.toDoubles(p.logProb(few));
        double[] f = Batches.toDoubles(few);
        for (int r = 0; r < 4; r++) {
            double expected = -0.5 * (f[r * 5] * f[r * 5] + f[r * 5 + 2] * f[r * 5 + 2]) - LOG_2PI - 3 * LOG_2PI;
            assertEquals(expected, lp[r], 1e-12, "log p of row " + r);
        }
        double[] g = Batches.toDoubles(p.gradLogProb(few));
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(circular[j] ? 0 : -f[r * 5 + j], g[r * 5 + j], 0.0);
            }
        }
        assertArrayEquals(a, Batches.toDoubles(p.sample(N, 3)), "same seed, same samples");
    }

    @Test
    void productDistributionRejectsOverlappingOrMissingBlocks() {
        var b1 = new ProductDistribution.Block(new int[] {0, 1}, new StandardNormal(2));
        var b2 = new ProductDistribution.Block(new int[] {1}, new UniformCircle(1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ProductDistribution(2, List.of(b1, b2)));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ProductDistribution(3, List.of(b1)));
    }
}
