package org.boltzmann4j.bg.analysis;

/**
 * Weights of samples as the statistics in this package take them: non-negative, any scale,
 * {@code null} for equal weights. Importance weights come from log-weights
 * (log w = -U/kT - log q) through {@link #fromLogWeights}, which subtracts the largest log-weight
 * before exponentiating ({@link KishEss#normalizedWeights}), so log-weights spanning hundreds of
 * nats neither overflow nor vanish.
 */
public final class SampleWeights {

    private SampleWeights() {}

    /** Weights summing to 1 from log-weights; every log-weight -infinity (all weights zero) is an error. */
    public static double[] fromLogWeights(double[] logW) {
        double[] w = KishEss.normalizedWeights(logW);
        if (logW.length > 0 && w.length > 0 && sum(w) == 0) {
            throw new IllegalArgumentException("every weight is zero (all log-weights are -infinity)");
        }
        return w;
    }

    /**
     * {@code weights} scaled to sum 1, or 1/n each when null; checks the length and rejects
     * negative, NaN or infinite weights and an all-zero set.
     */
    public static double[] normalize(double[] weights, int n) {
        double[] w = new double[n];
        if (weights == null) {
            java.util.Arrays.fill(w, 1.0 / n);
            return w;
        }
        if (weights.length != n) {
            throw new IllegalArgumentException(weights.length + " weights for " + n + " samples");
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            double x = weights[i];
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("weight " + i + " is " + x + " (weights must be finite and >= 0)");
            }
            s += x;
        }
        if (n > 0 && s == 0) {
            throw new IllegalArgumentException("every weight is zero");
        }
        for (int i = 0; i < n; i++) {
            w[i] = weights[i] / s;
        }
        return w;
    }

    /**
     * m indices drawn independently with probability w_i / sum w (multinomial resampling), one uniform
     * of {@code random} per draw in order: the first i whose running sum of w exceeds u * sum w, so a
     * weight-0 entry is never drawn. The weights are used as given (not rescaled), so callers that
     * pass the same weights get the same draws from the same generator state.
     */
    public static int[] resample(double[] w, int m, java.util.random.RandomGenerator random) {
        if (m < 0) throw new IllegalArgumentException("resample: number of draws must be >= 0, got " + m);
        double[] cumulative = new double[w.length];
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            if (!(w[i] >= 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException("weight " + i + " is " + w[i] + " (weights must be finite and >= 0)");
            }
            cumulative[i] = s += w[i];
        }
        if (m > 0 && !(s > 0)) throw new IllegalArgumentException("resample: every weight is zero");
        int[] out = new int[m];
        for (int k = 0; k < m; k++) {
            double u = random.nextDouble() * s;
            int lo = 0, hi = w.length - 1;
            while (lo < hi) { // first i with cumulative[i] > u
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            out[k] = lo;
        }
        return out;
    }

    /** Weighted mean sum w_i x_i / sum w_i. */
    public static double mean(double[] x, double[] weights) {
        double[] w = normalize(weights, x.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m += w[i] * x[i];
        }
        return m;
    }

    /**
     * Weighted standard deviation sqrt(sum w_i (x_i - mean)^2 / sum w_i): the spread of the
     * reweighted distribution itself (no Bessel-type correction, which has no unique form for
     * importance weights).
     */
    public static double standardDeviation(double[] x, double[] weights) {
        double[] w = normalize(weights, x.length);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m += w[i] * x[i];
        }
        double v = 0;
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - m;
            v += w[i] * d * d;
        }
        return Math.sqrt(v);
    }

    private static double sum(double[] w) {
        double s = 0;
        for (double x : w) {
            s += x;
        }
        return s;
    }
}
