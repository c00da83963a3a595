package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact 1-D Wasserstein-2 ({@link DistributionMetrics#wasserstein2}) against the Gaussian
 * closed form and against brute force over every coupling of tiny sets (for equal masses the
 * optimal plan is a permutation, so enumerating permutations is the definition itself).
 */
class WassersteinTest {

    /** min over permutations of (1/n) sum (x_i - y_sigma(i))^2, by enumerating all of them. */
    static double bruteForceSquared(double[] x, double[] y) {
        int n = x.length;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        double best = Double.POSITIVE_INFINITY;
        do {
            double s = 0;
            for (int i = 0; i < n; i++) s += (x[i] - y[p[i]]) * (x[i] - y[p[i]]);
            best = Math.min(best, s / n);
        } while (Permutations.next(p));
        return best;
    }

    @Test
    void twoGaussiansGiveTheClosedFormWithinStatisticalError() {
        // W2^2(N(mu1, s1^2), N(mu2, s2^2)) = (mu1 - mu2)^2 + (s1 - s2)^2
        double mu1 = 1.5, s1 = 2.0, mu2 = -0.5, s2 = 0.7;
        double exact = Math.sqrt((mu1 - mu2) * (mu1 - mu2) + (s1 - s2) * (s1 - s2));
        int n = 200_000, repeats = 8;
        double[] estimates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            SplittableRandom random = new SplittableRandom(100 + r);
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = mu1 + s1 * random.nextGaussian();
                y[i] = mu2 + s2 * random.nextGaussian();
            }
            estimates[r] = DistributionMetrics.wasserstein2(x, null, y, null);
        }
        double mean = 0, var = 0;
        for (double e : estimates) mean += e / repeats;
        for (double e : estimates) var += (e - mean) * (e - mean) / (repeats - 1);
        double standardError = Math.sqrt(var / repeats);
        // the empirical W2 is biased upwards by O(1/sqrt(n)) in the tails; 5 standard errors plus that bound
        assertEquals(exact, mean, 5 * standardError + 0.01, "mean " + mean + " +- " + standardError);
        assertTrue(standardError < 0.01, "standard error " + standardError);
    }

    @Test
    void weightedGaussiansGiveTheClosedForm() {
        // samples of N(0, 1) weighted by N(1, 1)/N(0, 1) = exp(x - 1/2) describe N(1, 1): W2 to N(1, 0.5^2) is 0.5
        SplittableRandom random = new SplittableRandom(7);
        int n = 400_000;
        double[] x = new double[n], w = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextGaussian();
            w[i] = Math.exp(x[i] - 0.5);
            y[i] = 1 + 0.5 * random.nextGaussian();
        }
        assertEquals(0.5, DistributionMetrics.wasserstein2(x, w, y, null), 0.02);
    }

    @Test
    void equalSizeSetsMatchBruteForceOverPermutations() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(7);
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = random.nextDouble(-3, 3);
                y[i] = random.nextInt(3) == 0 ? x[random.nextInt(i + 1)] : random.nextDouble(-5, 2); // ties too
            }
            assertEquals(Math.sqrt(bruteForceSquared(x, y)), DistributionMetrics.wasserstein2(x, null, y, null), 1e-12, "trial " + trial);
        }
    }

    @Test
    void integerWeightsEqualRepeatedPoints() {
        // weight k on a point is k copies of it: the weighted W2 equals the brute force over the copies
        SplittableRandom random = new SplittableRandom(11);
        for (int trial = 0; trial < 30; trial++) {
            double[] x = new double[3], y = new double[2];
            int[] kx = new int[3], ky = new int[2];
            int total = 6;
            kx[0] = 1 + random.nextInt(4);
            kx[1] = 1 + random.nextInt(total - kx[0] - 1);
            kx[2] = total - kx[0] - kx[1];
            ky[0] = 1 + random.nextInt(total - 1);
            ky[1] = total - ky[0];
            double[] wx = new double[3], wy = new double[2];
            double[] copiesX = new double[total], copiesY = new double[total];
            for (int i = 0, c = 0; i < 3; i++) {
                x[i] = random.nextDouble(-2, 2);
                wx[i] = kx[i] * 0.37; // any scale
                for (int k = 0; k < kx[i]; k++) copiesX[c++] = x[i];
            }
            for (int i = 0, c = 0; i < 2; i++) {
                y[i] = random.nextDouble(-2, 2);
                wy[i] = ky[i];
                for (int k = 0; k < ky[i]; k++) copiesY[c++] = y[i];
            }
            assertEquals(Math.sqrt(bruteForceSquared(copiesX, copiesY)), DistributionMetrics.wasserstein2(x, wx, y, wy), 1e-12, "trial " + trial);
        }
    }

    @Test
    void zeroWeightsAndShiftsAndBadInput() {
        double[] x = {0, 1, 2}, y = {10, 1, 2};
        assertEquals(0, DistributionMetrics.wasserstein2(x, new double[] {0, 1, 1}, y, new double[] {0, 2, 2}), 1e-15);
        // a pure shift by c is at distance |c|
        assertEquals(3.25, DistributionMetrics.wasserstein2(x, null, new double[] {3.25, 4.25, 5.25}, null), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> DistributionMetrics.wasserstein2(new double[0], null, y, null));
        assertThrows(IllegalArgumentException.class, () -> DistributionMetrics.wasserstein2(x, null, new double[] {Double.NaN}, null));
    }
}
