package org.boltzmann4j.bg.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The free energy profile F = -ln p (kT) along an angle from weighted samples, with the bins that
 * too few effective samples support hidden, and a bootstrap band.
 *
 * <p>Masking: a bin is shown when the Kish ESS of the weights in it ({@link KishEss#perBin}) is at
 * least {@code minBinEss}. The relative error of a bin's mass is about 1 / sqrt(ESS), so F there is
 * known to about that many kT; a reweighted bin held by one sample of negligible weight has ESS
 * near 1 and an F of hundreds of kT that says nothing, and would squash the real profile on a plot.
 * {@link #MIN_BIN_ESS} = 5 (about 0.45 kT) is the default. F is shifted to 0 at the lowest shown
 * bin; hidden bins are NaN, empty bins +infinity.
 *
 * <p>Band: a moving-block bootstrap of the samples (block 1 for independent samples such as flow
 * samples, about twice the autocorrelation time for a trajectory), seeded; lowerKt / upperKt are
 * the percentiles of -ln p of each shown bin over the resamples, with the same shift as F, so they
 * show how well each bin's height is known relative to the profile's zero. +infinity in upperKt
 * where some resamples left the bin empty.
 */
public record FreeEnergyProfile(double lo, double hi, double[] freeEnergyKt, double[] lowerKt, double[] upperKt, double[] binEss,
                                double minBinEss, double level, int resamples) {

    /** Default minimum effective samples per bin: F known to about 1 / sqrt(5) = 0.45 kT. */
    public static final double MIN_BIN_ESS = 5;

    /** Bootstrap resamples of the band in the reports. */
    public static final int BAND_RESAMPLES = 200;

    public FreeEnergyProfile {
        int bins = freeEnergyKt.length;
        if (lowerKt.length != bins || upperKt.length != bins || binEss.length != bins) {
            throw new IllegalArgumentException("profile arrays differ in length");
        }
        freeEnergyKt = freeEnergyKt.clone();
        lowerKt = lowerKt.clone();
        upperKt = upperKt.clone();
        binEss = binEss.clone();
    }

    /**
     * The profile of angles in radians on [-pi, pi] with {@link #MIN_BIN_ESS} and a 95 % band.
     *
     * @param weights non-negative, any scale, null for equal weights
     * @param blockLength bootstrap block length in samples (1: independent samples)
     */
    public static FreeEnergyProfile ofAngles(double[] radians, double[] weights, int bins, int resamples, int blockLength, long seed) {
        return of(radians, weights, bins, -Math.PI, Math.PI, MIN_BIN_ESS, resamples, blockLength, 0.95, seed);
    }

    public static FreeEnergyProfile of(double[] values, double[] weights, int bins, double lo, double hi, double minBinEss, int resamples,
                                       int blockLength, double level, long seed) {
        int n = values.length;
        if (n == 0) throw new IllegalArgumentException("no samples");
        if (bins < 1) throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        if (!(minBinEss >= 0)) throw new IllegalArgumentException("minimum bin ESS must be >= 0, got " + minBinEss);
        if (resamples < 1 || blockLength < 1) throw new IllegalArgumentException("need resamples >= 1 and block length >= 1");
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("band level must be in (0, 1), got " + level);
        double[] w = SampleWeights.normalize(weights, n);
        int[] bin = new int[n];
        for (int s = 0; s < n; s++) bin[s] = Histogram.bin(values[s], s, bins, lo, hi);
        double[] ess = KishEss.perBin(bin, w, bins);
        double[] mass = masses(bin, w, bins, null);
        double shift = Double.POSITIVE_INFINITY;
        for (int b = 0; b < bins; b++) if (ess[b] >= minBinEss && mass[b] > 0) shift = Math.min(shift, -Math.log(mass[b]));
        double[] f = new double[bins];
        for (int b = 0; b < bins; b++) {
            boolean shown = ess[b] >= minBinEss && mass[b] > 0;
            f[b] = shown ? -Math.log(mass[b]) - shift : mass[b] > 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        // moving-block bootstrap: resample whole blocks of consecutive samples
        int block = Math.min(blockLength, n), starts = n - block + 1;
        SplittableRandom random = new SplittableRandom(seed);
        double[][] g = new double[bins][resamples];
        int[] drawn = new int[n];
        for (int r = 0; r < resamples; r++) {
            int taken = 0;
            while (taken < n) {
                int start = random.nextInt(starts);
                for (int s = start; s < start + block && taken < n; s++) drawn[taken++] = s;
            }
            double[] m = masses(bin, w, bins, drawn);
            for (int b = 0; b < bins; b++) g[b][r] = m[b] > 0 ? -Math.log(m[b]) - shift : Double.POSITIVE_INFINITY;
        }
        double[] lower = new double[bins], upper = new double[bins];
        for (int b = 0; b < bins; b++) {
            if (!Double.isFinite(f[b])) {
                lower[b] = upper[b] = Double.NaN;
                continue;
            }
            Arrays.sort(g[b]);
            lower[b] = PhiStates.quantile(g[b], (1 - level) / 2);
            upper[b] = PhiStates.quantile(g[b], (1 + level) / 2);
        }
        return new FreeEnergyProfile(lo, hi, f, lower, upper, ess, minBinEss, level, resamples);
    }

    /** Bin masses of the samples {@code drawn} (all samples when null), normalised over the samples in a bin. */
    private static double[] masses(int[] bin, double[] w, int bins, int[] drawn) {
        double[] m = new double[bins];
        double total = 0;
        int count = drawn == null ? bin.length : drawn.length;
        for (int k = 0; k < count; k++) {
            int s = drawn == null ? k : drawn[k];
            if (bin[s] < 0) continue;
            m[bin[s]] += w[s];
            total += w[s];
        }
        if (total > 0) for (int b = 0; b < bins; b++) m[b] /= total;
        return m;
    }

    public int bins() {
        return freeEnergyKt.length;
    }

    public double center(int bin) {
        return lo + (bin + 0.5) * (hi - lo) / freeEnergyKt.length;
    }

    /** Whether bin b has enough effective samples to be shown. */
    public boolean shown(int b) {
        return Double.isFinite(freeEnergyKt[b]);
    }

    /** Number of non-empty bins hidden for too few effective samples. */
    public int hiddenBins() {
        int h = 0;
        for (double v : freeEnergyKt) if (Double.isNaN(v)) h++;
        return h;
    }

    @Override
    public double[] freeEnergyKt() {
        return freeEnergyKt.clone();
    }

    @Override
    public double[] lowerKt() {
        return lowerKt.clone();
    }

    @Override
    public double[] upperKt() {
        return upperKt.clone();
    }

    @Override
    public double[] binEss() {
        return binEss.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FreeEnergyProfile p && lo == p.lo && hi == p.hi && Arrays.equals(freeEnergyKt, p.freeEnergyKt)
                && Arrays.equals(lowerKt, p.lowerKt) && Arrays.equals(upperKt, p.upperKt) && Arrays.equals(binEss, p.binEss)
                && minBinEss == p.minBinEss && level == p.level && resamples == p.resamples;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(freeEnergyKt) * 31 + Arrays.hashCode(binEss);
    }

    @Override
    public String toString() {
        return "FreeEnergyProfile[" + bins() + " bins on [" + lo + ", " + hi + "], " + hiddenBins() + " hidden]";
    }
}
