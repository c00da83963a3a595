package org.boltzmann4j.bg.analysis;

/** What one- and two-dimensional histograms share. */
final class HistogramMath {

    private HistogramMath() {}

    /** -ln(mass) shifted to minimum 0, +infinity for empty bins (F = -kT ln p, in kT). */
    static double[] freeEnergyKt(double[] mass) {
        double[] f = new double[mass.length];
        double min = Double.POSITIVE_INFINITY;
        for (int b = 0; b < mass.length; b++) {
            f[b] = mass[b] > 0 ? -Math.log(mass[b]) : Double.POSITIVE_INFINITY;
            min = Math.min(min, f[b]);
        }
        if (min < Double.POSITIVE_INFINITY) {
            for (int b = 0; b < f.length; b++) {
                f[b] -= min;
            }
        }
        return f;
    }
}
