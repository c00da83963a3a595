package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The torus Wasserstein-2 of (phi, psi): periodic distance, exactness on small sets, invariance, subsets. */
class TorusWassersteinTest {

    private static double wrap(double a) {
        return Math.atan2(Math.sin(a), Math.cos(a));
    }

    /** Brute force over permutations with an independent periodic distance (the angle between unit vectors). */
    private static double bruteForce(double[] phiA, double[] psiA, double[] phiB, double[] psiB) {
        int n = phiA.length;
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        double best = Double.POSITIVE_INFINITY;
        do {
            double s = 0;
            for (int i = 0; i < n; i++) {
                double dPhi = Math.acos(Math.min(1, Math.cos(phiA[i] - phiB[p[i]])));
                double dPsi = Math.acos(Math.min(1, Math.cos(psiA[i] - psiB[p[i]])));
                s += dPhi * dPhi + dPsi * dPsi;
            }
            best = Math.min(best, s / n);
        } while (Permutations.next(p));
        return Math.sqrt(best);
    }

    private static double[] angles(SplittableRandom random, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = random.nextDouble(-Math.PI, Math.PI);
        return a;
    }

    @Test
    void pointsAcrossTheSeamAreCloseNotFar() {
        double d = Math.toRadians(2);
        double w = TorusWasserstein.exact(new double[] {Math.toRadians(-179)}, new double[] {0.3}, new double[] {Math.toRadians(179)}, new double[] {0.3});
        assertEquals(d, w, 1e-12);
        w = TorusWasserstein.exact(new double[] {0.1}, new double[] {Math.toRadians(-179)}, new double[] {0.1}, new double[] {Math.toRadians(179)});
        assertEquals(d, w, 1e-12);
        // both angles across the seam: sqrt(2) * 2 degrees
        w = TorusWasserstein.exact(new double[] {Math.toRadians(179)}, new double[] {Math.toRadians(-179)}, new double[] {Math.toRadians(-179)},
                new double[] {Math.toRadians(179)});
        assertEquals(Math.sqrt(2) * d, w, 1e-12);
        // the farthest two points can be: pi in each angle
        assertEquals(Math.PI * Math.sqrt(2), TorusWasserstein.exact(new double[] {0}, new double[] {0}, new double[] {Math.PI}, new double[] {-Math.PI}), 1e-12);
    }

    @Test
    void smallSetsMatchBruteForce() {
        SplittableRandom random = new SplittableRandom(21);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + random.nextInt(7);
            double[] a = angles(random, n), b = angles(random, n), c = angles(random, n), d = angles(random, n);
            assertEquals(bruteForce(a, b, c, d), TorusWasserstein.exact(a, b, c, d), 1e-7, "trial " + trial); // acos near 1 loses ~1e-8
        }
    }

    @Test
    void aGlobalShiftOfTheAnglesChangesNothing() {
        SplittableRandom random = new SplittableRandom(4);
        int n = 200;
        double[] a = angles(random, n), b = angles(random, n), c = new double[n], d = new double[n];
        for (int i = 0; i < n; i++) { // a cluster near the seam, so that the shift moves points across it
            c[i] = wrap(Math.PI - 0.3 + 0.4 * random.nextGaussian());
            d[i] = wrap(2.5 + 0.5 * random.nextGaussian());
        }
        double w = TorusWasserstein.exact(a, b, c, d);
        for (double[] shift : new double[][] {{1.0, -2.0}, {Math.PI, Math.PI}, {-0.7, 3.1}}) {
            double[] a2 = new double[n], b2 = new double[n], c2 = new double[n], d2 = new double[n];
            for (int i = 0; i < n; i++) {
                a2[i] = wrap(a[i] + shift[0]);
                c2[i] = wrap(c[i] + shift[0]);
                b2[i] = wrap(b[i] + shift[1]);
                d2[i] = wrap(d[i] + shift[1]);
            }
            assertEquals(w, TorusWasserstein.exact(a2, b2, c2, d2), 1e-10);
        }
        // and a shift of one set alone by (s, t) moves an identical copy to distance sqrt(s^2 + t^2)
        double[] c3 = new double[n], d3 = new double[n];
        for (int i = 0; i < n; i++) {
            c3[i] = wrap(a[i] + 0.2);
            d3[i] = wrap(b[i] - 0.1);
        }
        assertEquals(Math.hypot(0.2, 0.1), TorusWasserstein.exact(a, b, c3, d3), 1e-10);
    }

    @Test
    void subsetsAreSeededAndWeightsSelect() {
        SplittableRandom random = new SplittableRandom(8);
        int n = 500;
        double[] phiRef = new double[n], psiRef = new double[n], phi = new double[2 * n], psi = new double[2 * n], w = new double[2 * n];
        for (int i = 0; i < n; i++) {
            phiRef[i] = wrap(-1.5 + 0.2 * random.nextGaussian());
            psiRef[i] = wrap(2.5 + 0.2 * random.nextGaussian());
        }
        for (int i = 0; i < 2 * n; i++) { // half like the reference (weight 1), half far away (weight 0)
            boolean near = i % 2 == 0;
            phi[i] = wrap((near ? -1.5 : 1.0) + 0.2 * random.nextGaussian());
            psi[i] = wrap((near ? 2.5 : -0.5) + 0.2 * random.nextGaussian());
            w[i] = near ? 1 : 0;
        }
        var a = TorusWasserstein.estimate(phiRef, psiRef, phi, psi, w, 300, 5);
        var b = TorusWasserstein.estimate(phiRef, psiRef, phi, psi, w, 300, 5);
        assertEquals(a, b);
        assertEquals(300, a.subsample());
        assertTrue(a.resampledByWeights());
        // the weighted set is the reference's distribution: only the subset noise remains, well below the raw distance
        var raw = TorusWasserstein.estimate(phiRef, psiRef, phi, psi, null, 300, 5);
        assertFalse(raw.resampledByWeights());
        assertTrue(a.w2Rad() < 0.25, a.toString());
        assertTrue(raw.w2Rad() > 1.5, raw.toString()); // half the mass moves about 3.9 rad: W2 ~ sqrt(0.5) * 3.9
        // the subset is capped by the smaller side
        assertEquals(n, TorusWasserstein.estimate(phiRef, psiRef, phi, psi, null, 5000, 1).subsample());
        assertThrows(IllegalArgumentException.class, () -> TorusWasserstein.estimate(phiRef, psiRef, phi, psi, null, 0, 1));
    }
}
