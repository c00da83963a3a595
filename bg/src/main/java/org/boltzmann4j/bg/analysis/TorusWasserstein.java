package org.boltzmann4j.bg.analysis;

import java.util.SplittableRandom;

/**
 * The Wasserstein-2 distance of two distributions of (phi, psi) on the flat 2-torus
 * [-pi, pi)^2, the "T-W2" of the transferable-BG papers: the ground distance is the periodic one,
 * d^2 = dphi^2 + dpsi^2 with each difference taken the short way round the circle (in radians,
 * at most pi), so -179 and 179 degrees are 2 degrees apart.
 *
 * <p>Between two sets of n points with equal weights an optimal transport plan is a permutation,
 * so W2^2 = min_sigma (1/n) sum_i d(a_i, b_sigma(i))^2 is computed exactly by
 * {@link LinearAssignment} (O(n^3)). Larger sets are compared through seeded random subsets of
 * equal size m: the reference without replacement, the samples without replacement ("raw") or,
 * for the importance-reweighted distribution, m draws with replacement with probability
 * proportional to the weights ("resampled by weights": an estimate of the reweighted distance that
 * is noisier when few samples carry the weight). A subset estimate of W2 is biased upwards at
 * small m (two subsets of one distribution are not at distance 0); the m used is reported.
 */
public final class TorusWasserstein {

    /** Default subset size: an exact assignment of 1000 x 1000 takes about a second on one core. */
    public static final int DEFAULT_SUBSAMPLE = 1000;

    /** A subset estimate: W2 in radians, the subset size, whether the samples were resampled by weight, the seed. */
    public record Estimate(double w2Rad, int subsample, boolean resampledByWeights, long seed) {}

    private TorusWasserstein() {}

    /** The periodic difference a - b on the circle, in [-pi, pi]. */
    public static double angleDifference(double a, double b) {
        return Math.IEEEremainder(a - b, 2 * Math.PI);
    }

    /** Squared periodic distance between (phiA, psiA) and (phiB, psiB) on the torus, rad^2. */
    public static double distanceSquared(double phiA, double psiA, double phiB, double psiB) {
        double dPhi = angleDifference(phiA, phiB), dPsi = angleDifference(psiA, psiB);
        return dPhi * dPhi + dPsi * dPsi;
    }

    /** W2 (radians) between two equal-size sets of equally weighted points, exactly. */
    public static double exact(double[] phiA, double[] psiA, double[] phiB, double[] psiB) {
        int n = phiA.length;
        if (psiA.length != n || phiB.length != n || psiB.length != n)
            throw new IllegalArgumentException("torus W2 needs equal-size sets, got " + phiA.length + "/" + psiA.length + " and " + phiB.length + "/"
                    + psiB.length);
        if (n == 0) throw new IllegalArgumentException("torus W2 of empty sets");
        double[] cost = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) cost[i * n + j] = distanceSquared(phiA[i], psiA[i], phiB[j], psiB[j]);
        }
        return Math.sqrt(Math.max(0, LinearAssignment.solve(cost, n).cost() / n));
    }

    /**
     * W2 between the reference (equally weighted) and the samples, on subsets of
     * m = min(subsample, reference size, sample count) points.
     *
     * @param weights null for the raw samples (a subset without replacement); else importance
     *     weights (any scale, {@link SampleWeights}) and the samples are resampled by them
     */
    public static Estimate estimate(double[] phiRef, double[] psiRef, double[] phi, double[] psi, double[] weights, int subsample, long seed) {
        if (subsample < 1) throw new IllegalArgumentException("--torus-w2-samples must be >= 1, got " + subsample);
        if (phiRef.length != psiRef.length || phi.length != psi.length)
            throw new IllegalArgumentException("phi and psi of different lengths");
        int m = Math.min(subsample, Math.min(phiRef.length, phi.length));
        SplittableRandom random = new SplittableRandom(seed);
        int[] ref = withoutReplacement(phiRef.length, m, random);
        int[] own = weights == null ? withoutReplacement(phi.length, m, random) : SampleWeights.resample(SampleWeights.normalize(weights, phi.length), m, random);
        double[] a = new double[m], b = new double[m], c = new double[m], d = new double[m];
        for (int k = 0; k < m; k++) {
            a[k] = phiRef[ref[k]];
            b[k] = psiRef[ref[k]];
            c[k] = phi[own[k]];
            d[k] = psi[own[k]];
        }
        return new Estimate(exact(a, b, c, d), m, weights != null, seed);
    }

    /** m distinct indices of 0..n-1 (a partial Fisher-Yates shuffle). */
    static int[] withoutReplacement(int n, int m, SplittableRandom random) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        for (int k = 0; k < m; k++) {
            int r = k + random.nextInt(n - k);
            int t = all[k];
            all[k] = all[r];
            all[r] = t;
        }
        return java.util.Arrays.copyOf(all, m);
    }
}
