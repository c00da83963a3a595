package org.boltzmann4j.bg.analysis;

import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * The integrated autocorrelation time of a time series, tau = 1 + 2 sum_{t &gt;= 1} rho(t): the
 * number of consecutive frames that carry as much information as one independent sample (the
 * statistical inefficiency; the variance of a mean of N frames is tau times that of N independent
 * ones). An AR(1) process x_t = r x_{t-1} + noise has rho(t) = r^t and tau = (1 + r)/(1 - r).
 * (Sokal's own tau_int is half of this, 1/2 + sum rho.)
 *
 * <p>The sum is cut at Sokal's automatic window (Sokal 1989, "Monte Carlo methods in statistical
 * mechanics"; the same choice as emcee): the smallest M with M &gt;= c max(tau(M), 1), c = 5,
 * which keeps the bias (the left-out tail) small without summing the noise of the far tail. (The
 * floor of 1 makes the window at least c lags, so that an anti-correlated series, whose partial
 * sums start near 0, is summed over a few oscillations.) Its standard error is the Madras-Sokal
 * (1988) estimate tau sqrt(2 (2M + 1) / N). The estimate is called reliable when, as well, the
 * series is at least 50 tau long (emcee's threshold): a shorter series has not sampled its slow
 * fluctuations, and its tau is underestimated (the mean-subtracted autocovariance sums to zero
 * over all lags, so a window is always found and cannot itself signal this). The autocovariance is the
 * usual biased one, C(t) = (1/N) sum_s (x_s - m)(x_{s+t} - m), computed with a zero-padded FFT (commons-math3) in
 * O(N log N), so million-frame trajectories are fine.
 */
public final class AutocorrelationTime {

    /** Sokal's window constant c. */
    public static final double WINDOW_CONSTANT = 5;

    /** Series at least this many tau long give a reliable tau. */
    public static final double RELIABLE_LENGTH_IN_TAU = 50;

    /**
     * tau in frames, its standard error, the window M, and whether the series is long enough
     * (N &gt;= 50 tau) for tau to be trusted. tau is NaN for a constant series (no fluctuation,
     * nothing to correlate).
     */
    public record Result(double tau, double error, int window, boolean reliable) {}

    private AutocorrelationTime() {}

    public static Result integrated(double[] series) {
        int n = series.length;
        if (n < 2) {
            throw new IllegalArgumentException("an autocorrelation time needs at least 2 frames, got " + n);
        }
        double[] rho = autocorrelation(series);
        if (Double.isNaN(rho[0])) {
            return new Result(Double.NaN, Double.NaN, 0, false);
        }
        double tau = 1;
        for (int m = 1; m < n; m++) {
            tau += 2 * rho[m];
            if (m >= WINDOW_CONSTANT * Math.max(tau, 1)) {
                return result(tau, m, n);
            }
        }
        return result(tau, n - 1, n);
    }

    private static Result result(double tau, int window, int n) {
        return new Result(tau, Math.abs(tau) * Math.sqrt(2.0 * (2 * window + 1) / n), window,
                n >= RELIABLE_LENGTH_IN_TAU * tau);
    }

    /**
     * The normalised autocorrelation rho(t) = C(t) / C(0) for t = 0 .. N-1; all NaN when the series
     * is constant. Non-finite values are an error.
     */
    public static double[] autocorrelation(double[] series) {
        int n = series.length;
        double mean = 0;
        for (int s = 0; s < n; s++) {
            if (!Double.isFinite(series[s])) {
                throw new IllegalArgumentException("value " + s + " of the series is " + series[s]);
            }
            mean += series[s];
        }
        mean /= n;
        boolean constant = true;
        for (int s = 1; s < n && constant; s++) {
            constant = series[s] == series[0];
        }
        if (constant) {
            double[] nan = new double[n];
            java.util.Arrays.fill(nan, Double.NaN);
            return nan;
        }
        int size = Integer.highestOneBit(Math.max(1, 2 * n - 1));
        if (size < 2 * n) {
            size <<= 1;
        }
        double[] re = new double[size];
        double[] im = new double[size];
        for (int s = 0; s < n; s++) {
            re[s] = series[s] - mean;
        }
        // zero padding to at least 2N makes the FFT's circular correlation a linear one
        double[][] data = {re, im};
        FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.FORWARD);
        for (int f = 0; f < size; f++) {
            re[f] = re[f] * re[f] + im[f] * im[f];
            im[f] = 0;
        }
        FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.INVERSE); // with the 1/size
        double[] rho = new double[n];
        double c0 = re[0];
        for (int t = 0; t < n; t++) {
            rho[t] = re[t] / c0;
        }
        return rho;
    }
}
