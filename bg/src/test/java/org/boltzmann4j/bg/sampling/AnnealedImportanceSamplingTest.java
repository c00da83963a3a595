package org.boltzmann4j.bg.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.energy.CountingEnergy;
import org.boltzmann4j.bg.energy.Harmonic;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AIS from a Gaussian flow q = N(m, diag s^2) (a fixed affine map of a standard normal) towards a
 * harmonic well p = exp(-U/kT), U = sum k_i (x_i - c_i)^2 / 2, whose normaliser is known exactly:
 * Z_p = prod sqrt(2 pi kT / k_i). q is normalised, so E[w] = Z_p for any number of intermediate
 * distributions and any step size.
 */
class AnnealedImportanceSamplingTest {

    private static final double KT = 1.0;
    private static final Harmonic WELL = new Harmonic(new double[] {1.0, -0.5}, new double[] {4.0, 0.5});

    private static AnnealedImportanceSampling sampler(AnnealedImportanceSampling.Target target, AnnealedImportanceSampling.Settings settings,
            org.boltzmann4j.bg.energy.Energy energy) {
        ElementwiseAffine q = ElementwiseAffine.fixed(new double[] {0.3, 0.2}, new double[] {Math.log(0.9), Math.log(1.6)}, DataType.DOUBLE);
        return new AnnealedImportanceSampling(Distribution.standardNormal(2), q, energy, KT, null, target, settings);
    }

    /** Mean and standard error of exp(log w - shift), and the shift. */
    private static double[] meanWeight(double[] logW) {
        double shift = java.util.Arrays.stream(logW).max().orElseThrow();
        double s = 0, s2 = 0;
        for (double l : logW) {
            double w = Math.exp(l - shift);
            s += w;
            s2 += w * w;
        }
        int n = logW.length;
        double mean = s / n;
        double sd = Math.sqrt(Math.max(0, s2 / n - mean * mean) * n / (n - 1));
        return new double[] {mean, sd / Math.sqrt(n), shift};
    }

    /**
     * The normaliser estimate mean(w) against the exact Z_p, within 3 of its standard errors, for
     * plain importance sampling (K = 0) and for K = 4 and 16 with adapted step sizes; the energy
     * evaluations are n (1 + K L).
     */
    @Test
    void theMeanWeightIsAnUnbiasedNormaliserEstimate() {
        double exact = Math.exp(WELL.logPartitionFunction(KT));
        for (int k : new int[] {0, 4, 16}) {
            CountingEnergy counted = new CountingEnergy(WELL);
            AnnealedImportanceSampling ais = sampler(AnnealedImportanceSampling.Target.BOLTZMANN,
                    AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(k).withLeapfrogSteps(3).withInitialStepSize(0.3),
                    counted);
            SplittableRandom random = new SplittableRandom(7 + k);
            for (int warm = 0; warm < 10; warm++) ais.run(100, random); // adapts the step sizes; these weights are exact too, but not used
            AnnealedImportanceSampling.Result r = ais.run(4000, random);
            double[] m = meanWeight(r.logW());
            double estimate = m[0] * Math.exp(m[2]), se = m[1] * Math.exp(m[2]);
            System.out.printf("AIS K = %d: mean w %.5f +- %.5f (exact %.5f), ESS %.3f, flow ESS %.3f, acceptance %.2f%n", k, estimate, se, exact,
                    r.ess(), r.flowEss(), r.meanAcceptance());
            assertEquals(exact, estimate, 3 * se, "normaliser estimate at K = " + k);
            assertTrue(se < 0.05 * exact, "the check has power: SE " + se);
            assertEquals(4000L * (1 + 3L * k), r.energyEvaluations());
            assertEquals(5000L * (1 + 3L * k), counted.evaluations());
            if (k > 0) {
                assertTrue(r.meanAcceptance() > 0.4 && r.meanAcceptance() < 0.95, "adapted acceptance " + r.meanAcceptance());
            }
        }
    }

