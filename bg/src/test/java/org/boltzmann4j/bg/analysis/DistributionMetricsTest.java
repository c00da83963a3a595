package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** KL divergence of histograms and Wasserstein-1 of one-dimensional distributions. */
class DistributionMetricsTest {

    @Test
    void klOfIdenticalHistogramsIsZero() {
        SplittableRandom random = new SplittableRandom(1);
        double[] angles = new double[3000];
        for (int s = 0; s < angles.length; s++) {
            angles[s] = Math.atan2(random.nextGaussian(), random.nextGaussian() + 1);
        }
        assertEquals(0, DistributionMetrics.dihedralKl(angles, null, angles, null), 0);
        // Weights of any scale describe the same distribution.
        double[] w = new double[angles.length];
        java.util.Arrays.fill(w, 7.5);
        assertEquals(0, DistributionMetrics.dihedralKl(angles, w, angles, null), 1e-15);
    }

    @Test
    void klOfDiscreteDistributionsIsTheClosedForm() {
        double[] p = {0.5, 0.25, 0.25, 0};
        double[] q = {0.25, 0.25, 0.25, 0.25};
        double expected = 0.5 * Math.log(2);
        assertEquals(expected, DistributionMetrics.klDivergence(p, q, 0), 1e-15);
        // The epsilon convention: 1e-10 in every bin, renormalised, moves it by O(1e-10 ln).
        assertEquals(expected, DistributionMetrics.klDivergence(p, q, DistributionMetrics.KL_EPSILON), 1e-8);
        // A bin empty in q but not in p costs about p ln(p / epsilon), not infinity.
        double penalty = DistributionMetrics.klDivergence(new double[] {0.5, 0.5}, new double[] {1, 0}, 1e-10);
        assertEquals(0.5 * Math.log(0.5) + 0.5 * Math.log(0.5 / 1e-10), penalty, 1e-6);
    }

    @Test
    void klOfTwoWrappedGaussiansIsTheirClosedForm() {
        // Angles on a fine grid weighted by Gaussian densities (sigma 0.3 rad, means 0 and 0.2,
        // far from +-pi so the wrapping is negligible): KL = (mu1 - mu2)^2 / (2 sigma^2) = 2/9.
        // 200 bins of 0.0314 rad against sigma = 0.3 leave a discretisation error below 1e-3.
        int n = 200_000;
        double[] x = new double[n];
        double[] wp = new double[n];
        double[] wq = new double[n];
        double sigma = 0.3;
        for (int s = 0; s < n; s++) {
            x[s] = -Math.PI + 2 * Math.PI * (s + 0.5) / n;
            wp[s] = Math.exp(-x[s] * x[s] / (2 * sigma * sigma));
            wq[s] = Math.exp(-(x[s] - 0.2) * (x[s] - 0.2) / (2 * sigma * sigma));
        }
        assertEquals(0.04 / (2 * sigma * sigma), DistributionMetrics.dihedralKl(x, wp, x, wq), 1e-3);
        assertThrows(IllegalArgumentException.class,
                () -> DistributionMetrics.klDivergence(Histogram.ofAngles(x, wp, 200), Histogram.ofAngles(x, wp, 100)));
    }

    @Test
    void wassersteinOfShiftedDistributionsIsTheShift() {
        SplittableRandom random = new SplittableRandom(5);
        double[] x = new double[5000];
        double[] y = new double[x.length];
        double[] w = new double[x.length];
        for (int s = 0; s < x.length; s++) {
            x[s] = -50 + 10 * random.nextGaussian();
            y[s] = x[s] + 3.25;
            w[s] = random.nextDouble();
        }
        assertEquals(3.25, DistributionMetrics.wasserstein1(x, null, y, null), 1e-9);
        assertEquals(3.25, DistributionMetrics.wasserstein1(y, w, x, w), 1e-9);
        assertEquals(0, DistributionMetrics.wasserstein1(x, w, x, w), 0);
    }

    @Test
    void wassersteinWithWeightsEqualsDuplicatedSamples() {
        // {0 (weight 3), 1 (weight 1)} is {0, 0, 0, 1}; against {2}: W1 = 0.75 * 2 + 0.25 * 1.
        double expected = 1.75;
        assertEquals(expected, DistributionMetrics.wasserstein1(new double[] {0, 1}, new double[] {3, 1}, new double[] {2}, null),
                1e-15);
        assertEquals(expected, DistributionMetrics.wasserstein1(new double[] {0, 0, 1, 0}, null, new double[] {2}, null), 1e-15);
        // Point masses: W1 is the distance.
        assertEquals(4, DistributionMetrics.wasserstein1(new double[] {1}, null, new double[] {5}, null), 0);
    }
}
