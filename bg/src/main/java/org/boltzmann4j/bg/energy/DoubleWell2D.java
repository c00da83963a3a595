package org.boltzmann4j.bg.energy;

/**
 * The two-dimensional double well of the Boltzmann-generator paper (Noé et al. 2019, Science 365,
 * eaaw1147): U(x1, x2) = a x1^4 - b x1^2 + c x1 + d x2^2 / 2, a quartic double well along x1 and
 * an independent harmonic oscillator along x2.
 *
 * <p>Because U separates, exp(-U/kT) factorises into a one-dimensional density in x1 and a normal
 * density N(0, kT/d) in x2, so mode probabilities, the partition function and the entropy follow
 * from one-dimensional quadrature, and exact samples from a one-dimensional inverse CDF. That is
 * why the tests of training use it. With {@link #noe2019()} (a = 1, b = 6, c = 1, d = 1) at
 * kT = 1 the barrier is about 11 kT from the deep (left, x1 < 0) well, whose probability is 0.967.
 */
public record DoubleWell2D(double a, double b, double c, double d) implements AnalyticEnergy {

    public DoubleWell2D {
        if (!(a > 0) || !(d > 0)) {
            throw new IllegalArgumentException("a and d must be positive for a bounded-below well: a = " + a
                    + ", d = " + d);
        }
    }

    /** a = 1, b = 6, c = 1, d = 1, in units of kT at kT = 1. */
    public static DoubleWell2D noe2019() {
        return new DoubleWell2D(1, 6, 1, 1);
    }

    /** The x1 part a x1^4 - b x1^2 + c x1. */
    public DoubleWell1D alongX1() {
        return new DoubleWell1D(a, b, c);
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public double energy(double[] x, int offset, double[] gradient) {
        double v = x[offset];
        double w = x[offset + 1];
        double v2 = v * v;
        if (gradient != null) {
            gradient[offset] = 4 * a * v2 * v - 2 * b * v + c;
            gradient[offset + 1] = d * w;
        }
        return a * v2 * v2 - b * v2 + c * v + 0.5 * d * w * w;
    }
}
