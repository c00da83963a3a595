package org.boltzmann4j.bg.analysis;

import java.util.Arrays;

/**
 * A weighted two-dimensional histogram on the square [lo, hi]^2 with bins x bins equal cells,
 * for (phi, psi) on the torus [-pi, pi]^2 (the Ramachandran histogram): the probability mass of
 * each cell, summing to 1, flat in row-major order with x (phi) the slow index:
 * {@code mass[ix * bins + iy]}.
 *
 * <p>Binning as in {@link Histogram}: v = hi goes into the last bin; pairs with a value outside
 * are not counted and the masses are normalised over the pairs inside.
 */
public record Histogram2D(double lo, double hi, int bins, double[] mass) {

    public Histogram2D {
        if (!(hi > lo) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("histogram range [" + lo + ", " + hi + "] is empty or infinite");
        }
        if (bins < 1 || mass.length != bins * bins) {
            throw new IllegalArgumentException(bins + " bins need " + bins * bins + " cells, got " + mass.length);
        }
        mass = mass.clone();
    }

    /** A histogram of angle pairs in radians on [-pi, pi]^2. */
    public static Histogram2D ofAngles(double[] x, double[] y, double[] weights, int bins) {
        return of(x, y, weights, bins, -Math.PI, Math.PI);
    }

    /**
     * @param weights non-negative, any scale, null for equal weights ({@link SampleWeights})
     */
    public static Histogram2D of(double[] x, double[] y, double[] weights, int bins, double lo, double hi) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values but " + y.length + " y values");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be >= 1, got " + bins);
        }
        double[] w = SampleWeights.normalize(weights, x.length);
        double[] mass = new double[bins * bins];
        double inside = 0;
        for (int s = 0; s < x.length; s++) {
            int bx = Histogram.bin(x[s], s, bins, lo, hi);
            int by = Histogram.bin(y[s], s, bins, lo, hi);
            if (bx >= 0 && by >= 0) {
                mass[bx * bins + by] += w[s];
                inside += w[s];
            }
        }
        if (inside > 0) {
            for (int c = 0; c < mass.length; c++) {
                mass[c] /= inside;
            }
        }
        return new Histogram2D(lo, hi, bins, mass);
    }

    /**
     * Kish's effective number of samples in each cell ({@link KishEss#perBin}), {@code [ix * bins + iy]},
     * binned as {@link #of} bins them.
     */
    public static double[] cellEss(double[] x, double[] y, double[] weights, int bins, double lo, double hi) {
        double[] w = SampleWeights.normalize(weights, x.length);
        int[] cell = new int[x.length];
        for (int s = 0; s < x.length; s++) {
            int bx = Histogram.bin(x[s], s, bins, lo, hi), by = Histogram.bin(y[s], s, bins, lo, hi);
            cell[s] = bx >= 0 && by >= 0 ? bx * bins + by : -1;
        }
        return KishEss.perBin(cell, w, bins * bins);
    }

    /** The masses (a copy), {@code [ix * bins + iy]}. */
    @Override
    public double[] mass() {
        return mass.clone();
    }

    public double mass(int ix, int iy) {
        return mass[ix * bins + iy];
    }

    public double width() {
        return (hi - lo) / bins;
    }

    public double center(int bin) {
        return lo + (bin + 0.5) * width();
    }

    /** -ln p in kT per cell, minimum 0, +infinity for empty cells; {@code [ix * bins + iy]}. */
    public double[] freeEnergyKt() {
        return HistogramMath.freeEnergyKt(mass);
    }

    /** The histogram of x alone (the marginal over y). */
    public Histogram marginalX() {
        double[] m = new double[bins];
        for (int ix = 0; ix < bins; ix++) {
            for (int iy = 0; iy < bins; iy++) {
                m[ix] += mass[ix * bins + iy];
            }
        }
        return new Histogram(lo, hi, m, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram2D h && lo == h.lo && hi == h.hi && bins == h.bins && Arrays.equals(mass, h.mass);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mass) * 31 + bins;
    }

    @Override
    public String toString() {
        return "Histogram2D[" + bins + "x" + bins + " on [" + lo + ", " + hi + "]^2]";
    }
}
