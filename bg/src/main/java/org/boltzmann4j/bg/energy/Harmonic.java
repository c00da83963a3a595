package org.boltzmann4j.bg.energy;

/**
 * A harmonic well with a diagonal force-constant matrix: U(x) = sum_i k_i (x_i - mu_i)^2 / 2.
 *
 * <p>Its Boltzmann density is the normal N(mu, diag(kT / k_i)), with log Z = sum_i
 * log(2 pi kT / k_i) / 2, so a flow trained on it has an exactly known optimum.
 */
public record Harmonic(double[] center, double[] forceConstants) implements AnalyticEnergy {

    public Harmonic {
        if (center.length != forceConstants.length || center.length == 0) {
            throw new IllegalArgumentException("center has " + center.length + " entries, force constants "
                    + forceConstants.length);
        }
        for (double k : forceConstants) {
            if (!(k > 0) || !Double.isFinite(k)) {
                throw new IllegalArgumentException("force constants must be positive and finite: " + k);
            }
        }
        center = center.clone();
        forceConstants = forceConstants.clone();
    }

    /** The same force constant k in every one of {@code dimension} coordinates, centred at 0. */
    public static Harmonic isotropic(int dimension, double k) {
        double[] ks = new double[dimension];
        java.util.Arrays.fill(ks, k);
        return new Harmonic(new double[dimension], ks);
    }

    @Override
    public double[] center() {
        return center.clone();
    }

    @Override
    public double[] forceConstants() {
        return forceConstants.clone();
    }

    /** log of the partition function ∫ exp(-U/kT) dx = sum_i log(2 pi kT / k_i) / 2. */
    public double logPartitionFunction(double kT) {
        double s = 0;
        for (double k : forceConstants) {
            s += 0.5 * Math.log(2 * Math.PI * kT / k);
        }
        return s;
    }

    @Override
    public int dimension() {
        return center.length;
    }

    @Override
    public double energy(double[] x, int offset, double[] gradient) {
        double u = 0;
        for (int i = 0; i < center.length; i++) {
            double dx = x[offset + i] - center[i];
            u += 0.5 * forceConstants[i] * dx * dx;
            if (gradient != null) {
                gradient[offset + i] = forceConstants[i] * dx;
            }
        }
        return u;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Harmonic h && java.util.Arrays.equals(center, h.center)
                && java.util.Arrays.equals(forceConstants, h.forceConstants);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(center) + java.util.Arrays.hashCode(forceConstants);
    }

    @Override
    public String toString() {
        return "Harmonic[center=" + java.util.Arrays.toString(center) + ", forceConstants="
                + java.util.Arrays.toString(forceConstants) + "]";
    }
}
