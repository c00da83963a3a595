package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A CNF as a Boltzmann generator on the double well of Noe et al. 2019 (U = x1^4 - 6 x1^2 + x1 +
 * x2^2 / 2, kT = 1). The CNF's field is the exact flow-matching field from N(0, I) to a two-Gaussian
 * mixture that only roughly resembles the target (wrong well weights 0.75 / 0.25 against the exact
 * 0.967 / 0.033, widths that differ between the wells, so log det differs between them), and log q
 * comes from the divergence integral alone. Samples reweighted by exp(-U) / q must reproduce the
 * exact marginal of x1 (quadrature) and of x2 (N(0, 1)) within statistical error at a fixed seed;
 * the same samples with log q lacking the divergence term must fail the same test.
 */
class ToyReweightingTest {

    private static final DoubleWell2D WELL = DoubleWell2D.noe2019();
    private static final int N = 20_000;
    private static final int BINS = 10;

    static TestFields.GaussianMixture proposal() {
        return new TestFields.GaussianMixture(new double[] {0.75, 0.25}, new double[][] {{-1.75, 0}, {1.65, 0}},
                new double[][] {{0.3, 1.0}, {0.4, 1.3}});
    }

    static INDArray sampleMixture(TestFields.GaussianMixture m, int n, RandomGenerator rng) {
        double[] x = new double[2 * n];
        for (int r = 0; r < n; r++) {
            int k = rng.nextDouble() < m.weights[0] ? 0 : 1;
            for (int i = 0; i < 2; i++) {
                x[2 * r + i] = m.means[k][i] + m.sds[k][i] * rng.nextGaussian();
            }
        }
        return Batches.matrix(x, n, 2, DataType.DOUBLE);
    }

    /** Trapezoid CDF of exp(-U1) on [-4, 4] (the density there is below e^-100 beyond): quantile edges and p(x1 > b). */
    private static final class Marginal {
        final double[] edges = new double[BINS - 1];
        final double rightWell;
        final double barrier;

        Marginal() {
            int m = 200_000;
            double lo = -4;
            double h = 8.0 / m;
            double[] cdf = new double[m + 1];
            double previous = density(lo);
            for (int i = 1; i <= m; i++) {
                double f = density(lo + i * h);
                cdf[i] = cdf[i - 1] + 0.5 * h * (previous + f);
                previous = f;
            }
            double z = cdf[m];
            int e = 0;
            for (int i = 1; i <= m && e < BINS - 1; i++) {
                while (e < BINS - 1 && cdf[i] / z >= (e + 1.0) / BINS) {
                    // linear interpolation inside the grid cell
                    double f0 = cdf[i - 1] / z;
                    double f1 = cdf[i] / z;
                    edges[e] = lo + (i - 1 + ((e + 1.0) / BINS - f0) / (f1 - f0)) * h;
                    e++;
                }
            }
            // the barrier top: the local maximum of U1 between the wells, 4x^3 - 12x + 1 = 0 near 0.08
            double b = 0;
            for (int it = 0; it < 50; it++) {
                b -= (4 * b * b * b - 12 * b + 1) / (12 * b * b - 12);
            }
            barrier = b;
            int ib = (int) Math.round((b - lo) / h);
            rightWell = 1 - cdf[ib] / z;
        }

        static double density(double x) {
            return Math.exp(-(x * x * x * x - 6 * x * x + x));
        }

        int bin(double x) {
            int b = 0;
            while (b < BINS - 1 && x >= edges[b]) {
                b++;
            }
            return b;
        }
    }

    /** sum_b z_b^2 of the reweighted bin probabilities against 1/BINS each, and the largest |z_b|. */
    private static double[] chiSquare(Marginal exact, double[] x1, double[] logW) {
        double[] w = KishEss.normalizedWeights(logW);
        double[] p = new double[BINS];
        int[] bin = new int[x1.length];
        for (int i = 0; i < x1.length; i++) {
            bin[i] = exact.bin(x1[i]);
            p[bin[i]] += w[i];
        }
        double[] var = new double[BINS];
        for (int i = 0; i < x1.length; i++) {
            for (int b = 0; b < BINS; b++) {
                double f = (bin[i] == b ? 1 : 0) - p[b];
                var[b] += w[i] * w[i] * f * f;
            }
        }
        double chi2 = 0;
        double worst = 0;
        for (int b = 0; b < BINS; b++) {
            double z = (p[b] - 1.0 / BINS) / Math.sqrt(var[b]);
            chi2 += z * z;
            worst = Math.max(worst, Math.abs(z));
        }
        return new double[] {chi2, worst};
    }

    /** A self-normalised reweighted mean of f and its delta-method standard error. */
    private static double[] reweighted(double[] logW, double[] f) {
        double[] w = KishEss.normalizedWeights(logW);
        double mean = 0;
        for (int i = 0; i < f.length; i++) {
            mean += w[i] * f[i];
        }
        double var = 0;
        for (int i = 0; i < f.length; i++) {
            var += w[i] * w[i] * (f[i] - mean) * (f[i] - mean);
        }
        return new double[] {mean, Math.sqrt(var)};
    }

