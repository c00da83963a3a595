package org.boltzmann4j.bg.analysis;

/**
 * The numbers the Boltzmann-generator literature uses to compare two sample sets (MD against a
 * flow, a flow against its reweighted self): the KL divergence of dihedral histograms and the
 * Wasserstein-1 and -2 distances of one-dimensional distributions such as energies (the torus
 * Wasserstein-2 of (phi, psi) is {@link TorusWasserstein}). Each sample set may
 * carry importance weights (non-negative, any scale, null for equal; {@link SampleWeights}).
 */
public final class DistributionMetrics {

    /** Bins of the dihedral histograms behind {@link #dihedralKl}: 200 on [-pi, pi], the field's choice. */
    public static final int DIHEDRAL_BINS = 200;

    /**
     * Added to the probability of every bin of both histograms (then renormalised) before the KL
     * divergence, so that a bin empty in q but not in p costs a large finite amount,
     * p ln(p / 1e-10) (about 23 p nats), instead of making KL infinite; bins empty in both add
     * nothing. It changes the KL of well-sampled histograms by about 1e-10 * bins.
     */
    public static final double KL_EPSILON = 1e-10;

    private DistributionMetrics() {}

    /** KL(p || q) = sum_b p_b ln(p_b / q_b) in nats, with {@link #KL_EPSILON} in every bin. */
    public static double klDivergence(Histogram p, Histogram q) {
        if (p.bins() != q.bins() || p.lo() != q.lo() || p.hi() != q.hi()) {
            throw new IllegalArgumentException("histograms on different bins: " + p + " and " + q);
        }
        return klDivergence(p.mass(), q.mass(), KL_EPSILON);
    }

    /**
     * KL(p || q) in nats of two discrete distributions given as non-negative masses (each
     * normalised here), with {@code epsilon} added to every bin of both and renormalised.
     */
    public static double klDivergence(double[] p, double[] q, double epsilon) {
        if (p.length != q.length) {
            throw new IllegalArgumentException(p.length + " bins against " + q.length);
        }
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        double[] a = SampleWeights.normalize(p, p.length);
        double[] b = SampleWeights.normalize(q, q.length);
        double scale = 1 + epsilon * p.length;
        double kl = 0;
        for (int i = 0; i < a.length; i++) {
            double pa = (a[i] + epsilon) / scale;
            double qb = (b[i] + epsilon) / scale;
            if (pa > 0) {
                kl += pa * Math.log(pa / qb);
            }
        }
        return Math.max(0, kl); // rounding can leave -1e-17 for identical histograms
    }

    /**
     * KL(p || q) of the histograms of two sets of angles (radians on (-pi, pi]) with
     * {@link #DIHEDRAL_BINS} bins on [-pi, pi] and {@link #KL_EPSILON}: p is usually the reference
     * (MD), q the model.
     */
    public static double dihedralKl(double[] anglesP, double[] weightsP, double[] anglesQ, double[] weightsQ) {
        return klDivergence(Histogram.ofAngles(anglesP, weightsP, DIHEDRAL_BINS),
                Histogram.ofAngles(anglesQ, weightsQ, DIHEDRAL_BINS));
    }

    /**
     * The Wasserstein-1 (earth mover's) distance of two weighted empirical distributions on the
     * line, W1 = integral |F(x) - G(x)| dx over the weighted empirical CDFs F and G, exactly (a
     * merge of the sorted values); in the unit of the values (kJ/mol for energies).
     */
    public static double wasserstein1(double[] x, double[] weightsX, double[] y, double[] weightsY) {
        if (x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("Wasserstein distance of an empty sample set");
        }
        double[] wx = SampleWeights.normalize(weightsX, x.length);
        double[] wy = SampleWeights.normalize(weightsY, y.length);
        Integer[] ox = order(x);
        Integer[] oy = order(y);
        int i = 0;
        int j = 0;
        double cdfX = 0;
        double cdfY = 0;
        double last = Math.min(x[ox[0]], y[oy[0]]);
        double distance = 0;
        while (i < x.length || j < y.length) {
            double next = j >= y.length || (i < x.length && x[ox[i]] <= y[oy[j]]) ? x[ox[i]] : y[oy[j]];
            distance += Math.abs(cdfX - cdfY) * (next - last);
            while (i < x.length && x[ox[i]] == next) {
                cdfX += wx[ox[i++]];
            }
            while (j < y.length && y[oy[j]] == next) {
                cdfY += wy[oy[j++]];
            }
            last = next;
        }
        return distance;
    }

    /**
     * The Wasserstein-2 distance of two weighted empirical distributions on the line,
     * W2 = (integral_0^1 (F^-1(u) - G^-1(u))^2 du)^(1/2), exactly: on the line the optimal coupling
     * is the monotone one, so the quantile functions (both step functions, breaking at the
     * cumulative weights of the sorted values) are walked together and each piece of common mass
     * pays the squared distance of its two values. In the unit of the values (kJ/mol for energies).
     * Weights as in {@link SampleWeights} (null for equal).
     */
    public static double wasserstein2(double[] x, double[] weightsX, double[] y, double[] weightsY) {
        if (x.length == 0 || y.length == 0) {
            throw new IllegalArgumentException("Wasserstein distance of an empty sample set");
        }
        double[] wx = SampleWeights.normalize(weightsX, x.length);
        double[] wy = SampleWeights.normalize(weightsY, y.length);
        Integer[] ox = order(x);
        Integer[] oy = order(y);
        int i = 0;
        int j = 0;
        double leftX = wx[ox[0]];
        double leftY = wy[oy[0]];
        double squared = 0;
        while (i < x.length && j < y.length) {
            double mass = Math.min(leftX, leftY);
            double d = x[ox[i]] - y[oy[j]];
            squared += mass * d * d;
            leftX -= mass;
            leftY -= mass;
            // the smaller remainder is spent (exactly zero by the min); rounding leaves the other a crumb at the very end
            if (leftX <= leftY && ++i < x.length) leftX = wx[ox[i]];
            else if (leftX > leftY && ++j < y.length) leftY = wy[oy[j]];
        }
        return Math.sqrt(squared);
    }

    private static Integer[] order(double[] v) {
        Integer[] o = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException("value " + i + " is " + v[i]);
            }
            o[i] = i;
        }
        java.util.Arrays.sort(o, (a, b) -> Double.compare(v[a], v[b]));
        return o;
    }
}
