package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class KishEssTest {

    private static double[] logs(double... w) {
        double[] l = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            l[i] = Math.log(w[i]);
        }
        return l;
    }

    @Test
    void handComputedValues() {
        // w = 1, 2, 3, 4: (sum w)^2 / sum w^2 = 100 / 30
        assertEquals(100.0 / 30, KishEss.effectiveSampleSize(logs(1, 2, 3, 4)), 1e-14);
        assertEquals(100.0 / 120, KishEss.normalized(logs(1, 2, 3, 4)), 1e-14);
        // equal weights: ESS = N
        assertEquals(1.0, KishEss.normalized(new double[] {-3, -3, -3}), 1e-15);
        // one weight dominating by e^1000: ESS = 1, normalised 1/N
        assertEquals(1.0 / 3, KishEss.normalized(new double[] {0, -1000, -1000}), 1e-15);
        // the same through ND4J
        assertEquals(100.0 / 120, KishEss.normalized(Nd4j.create(logs(1, 2, 3, 4), new long[] {4}, DataType.DOUBLE)),
                1e-14);
    }

    @Test
    void largeLogWeightsNeitherOverflowNorUnderflow() {
        // exp(1e4) overflows and exp(-1e4) underflows; subtracting the maximum keeps the ratio exact
        double[] shifted = logs(1, 2, 3, 4);
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 1e4;
        }
        assertEquals(100.0 / 120, KishEss.normalized(shifted), 1e-12);
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] -= 2e4;
        }
        assertEquals(100.0 / 120, KishEss.normalized(shifted), 1e-12);
    }

    @Test
    void minusInfinityIsAZeroWeightThatStillCounts() {
        double inf = Double.NEGATIVE_INFINITY;
        // w = 0, 1, 1: ESS 2 of N = 3
        assertEquals(2.0 / 3, KishEss.normalized(new double[] {inf, 0, 0}), 1e-15);
        assertEquals(0.0, KishEss.normalized(new double[] {inf, inf}));
        assertTrue(Double.isNaN(KishEss.reweightedMean(new double[] {inf, inf}, new double[] {1, 2})));
    }

    @Test
    void nanAndPlusInfinityAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> KishEss.normalized(new double[] {0, Double.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> KishEss.normalized(new double[] {0, Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> KishEss.normalized(new double[0]));
    }

    @Test
    void reweightedMean() {
        // w = 1, 2, 3, 4 and f = 1, 1, 0, 0: (1 + 2) / 10
        assertEquals(0.3, KishEss.reweightedMean(logs(1, 2, 3, 4), new double[] {1, 1, 0, 0}), 1e-15);
        // f = 10, 20, 30, 40: (10 + 40 + 90 + 160) / 10
        assertEquals(30.0, KishEss.reweightedMean(logs(1, 2, 3, 4), new double[] {10, 20, 30, 40}), 1e-13);
        // a zero weight hides a non-finite value
        assertEquals(5.0, KishEss.reweightedMean(new double[] {Double.NEGATIVE_INFINITY, 7},
                new double[] {Double.NaN, 5}), 0);
        double[] w = KishEss.normalizedWeights(logs(1, 3));
        assertEquals(0.25, w[0], 1e-15);
        assertEquals(0.75, w[1], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> KishEss.reweightedMean(new double[2], new double[3]));
    }

    @Test
    void theTopFractionRemovedVariantDropsTheLargestLogWeights() {
        // 1000 weights: 998 equal to 1 and two of e^10: 0.2 % removes exactly the two heavy ones
        double[] logW = new double[1000];
        logW[17] = 10;
        logW[503] = 10;
        assertEquals(2, KishEss.topRemovedCount(1000, KishEss.PUBLISHED_TOP_FRACTION));
        assertEquals(1.0, KishEss.normalizedTopRemoved(logW, KishEss.PUBLISHED_TOP_FRACTION), 1e-15);
        double w = Math.exp(10), s1 = 998 + 2 * w, s2 = 998 + 2 * w * w;
        assertEquals(s1 * s1 / s2 / 1000, KishEss.normalized(logW), 1e-15); // the unclipped one sees them
        // ceil: 10 samples still lose one (the largest), leaving 9 of which the ESS is taken
        double[] few = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertEquals(1, KishEss.topRemovedCount(10, KishEss.PUBLISHED_TOP_FRACTION));
        double a = 0, b = 0;
        for (int i = 0; i < 9; i++) {
            a += Math.exp(i - 8);
            b += Math.exp(2 * (i - 8));
        }
        assertEquals(a * a / b / 9, KishEss.normalizedTopRemoved(few, KishEss.PUBLISHED_TOP_FRACTION), 1e-14);
        assertEquals(0, KishEss.topRemovedCount(10, 0));
        assertTrue(Double.isNaN(KishEss.normalizedTopRemoved(new double[] {0}, 0.5)));
        assertThrows(IllegalArgumentException.class, () -> KishEss.normalizedTopRemoved(new double[] {0, Double.NaN}, 0.002));
        assertThrows(IllegalArgumentException.class, () -> KishEss.topRemovedCount(10, 1));
        // not always the more flattering figure: weights 1, 1, 1, 0, the top one removed: ESS 2 of 3 against 3 of 4
        double[] flat = {0, 0, 0, Double.NEGATIVE_INFINITY};
        assertEquals(0.75, KishEss.normalized(flat), 1e-15);
        assertEquals(2.0 / 3, KishEss.normalizedTopRemoved(flat, 0.25), 1e-15);
    }
}
