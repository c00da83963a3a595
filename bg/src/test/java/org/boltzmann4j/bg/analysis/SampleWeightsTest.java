package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Weighted histograms and averages on synthetic data with known answers. */
class SampleWeightsTest {

    @Test
    void logWeightsAreNormalisedStably() {
        double[] w = SampleWeights.fromLogWeights(new double[] {1000, 1000 + Math.log(3), Double.NEGATIVE_INFINITY});
        assertArrayEquals(new double[] {0.25, 0.75, 0}, w, 1e-13);
        double[] tiny = SampleWeights.fromLogWeights(new double[] {-2000, -2000 + Math.log(3)});
        assertArrayEquals(new double[] {0.25, 0.75}, tiny, 1e-13);
        assertThrows(IllegalArgumentException.class, () -> SampleWeights.fromLogWeights(new double[] {0, Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> SampleWeights.fromLogWeights(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> SampleWeights.normalize(new double[] {1, -1}, 2));
        assertThrows(IllegalArgumentException.class, () -> SampleWeights.normalize(new double[] {1}, 2));
        assertArrayEquals(new double[] {0.5, 0.5}, SampleWeights.normalize(null, 2), 0);
    }

    @Test
    void weightsThatReweightOneSetIntoAnotherGiveItsHistogramExactly() {
        // Set A: bin centres of [0, 10) with 10 bins, sample counts c_b; target B has masses t_b.
        // The weight t_b / c_b on each sample of bin b turns the histogram of A into B exactly.
        int[] counts = {5, 1, 3, 8, 2, 2, 7, 1, 4, 6};
        double[] target = {0.02, 0.08, 0.1, 0.2, 0.15, 0.05, 0.1, 0.1, 0.1, 0.1};
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        double[] x = new double[n];
        double[] logW = new double[n];
        int s = 0;
        for (int b = 0; b < counts.length; b++) {
            for (int k = 0; k < counts[b]; k++, s++) {
                x[s] = b + 0.5;
                logW[s] = Math.log(target[b] / counts[b]) - 500; // an offset of -500 nats changes nothing
            }
        }
        Histogram h = Histogram.of(x, SampleWeights.fromLogWeights(logW), 10, 0, 10);
        assertArrayEquals(target, h.mass(), 1e-14);
        assertEquals(0, h.outside(), 1e-15);
        double mean = 0;
        for (int b = 0; b < 10; b++) {
            mean += target[b] * (b + 0.5);
        }
        assertEquals(mean, SampleWeights.mean(x, SampleWeights.fromLogWeights(logW)), 1e-13);
        Histogram plain = Histogram.of(x, null, 10, 0, 10);
        for (int b = 0; b < 10; b++) {
            assertEquals(counts[b] / (double) n, plain.mass()[b], 1e-15);
        }
    }

    @Test
    void binningEdgesRangeAndFreeEnergy() {
        Histogram h = Histogram.of(new double[] {0, 0.999, 1, 2, 2.5, -1}, null, 2, 0, 2);
        // [0,1) gets 0 and 0.999; [1,2] gets 1 and 2 (the upper edge); 2.5 and -1 are outside.
        assertArrayEquals(new double[] {0.5, 0.5}, h.mass(), 0);
        assertEquals(2.0 / 6, h.outside(), 1e-15);
        Histogram angles = Histogram.ofAngles(new double[] {Math.PI, -Math.PI + 1e-12}, null, 4);
        assertEquals(0.5, angles.mass()[3]);
        assertEquals(0.5, angles.mass()[0]);
        Histogram skewed = Histogram.of(new double[] {0.5, 0.5, 0.5, 1.5}, null, 3, 0, 3);
        double[] f = skewed.freeEnergyKt();
        assertEquals(0, f[0], 0);
        assertEquals(Math.log(3), f[1], 1e-15);
        assertEquals(Double.POSITIVE_INFINITY, f[2]);
        assertArrayEquals(new double[] {0.75, 0.25, 0}, skewed.density(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Histogram.of(new double[] {Double.NaN}, null, 3, 0, 3));
    }

    @Test
    void torusHistogramMarginalAndReweighting() {
        SplittableRandom random = new SplittableRandom(7);
        int n = 5000;
        double[] phi = new double[n];
        double[] psi = new double[n];
        double[] w = new double[n];
        for (int s = 0; s < n; s++) {
            phi[s] = -Math.PI + 2 * Math.PI * random.nextDouble();
            psi[s] = -Math.PI + 2 * Math.PI * random.nextDouble();
            w[s] = phi[s] > 0 ? 3 : 1;
        }
        Histogram2D h = Histogram2D.ofAngles(phi, psi, w, 36);
        Histogram marginal = h.marginalX();
        Histogram direct = Histogram.ofAngles(phi, w, 36);
        assertArrayEquals(direct.mass(), marginal.mass(), 1e-12);
        double total = 0;
        for (double m : h.mass()) {
            total += m;
        }
        assertEquals(1, total, 1e-12);
        double positive = 0;
        for (int b = 18; b < 36; b++) {
            positive += marginal.mass()[b];
        }
        double expected = 0;
        double sum = 0;
        for (int s = 0; s < n; s++) {
            sum += w[s];
            if (phi[s] > 0) {
                expected += w[s];
            }
        }
        assertEquals(expected / sum, positive, 1e-12);
        assertEquals(PhiStates.populations(phi, w).positive(), positive, 1e-12);
    }

    @Test
    void weightedStandardDeviation() {
        double[] x = {1, 2, 3};
        double[] w = {1, 2, 1};
        assertEquals(2, SampleWeights.mean(x, w), 1e-15);
        assertEquals(Math.sqrt(0.5), SampleWeights.standardDeviation(x, w), 1e-15);
    }

    /**
     * Multinomial resampling of weights 0, 3, 0, 1, 0 (any scale): 80 000 draws never land on a zero
     * weight and hit 3/4 and 1/4 within 4 binomial SE; the same generator state gives the same draws.
     */
    @Test
    void resampleDrawsByWeightAndNeverAZeroWeight() {
        double[] w = {0, 6, 0, 2, 0};
        int draws = 80_000;
        int[] a = SampleWeights.resample(w, draws, new SplittableRandom(5));
        int[] count = new int[w.length];
        for (int i : a) count[i]++;
        assertEquals(0, count[0] + count[2] + count[4]);
        double se = Math.sqrt(0.75 * 0.25 / draws);
        assertEquals(0.75, (double) count[1] / draws, 4 * se);
        assertEquals(0.25, (double) count[3] / draws, 4 * se);
        assertArrayEquals(a, SampleWeights.resample(w, draws, new SplittableRandom(5)));
        assertEquals(0, SampleWeights.resample(w, 0, new SplittableRandom(5)).length);
        assertThrows(IllegalArgumentException.class, () -> SampleWeights.resample(new double[] {0, 0}, 1, new SplittableRandom(5)));
        assertThrows(IllegalArgumentException.class, () -> SampleWeights.resample(new double[] {1, -1}, 1, new SplittableRandom(5)));
        assertThrows(IllegalArgumentException.class, () -> SampleWeights.resample(new double[] {1, Double.NaN}, 1, new SplittableRandom(5)));
    }
}