    /** The AIS ESS climbs towards 1 as K grows, from the flow's own ESS at K = 0. */
    @Test
    void theEssApproachesOneWithManyDistributions() {
        double[] ess = new double[3];
        int[] ks = {0, 8, 256};
        for (int i = 0; i < ks.length; i++) {
            AnnealedImportanceSampling ais = sampler(AnnealedImportanceSampling.Target.BOLTZMANN,
                    AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(ks[i]).withLeapfrogSteps(3).withInitialStepSize(0.5),
                    WELL);
            SplittableRandom random = new SplittableRandom(3);
            for (int warm = 0; warm < 10; warm++) ais.run(50, random);
            ess[i] = ais.run(1000, random).ess();
        }
        System.out.printf("AIS ESS at K = 0, 8, 256: %.4f %.4f %.4f%n", ess[0], ess[1], ess[2]);
        assertTrue(ess[0] < 0.6, "the flow alone is a poor match: ESS " + ess[0]);
        assertTrue(ess[1] > ess[0], "more distributions, higher ESS");
        assertTrue(ess[2] > 0.95, "ESS with K = 256: " + ess[2]);
    }

    /**
     * Towards p^2/q with q = N(m, s^2) and p = N(c, kT/k) per axis: p^2/q is unnormalised with
     * log-normaliser per axis log int p~^2 / q, p~ = exp(-U/kT); int exp(-k (x-c)^2 + (x-m)^2/(2 s^2)) dx
     * * sqrt(2 pi s^2) = sqrt(2 pi s^2) sqrt(pi / A) exp(B^2 / (4 A) - C) with the quadratic A x^2 - B x + C.
     */
    @Test
    void towardsPSquaredOverQTheMeanWeightIsItsNormaliser() {
        double[] mu = {0.3, 0.2}, s = {0.9, 1.6}, c = WELL.center(), k = WELL.forceConstants();
        double logZ = 0;
        for (int i = 0; i < 2; i++) {
            double a = k[i] / KT - 1 / (2 * s[i] * s[i]);
            double b = 2 * k[i] * c[i] / KT - mu[i] / (s[i] * s[i]);
            double cc = k[i] * c[i] * c[i] / KT - mu[i] * mu[i] / (2 * s[i] * s[i]);
            logZ += 0.5 * Math.log(2 * Math.PI * s[i] * s[i]) + 0.5 * Math.log(Math.PI / a) + b * b / (4 * a) - cc;
        }
        AnnealedImportanceSampling ais = sampler(AnnealedImportanceSampling.Target.FAB,
                AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(6).withLeapfrogSteps(3), WELL);
        SplittableRandom random = new SplittableRandom(11);
        ais.run(500, random);
        double[] m = meanWeight(ais.run(4000, random).logW());
        double estimate = m[0] * Math.exp(m[2]), se = m[1] * Math.exp(m[2]);
        System.out.printf("AIS towards p^2/q: mean w %.4f +- %.4f (exact %.4f)%n", estimate, se, Math.exp(logZ));
        assertEquals(Math.exp(logZ), estimate, 3 * se);
        assertTrue(se < 0.05 * Math.exp(logZ), "the check has power: SE " + se);
    }

    /** Same seed, same result; and the flow's parameter gradients are what they were before. */
    @Test
    void isReproducibleAndLeavesParameterGradientsAlone() {
        ElementwiseAffine q = ElementwiseAffine.trainable(new double[] {0.3, 0.2}, new double[] {Math.log(0.9), Math.log(1.6)}, DataType.DOUBLE);
        for (Parameter p : q.parameters()) p.grad().assign(Nd4j.createFromArray(0.25, -1.5));
        AnnealedImportanceSampling.Settings settings = AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(3);
        AnnealedImportanceSampling.Result a = new AnnealedImportanceSampling(Distribution.standardNormal(2), q, WELL, KT, null,
                AnnealedImportanceSampling.Target.FAB, settings).run(64, new SplittableRandom(2));
        AnnealedImportanceSampling.Result b = new AnnealedImportanceSampling(Distribution.standardNormal(2), q, WELL, KT, null,
                AnnealedImportanceSampling.Target.FAB, settings).run(64, new SplittableRandom(2));
        assertArrayEquals(a.logW(), b.logW());
        assertArrayEquals(Batches.toDoubles(a.x()), Batches.toDoubles(b.x()));
        for (Parameter p : q.parameters()) assertArrayEquals(new double[] {0.25, -1.5}, Batches.toDoubles(p.grad()));
    }
}
