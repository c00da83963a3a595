package org.boltzmann4j.bg.analysis;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Kish's effective sample size of importance weights (Kish 1965), ESS = (sum w)^2 / sum w^2, and
 * its normalised form ESS / N in [1/N, 1], the usual quality measure of a Boltzmann generator
 * (1 when the generator is exact).
 *
 * <p>Computed from log-weights log w = -U/kT - log q(x) as they come: the maximum is subtracted
 * before exponentiating (the ratio is invariant to a common factor), so weights spanning hundreds
 * of nats neither overflow nor vanish. Nothing is filtered or clipped (some published ESS values
 * drop the largest weights first; these do not). A log-weight of -infinity (a configuration of
 * infinite energy) is a weight of zero and still counts in N. NaN and +infinity have no meaning as
 * weights and are rejected. {@link #normalizedTopRemoved} is the clipped variant, for comparison
 * with published figures only, and named so.
 */
public final class KishEss {

    private KishEss() {}

    /** ESS / N; 0 when every weight is zero. */
    public static double normalized(INDArray logW) {
        return normalized(values(logW));
    }

    /** ESS / N; 0 when every weight is zero. */
    public static double normalized(double[] logW) {
        if (logW.length == 0) {
            throw new IllegalArgumentException("no weights");
        }
        return effectiveSampleSize(logW) / logW.length;
    }

    /** (sum w)^2 / sum w^2, between 1 and N (0 when every weight is zero). */
    public static double effectiveSampleSize(INDArray logW) {
        return effectiveSampleSize(values(logW));
    }

    /** (sum w)^2 / sum w^2, between 1 and N (0 when every weight is zero). */
    public static double effectiveSampleSize(double[] logW) {
        double max = max(logW);
        if (max == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        double s1 = 0;
        double s2 = 0;
        for (double l : logW) {
            double w = Math.exp(l - max);
            s1 += w;
            s2 += w * w;
        }
        return s1 * s1 / s2;
    }

    /** The share of the largest log-weights some published ESS figures drop first (TBG, ECNF++, TarFlow): 0.2 %. */
    public static final double PUBLISHED_TOP_FRACTION = 0.002;

    /** How many of n samples {@link #normalizedTopRemoved} drops: ceil(fraction n), so at least one whenever fraction &gt; 0. */
    public static int topRemovedCount(int n, double fraction) {
        if (!(fraction >= 0 && fraction < 1)) throw new IllegalArgumentException("fraction of weights to remove must be in [0, 1), got " + fraction);
        return (int) Math.ceil(fraction * n - 1e-9); // 0.002 * 1000 is 2.0000000000000004 in floating point
    }

    /**
     * The normalised ESS after the {@link #topRemovedCount} largest log-weights are removed: the
     * Kish ESS of the remaining n - k weights divided by n - k. This is the clipped figure the
     * literature often reports, and is to be labelled as such wherever it is shown. It is not
     * always above {@link #normalized}: weights 1, 1, 1, 0 with k = 1 give 2/3 against 3/4.
     * NaN when nothing would remain.
     */
    public static double normalizedTopRemoved(double[] logW, double fraction) {
        int n = logW.length;
        int k = topRemovedCount(n, fraction);
        if (n - k < 1) return Double.NaN;
        max(logW); // rejects NaN and +infinity
        double[] sorted = logW.clone();
        java.util.Arrays.sort(sorted);
        return effectiveSampleSize(java.util.Arrays.copyOf(sorted, n - k)) / (n - k);
    }

    /**
     * Kish's ESS of the weights within each bin: (sum_{i in b} w_i)^2 / sum_{i in b} w_i^2, the
     * effective number of samples behind a histogram bin (its count for equal weights; about 1
     * when one heavy sample carries the bin). 0 for an empty bin.
     *
     * @param bin the bin of each sample, or -1 for a sample in no bin
     * @param weights non-negative weights of any scale (null: equal weights)
     */
    public static double[] perBin(int[] bin, double[] weights, int bins) {
        // each bin's weights relative to its largest, so that tiny weights (1e-200) do not underflow when squared
        double[] max = new double[bins], s1 = new double[bins], s2 = new double[bins];
        for (int i = 0; i < bin.length; i++) {
            if (bin[i] >= 0) max[bin[i]] = Math.max(max[bin[i]], weights == null ? 1 : weights[i]);
        }
        for (int i = 0; i < bin.length; i++) {
            if (bin[i] < 0 || max[bin[i]] == 0) continue;
            double w = (weights == null ? 1 : weights[i]) / max[bin[i]];
            s1[bin[i]] += w;
            s2[bin[i]] += w * w;
        }
        double[] ess = new double[bins];
        for (int b = 0; b < bins; b++) ess[b] = s2[b] > 0 ? s1[b] * s1[b] / s2[b] : 0;
        return ess;
    }

    /**
     * The self-normalised importance-sampling average sum w_i f_i / sum w_i of {@code values}
     * (one per sample), the estimate of the Boltzmann average of f. NaN when every weight is zero.
     * A value whose weight is zero is ignored, even if it is not finite.
     */
    public static double reweightedMean(INDArray logW, INDArray values) {
        return reweightedMean(values(logW), values(values));
    }

    /** See {@link #reweightedMean(INDArray, INDArray)}. */
    public static double reweightedMean(double[] logW, double[] values) {
        if (values.length != logW.length) {
            throw new IllegalArgumentException(logW.length + " log-weights but " + values.length + " values");
        }
        double max = max(logW);
        if (max == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        double s = 0;
        double sf = 0;
        for (int i = 0; i < logW.length; i++) {
            double w = Math.exp(logW[i] - max);
            if (w > 0) {
                s += w;
                sf += w * values[i];
            }
        }
        return sf / s;
    }

    /** Normalised weights w_i / sum w, from log-weights (all zero when every weight is zero). */
    public static double[] normalizedWeights(double[] logW) {
        double max = max(logW);
        double[] w = new double[logW.length];
        if (max == Double.NEGATIVE_INFINITY) {
            return w;
        }
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.exp(logW[i] - max);
            s += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= s;
        }
        return w;
    }

    private static double max(double[] logW) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logW.length; i++) {
            double l = logW[i];
            if (Double.isNaN(l) || l == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("log-weight " + i + " is " + l
                        + " (only finite values and -infinity, a zero weight, are weights)");
            }
            max = Math.max(max, l);
        }
        return max;
    }

    private static double[] values(INDArray a) {
        if (a.rank() > 2 || (a.rank() == 2 && Math.min(a.size(0), a.size(1)) != 1)) {
            throw new IllegalArgumentException("expected a vector, got shape " + java.util.Arrays.toString(a.shape()));
        }
        return a.dup('c').data().asDouble();
    }
}
