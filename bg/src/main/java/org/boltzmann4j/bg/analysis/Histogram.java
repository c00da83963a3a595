package org.boltzmann4j.bg.analysis;

import java.util.Arrays;

/**
 * A weighted one-dimensional histogram on [lo, hi] with equal bins: the probability mass of each
 * bin, summing to 1.
 *
 * <p>A value v falls into bin floor((v - lo) / width); v = hi goes into the last bin, so angles on
 * (-pi, pi] fill [-pi, pi] completely. Values outside [lo, hi] are not counted, and the masses are
 * normalised over the values inside; {@link #outside()} says which fraction of the weight was
 * left out. Non-finite values are an error (a NaN angle means a broken frame, not an outlier).
 */
public record Histogram(double lo, double hi, double[] mass, double outside) {

    public Histogram {
        if (!(hi > lo) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("histogram range [" + lo + ", " + hi + "] is empty or infinite");
        }
        if (mass.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bin");
        }
        mass = mass.clone();
    }

    /**
     * @param weights non-negative, any scale, null for equal weights ({@link SampleWeights})
     */
    public static Histogram of(double[] values, double[] weights, int bins, double lo, double hi) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        double[] w = SampleWeights.normalize(weights, values.length);
        double[] mass = new double[bins];
        double inside = 0;
        for (int s = 0; s < values.length; s++) {
            int b = bin(values[s], s, bins, lo, hi);
            if (b >= 0) {
                mass[b] += w[s];
                inside += w[s];
            }
        }
        if (inside > 0) {
            for (int b = 0; b < bins; b++) {
                mass[b] /= inside;
            }
        }
        return new Histogram(lo, hi, mass, values.length == 0 ? 0 : Math.max(0, 1 - inside));
    }

    /** A histogram of angles in radians on [-pi, pi]. */
    public static Histogram ofAngles(double[] radians, double[] weights, int bins) {
        return of(radians, weights, bins, -Math.PI, Math.PI);
    }

    /** A histogram over the range of the values themselves (a tiny range widened by 1). */
    public static Histogram ofRange(double[] values, double[] weights, int bins) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < values.length; s++) {
            if (!Double.isFinite(values[s])) {
                throw new IllegalArgumentException("value " + s + " is " + values[s]);
            }
            lo = Math.min(lo, values[s]);
            hi = Math.max(hi, values[s]);
        }
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(hi - lo > 1e-12 * Math.max(1, Math.abs(lo)))) {
            lo -= 0.5;
            hi += 0.5;
        }
        return of(values, weights, bins, lo, hi);
    }

    static int bin(double v, int sample, int bins, double lo, double hi) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value " + sample + " is " + v);
        }
        if (v < lo || v > hi) {
            return -1;
        }
        int b = (int) Math.floor((v - lo) / (hi - lo) * bins);
        return Math.min(b, bins - 1);
    }

    /** The masses (a copy). */
    @Override
    public double[] mass() {
        return mass.clone();
    }

    public int bins() {
        return mass.length;
    }

    public double width() {
        return (hi - lo) / mass.length;
    }

    public double center(int bin) {
        return lo + (bin + 0.5) * width();
    }

    public double[] centers() {
        double[] c = new double[mass.length];
        for (int b = 0; b < c.length; b++) {
            c[b] = center(b);
        }
        return c;
    }

    /** Probability density mass / width, integrating to 1 over [lo, hi]. */
    public double[] density() {
        double[] d = new double[mass.length];
        for (int b = 0; b < d.length; b++) {
            d[b] = mass[b] / width();
        }
        return d;
    }

    /**
     * The free energy profile F = -ln p in kT, shifted so that its minimum is 0; +infinity where
     * a bin is empty (no sample says how high F is there). All +infinity when the histogram is
     * empty.
     */
    public double[] freeEnergyKt() {
        return HistogramMath.freeEnergyKt(mass);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && lo == h.lo && hi == h.hi && outside == h.outside && Arrays.equals(mass, h.mass);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mass) * 31 + Double.hashCode(lo) + 7 * Double.hashCode(hi);
    }

    @Override
    public String toString() {
        return "Histogram[" + mass.length + " bins on [" + lo + ", " + hi + "]]";
    }
}