    @Test
    void reweightedCnfSamplesReproduceTheExactMarginals() {
        Marginal exact = new Marginal();
        TestFields.GaussianMixture field = proposal();
        Distribution prior = Distribution.standardNormal(2);
        double tol = 1e-6;
        ContinuousFlow flow = new ContinuousFlow(field, new DormandPrince(tol, tol), 1, 2);
        // the CNF is one more Transform: the generator samples, scores and weights it as it does any flow
        BoltzmannGenerator bg = new BoltzmannGenerator(prior, flow, WELL, 1.0);
        BoltzmannGenerator.Samples s = bg.sample(N, 2026L);
        OdeSolver.Solution work = flow.lastSolution();
        double[] x = Batches.toDoubles(s.x());
        double[] logQ = Batches.toDoubles(s.logQ());
        double[] logW = Batches.toDoubles(s.logW());
        double[] logP = Batches.toDoubles(prior.logProb(s.z()));
        double[] u = Batches.toDoubles(s.energies());
        double[] logWNoDivergence = new double[N];
        double[] x1 = new double[N];
        double[] x2sq = new double[N];
        double[] right = new double[N];
        double[] bound = new double[N];
        double worstLogQ = 0;
        for (int i = 0; i < N; i++) {
            logWNoDivergence[i] = -u[i] - logP[i];
            x1[i] = x[2 * i];
            x2sq[i] = x[2 * i + 1] * x[2 * i + 1];
            right[i] = x1[i] > exact.barrier ? 1 : 0;
            // the flow is exact, so log q is the mixture's density, up to the solver's error: its global
            // error in (x, log det) is at most steps x (atol + rtol max|y|) x sqrt(3), times |grad log q| + 1
            double h = 1e-6;
            double[] p = {x[2 * i] + h, x[2 * i + 1]};
            double[] m = {x[2 * i] - h, x[2 * i + 1]};
            double g0 = (field.logDensity(p, 0) - field.logDensity(m, 0)) / (2 * h);
            p = new double[] {x[2 * i], x[2 * i + 1] + h};
            m = new double[] {x[2 * i], x[2 * i + 1] - h};
            double g1 = (field.logDensity(p, 0) - field.logDensity(m, 0)) / (2 * h);
            double logDet = logP[i] - logQ[i];
            double largest = Math.max(1, Math.max(Math.abs(x[2 * i]), Math.max(Math.abs(x[2 * i + 1]),
                    Math.abs(logDet))));
            bound[i] = work.acceptedSteps() * (tol + tol * largest) * Math.sqrt(3) * (Math.hypot(g0, g1) + 1);
            double gap = Math.abs(logQ[i] - field.logDensity(x, 2 * i));
            worstLogQ = Math.max(worstLogQ, gap / bound[i]);
            assertTrue(gap <= bound[i], "sample " + i + ": log q " + logQ[i] + " against the mixture's "
                    + field.logDensity(x, 2 * i) + ", bound " + bound[i]);
        }
        // scoring the first samples backward (what bg tbg score does) gives the log q they were drawn with,
        // within the sum of both directions' allowances
        int scored = 500;
        double[] back = Batches.toDoubles(bg.logQ(s.x().get(NDArrayIndex.interval(0, scored), NDArrayIndex.all()).dup()));
        double worstBack = 0;
        for (int i = 0; i < scored; i++) {
            worstBack = Math.max(worstBack, Math.abs(back[i] - logQ[i]) / (2 * bound[i]));
            assertEquals(logQ[i], back[i], 2 * bound[i], "sample " + i + " scored backward");
        }
        double ess = KishEss.normalized(logW);
        double[] chi = chiSquare(exact, x1, logW);
        double[] chiWrong = chiSquare(exact, x1, logWNoDivergence);
        double[] pRight = reweighted(logW, right);
        double[] pRightWrong = reweighted(logWNoDivergence, right);
        double[] second = reweighted(logW, x2sq);
        System.out.printf("toy CNF: %s, %d steps (%d rejected), %d evaluations; log q vs mixture worst gap / bound "
                + "%.3g (scored backward %.3g); ESS %.3f; chi2 over %d equal-probability bins %.2f (largest |z| %.2f), without the divergence "
                + "%.1f; p(right well) %.5f +- %.5f (exact %.5f; without the divergence %.5f); E[x2^2] %.4f +- "
                + "%.4f (exact 1)%n", flow.solver().describe(), work.acceptedSteps(), work.rejectedSteps(),
                work.functionEvaluations(), worstLogQ, worstBack, ess, BINS, chi[0], chi[1], chiWrong[0], pRight[0], pRight[1],
                exact.rightWell, pRightWrong[0], second[0], second[1]);

        // chi-square with BINS - 1 = 9 degrees of freedom (the bins sum to 1): 27.9 is its 0.999 quantile
        assertTrue(chi[0] < 27.9, "reweighted x1 histogram: chi2 " + chi[0]);
        assertTrue(chi[1] < 4, "reweighted x1 histogram: a bin " + chi[1] + " standard errors off");
        assertEquals(exact.rightWell, pRight[0], 4 * pRight[1], "reweighted probability of the right well");
        assertEquals(1, second[0], 4 * second[1], "reweighted E[x2^2]");
        // the test has power: log q without the divergence integral is caught
        assertTrue(chiWrong[0] > 27.9, "a log q without the divergence passes the chi2: " + chiWrong[0]);
        assertTrue(Math.abs(pRightWrong[0] - exact.rightWell) > 4 * pRight[1], "without the divergence, p(right)");
    }
}
