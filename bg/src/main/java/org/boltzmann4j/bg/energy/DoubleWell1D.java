package org.boltzmann4j.bg.energy;

/**
 * The quartic double well U(x) = a x^4 - b x^2 + c x in one dimension.
 *
 * <p>With {@link #noe2019()} (a = 1, b = 6, c = 1) the minima are near x = -1.77 (U = -10.75) and
 * x = +1.70 (U = -7.29), separated by a barrier near x = 0.08 (U = 0.04): about 11 kT at kT = 1,
 * and the tilt c makes the left well about 30 times more probable than the right one.
 */
public record DoubleWell1D(double a, double b, double c) implements AnalyticEnergy {

    public DoubleWell1D {
        if (!(a > 0)) {
            throw new IllegalArgumentException("a must be positive for a bounded-below well: " + a);
        }
    }

    /** a = 1, b = 6, c = 1: the x1 part of the double well of Noé et al. 2019 (Science 365, eaaw1147). */
    public static DoubleWell1D noe2019() {
        return new DoubleWell1D(1, 6, 1);
    }

    @Override
    public int dimension() {
        return 1;
    }

    @Override
    public double energy(double[] x, int offset, double[] gradient) {
        double v = x[offset];
        double v2 = v * v;
        if (gradient != null) {
            gradient[offset] = 4 * a * v2 * v - 2 * b * v + c;
        }
        return a * v2 * v2 - b * v2 + c * v;
    }
}
