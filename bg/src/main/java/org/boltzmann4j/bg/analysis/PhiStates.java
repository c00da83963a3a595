package org.boltzmann4j.bg.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The two conformational states of a peptide residue split by the sign of phi: phi &lt;= 0
 * (C7eq, beta, alpha_R; the usual one) and phi &gt; 0 (C7ax, alpha_L; rare and slow to reach),
 * their populations, the free energy difference between them and how often a trajectory
 * crosses.
 *
 * <p>Angles are radians on (-pi, pi]; phi = pi counts as phi &gt; 0 and phi = 0 as phi &lt;= 0 (the
 * boundaries have no weight in a continuous distribution). Free energies are in kT:
 * dF = F(phi &gt; 0) - F(phi &lt;= 0) = -ln(P(phi &gt; 0) / P(phi &lt;= 0)), the standard
 * state-population estimator (reweighted when the samples carry importance weights).
 */
public final class PhiStates {

    /**
     * Populations of the two states (summing to 1) and dF in kT, which is +infinity when no
     * weight falls in phi &gt; 0 and -infinity when none falls in phi &lt;= 0: the samples then say
     * only that the state is out of their reach, not how far.
     */
    public record Populations(double negative, double positive, double deltaFKt) {
        public boolean deltaFFinite() {
            return Double.isFinite(deltaFKt);
        }
    }

    /**
     * A bootstrap percentile interval of dF in kT at confidence {@code level}. A bound is
     * infinite when at least that tail of the resamples had an empty state
     * ({@code emptyStateResamples} counts them).
     */
    public record Interval(double lowerKt, double upperKt, double level, int resamples, int blockLength, long seed,
                           int emptyStateResamples) {}

    private PhiStates() {}

    /**
     * @param weights non-negative, any scale, null for equal weights ({@link SampleWeights})
     */
    public static Populations populations(double[] phi, double[] weights) {
        double[] w = SampleWeights.normalize(weights, phi.length);
        if (phi.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        double positive = 0;
        double negative = 0;
        for (int s = 0; s < phi.length; s++) {
            check(phi, s);
            if (phi[s] > 0) {
                positive += w[s];
            } else {
                negative += w[s];
            }
        }
        double total = positive + negative;
        return new Populations(negative / total, positive / total, deltaF(negative, positive));
    }

    /** -ln(positive / negative), with the infinities of an empty state. */
    static double deltaF(double negative, double positive) {
        if (positive == 0 && negative == 0) {
            return Double.NaN;
        }
        return -Math.log(positive / negative); // log(0) = -inf and log(inf) = +inf give the right signs
    }

    /**
     * A moving-block bootstrap interval for dF: each resample is ceil(n / blockLength) blocks of
     * {@code blockLength} consecutive samples starting at uniformly drawn positions (with their
     * weights), cut to n samples; the interval is the (1 - level)/2 and (1 + level)/2 quantiles of
     * the resampled dF. Block length 1 is the ordinary bootstrap, right for independent samples
     * (flow samples); for a trajectory a block of about twice the integrated autocorrelation time
     * keeps the correlation the ordinary bootstrap would ignore (Kuensch 1989), which would
     * otherwise make the interval too narrow. Seeded: the same seed gives the same interval.
     */
    public static Interval bootstrapDeltaF(double[] phi, double[] weights, int resamples, int blockLength, double level,
                                           long seed) {
        int n = phi.length;
        if (n == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (resamples < 1) {
            throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
        }
        if (blockLength < 1) {
            throw new IllegalArgumentException("block length must be >= 1, got " + blockLength);
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must be in (0, 1), got " + level);
        }
        double[] w = SampleWeights.normalize(weights, n);
        for (int s = 0; s < n; s++) {
            check(phi, s);
        }
        int block = Math.min(blockLength, n);
        int starts = n - block + 1;
        SplittableRandom random = new SplittableRandom(seed);
        double[] estimates = new double[resamples];
        int empty = 0;
        for (int r = 0; r < resamples; r++) {
            double positive = 0;
            double negative = 0;
            int taken = 0;
            while (taken < n) {
                int start = random.nextInt(starts);
                for (int s = start; s < start + block && taken < n; s++, taken++) {
                    if (phi[s] > 0) {
                        positive += w[s];
                    } else {
                        negative += w[s];
                    }
                }
            }
            estimates[r] = deltaF(negative, positive);
            if (!Double.isFinite(estimates[r])) {
                empty++;
                if (Double.isNaN(estimates[r])) {
                    estimates[r] = Double.POSITIVE_INFINITY; // only zero-weight samples drawn: no information
                }
            }
        }
        Arrays.sort(estimates);
        return new Interval(quantile(estimates, (1 - level) / 2), quantile(estimates, (1 + level) / 2), level, resamples,
                block, seed, empty);
    }

    /** Linear interpolation between order statistics (numpy's default "linear" method). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        double a = sorted[below];
        double b = sorted[above];
        if (a == b || position == below) {
            return a; // also keeps infinities from turning into NaN
        }
        return a + (position - below) * (b - a);
    }

    /**
     * Transitions between phi &lt;= 0 and phi &gt; 0 along a trajectory, counted between core sets
     * so that recrossings of a boundary do not count: the negative core is
     * -pi + margin &lt; phi &lt; -margin, the positive core margin &lt; phi &lt; pi - margin, and a
     * frame outside both cores keeps the state of the last core it was in. A transition is a
     * change of that state; frames before the first core visit have none. The cores stay away
     * from both boundaries, phi = 0 and phi = +-pi, because alanine dipeptide crosses at both
     * (alpha_R to alpha_L near 0, beta to C7ax through +-180 degrees). Weights play no part:
     * this is a property of the dynamics, in frame order.
     *
     * @param marginRad distance of the cores from the boundaries, in [0, pi/2)
     */
    public static int transitions(double[] phi, double marginRad) {
        if (!(marginRad >= 0 && marginRad < Math.PI / 2)) {
            throw new IllegalArgumentException("core margin must be in [0, pi/2) rad, got " + marginRad);
        }
        int state = 0; // -1 negative core, +1 positive core, 0 none visited yet
        int count = 0;
        for (int s = 0; s < phi.length; s++) {
            check(phi, s);
            double p = phi[s];
            int core = 0;
            if (p > -Math.PI + marginRad && p < -marginRad) {
                core = -1;
            } else if (p > marginRad && p < Math.PI - marginRad) {
                core = 1;
            }
            if (core != 0) {
                if (state != 0 && core != state) {
                    count++;
                }
                state = core;
            }
        }
        return count;
    }

    private static void check(double[] phi, int s) {
        if (!Double.isFinite(phi[s])) {
            throw new IllegalArgumentException("phi of sample " + s + " is " + phi[s]);
        }
    }
}
