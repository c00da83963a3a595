package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The masking rule of free energy profiles and maps: bins that too few effective samples support are hidden. */
class FreeEnergyProfileTest {

    /**
     * 1000 samples with equal weights in bin 0 and one sample in bin 1 whose weight is 1e-200
     * of theirs (a reweighted bin held by one light sample: F = 460 kT), and 1000 samples of
     * geometric weights in bin 2: bin 1 has ESS 1 and is hidden, bins 0 and 2 are shown.
     */
    @Test
    void aBinWithOneSampleIsHiddenAndAWellPopulatedOneShown() {
        int n = 2001;
        double[] x = new double[n], w = new double[n];
        for (int s = 0; s < 1000; s++) {
            x[s] = 0.5;
            w[s] = 1;
        }
        x[1000] = 1.5;
        w[1000] = 1e-200;
        for (int s = 1001; s < n; s++) {
            x[s] = 2.5;
            w[s] = Math.pow(0.999, s - 1001); // unequal weights, ESS about 920 of 1000
        }
        FreeEnergyProfile p = FreeEnergyProfile.of(x, w, 4, 0, 4, 5, 100, 1, 0.95, 7);
        double[] ess = p.binEss();
        assertEquals(1000, ess[0], 1e-9);
        assertEquals(1, ess[1], 1e-12);
        double s1 = 0, s2 = 0;
        for (int s = 1001; s < n; s++) {
            s1 += w[s];
            s2 += w[s] * w[s];
        }
        assertEquals(s1 * s1 / s2, ess[2], 1e-9);
        assertEquals(0, ess[3], 0);
        assertTrue(p.shown(0) && p.shown(2));
        assertFalse(p.shown(1), "one sample: F " + p.freeEnergyKt()[1]);
        assertTrue(Double.isNaN(p.freeEnergyKt()[1]), "hidden: NaN");
        assertEquals(Double.POSITIVE_INFINITY, p.freeEnergyKt()[3], "empty: +infinity");
        assertEquals(1, p.hiddenBins());
        // F of the shown bins: -ln of the masses, zero at the lowest shown bin
        double m0 = 1000, m2 = s1;
        assertEquals(0, p.freeEnergyKt()[0], 1e-12);
        assertEquals(-Math.log(m2 / m0), p.freeEnergyKt()[2], 1e-9);
        // the band brackets the estimate of each shown bin and is absent where nothing is shown
        for (int b : new int[] {0, 2}) {
            assertTrue(p.lowerKt()[b] <= p.freeEnergyKt()[b] + 1e-12 && p.freeEnergyKt()[b] <= p.upperKt()[b] + 1e-12, "bin " + b);
        }
        assertTrue(Double.isNaN(p.lowerKt()[1]) && Double.isNaN(p.upperKt()[3]));
        // with equal weights the ESS is the count: a bin of 4 samples is below 5 and hidden, one of 5 shown
        double[] counts = {0.5, 0.5, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5, 1.5};
        FreeEnergyProfile c = FreeEnergyProfile.of(counts, null, 2, 0, 2, FreeEnergyProfile.MIN_BIN_ESS, 10, 1, 0.95, 1);
        assertFalse(c.shown(0));
        assertTrue(c.shown(1));
    }

    /**
     * The band of an equal-weight bin of m samples out of n: -ln p is known to about
     * sqrt((1 - p) / (n p)); for p = 1/4 of n = 4000 that is 0.027, so the 95 % band is about
     * +-0.054 around the estimate. The statistical error of a 400-resample percentile is a few
     * percent of that, so 0.035 to 0.075 for its half-width holds with margin.
     */
    @Test
    void theBootstrapBandHasTheWidthOfTheBinomialError() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 4000;
        double[] x = new double[n];
        for (int s = 0; s < n; s++) x[s] = s < n / 4 ? 0.5 : 1.5 + 0.4 * r.nextDouble();
        FreeEnergyProfile p = FreeEnergyProfile.of(x, null, 2, 0, 2, 5, 400, 1, 0.95, 11);
        double half = (p.upperKt()[0] - p.lowerKt()[0]) / 2;
        assertTrue(half > 0.035 && half < 0.075, "half-width " + half);
    }

    /** The reweighted map: a cell with one sample of negligible weight is grey, not the top colour. */
    @Test
    void theRamachandranMapGreysCellsOfTooFewEffectiveSamples() throws Exception {
        int n = 501;
        double[] phi = new double[n], psi = new double[n], w = new double[n];
        for (int s = 0; s < 500; s++) {
            phi[s] = -2.0;
            psi[s] = 2.5;
            w[s] = 1;
        }
        phi[500] = 1.0;
        psi[500] = -1.0;
        w[500] = 1e-200;
        int bins = 10;
        Histogram2D h = Histogram2D.ofAngles(phi, psi, w, bins);
        double[] ess = Histogram2D.cellEss(phi, psi, w, bins, -Math.PI, Math.PI);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Plots.ramachandran(h, ess, FreeEnergyProfile.MIN_BIN_ESS, "masked")));
        int cell = 480 / bins;
        int ix = (int) ((1.0 + Math.PI) / (2 * Math.PI) * bins), iy = (int) ((-1.0 + Math.PI) / (2 * Math.PI) * bins);
        int pixel = image.getRGB(90 + ix * cell + cell / 2, 60 + 480 - iy * cell - cell / 2) & 0xFFFFFF;
        assertEquals(Plots.HIDDEN_CELL.getRGB() & 0xFFFFFF, pixel, Integer.toHexString(pixel));
        int jx = (int) ((-2.0 + Math.PI) / (2 * Math.PI) * bins), jy = (int) ((2.5 + Math.PI) / (2 * Math.PI) * bins);
        int populated = image.getRGB(90 + jx * cell + cell / 2, 60 + 480 - jy * cell - cell / 2) & 0xFFFFFF;
        assertEquals(Plots.colour(0).getRGB() & 0xFFFFFF, populated, "F = 0: the bottom colour");
    }
}
