package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Integrated autocorrelation times against processes whose tau is known. */
class AutocorrelationTimeTest {

    private static double[] ar1(double rho, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        x[0] = random.nextGaussian() / Math.sqrt(1 - rho * rho); // start in the stationary distribution
        for (int t = 1; t < n; t++) {
            x[t] = rho * x[t - 1] + random.nextGaussian();
        }
        return x;
    }

    @Test
    void ar1ProcessHasTauOnePlusRhoOverOneMinusRho() {
        // rho = 0.9: tau = 1.9 / 0.1 = 19. Madras-Sokal: var(tau_hat) = 2 (2M + 1) / N tau^2 with
        // the window M about 5 tau = 95, so sigma = 19 sqrt(2 * 191 / 200000) = 0.83 at N = 2e5.
        // The window's left-out tail, 2 rho^(M+1) / (1 - rho) = 8e-4, and the O(tau / N) bias of
        // the mean-subtracted estimator are far below sigma. Within 3 sigma:
        double rho = 0.9;
        int n = 200_000;
        double tau = (1 + rho) / (1 - rho);
        double sigma = tau * Math.sqrt(2.0 * (2 * 5 * tau + 1) / n);
        AutocorrelationTime.Result r = AutocorrelationTime.integrated(ar1(rho, n, 42));
        assertTrue(r.reliable());
        assertEquals(tau, r.tau(), 3 * sigma, r.toString());
        assertTrue(r.window() >= 5 * r.tau() && r.window() < 5 * r.tau() + 3, r.toString());
        assertEquals(sigma, r.error(), 0.2 * sigma, "the reported error is the Madras-Sokal one");
    }

    @Test
    void independentSamplesHaveTauOne() {
        // M is about 5, so sigma = sqrt(2 * 11 / N) = 0.047 at N = 1e4.
        AutocorrelationTime.Result r = AutocorrelationTime.integrated(ar1(0, 10_000, 3));
        assertEquals(1, r.tau(), 3 * Math.sqrt(22.0 / 10_000), r.toString());
        // A negatively correlated process: rho = -0.5 gives tau = 1/3.
        AutocorrelationTime.Result anti = AutocorrelationTime.integrated(ar1(-0.5, 100_000, 4));
        assertEquals(1.0 / 3, anti.tau(), 0.05, anti.toString());
    }

    @Test
    void fftAutocorrelationEqualsTheDirectSum() {
        double[] x = ar1(0.7, 1001, 9);
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double c0 = 0;
        for (double v : x) {
            c0 += (v - mean) * (v - mean);
        }
        double[] rho = AutocorrelationTime.autocorrelation(x);
        assertEquals(x.length, rho.length);
        for (int t = 0; t < x.length; t += 37) {
            double c = 0;
            for (int s = 0; s + t < x.length; s++) {
                c += (x[s] - mean) * (x[s + t] - mean);
            }
            assertEquals(c / c0, rho[t], 1e-12, "lag " + t);
        }
    }

    @Test
    void constantAndTooShortSeries() {
        AutocorrelationTime.Result constant = AutocorrelationTime.integrated(new double[] {0.1, 0.1, 0.1, 0.1});
        assertTrue(Double.isNaN(constant.tau()));
        assertFalse(constant.reliable());
        double[] ramp = new double[40];
        for (int t = 0; t < ramp.length; t++) {
            ramp[t] = t;
        }
        // A drift: tau comes out about 5.5 frames, and 40 frames are fewer than 50 tau.
        AutocorrelationTime.Result drift = AutocorrelationTime.integrated(ramp);
        assertFalse(drift.reliable(), drift.toString());
        assertThrows(IllegalArgumentException.class, () -> AutocorrelationTime.integrated(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> AutocorrelationTime.integrated(new double[] {1, Double.NaN}));
    }
}
