package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.energy.Harmonic;
import org.boltzmann4j.bg.energy.RegularizedEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.bg.sampling.AnnealedImportanceSampling;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class FabLossTest {

    @TempDir
    Path dir;

    /**
     * q = N(mu, sigma^2) (a trainable affine map of N(0, 1)), p = N(m, 1/k) (a harmonic well at
     * kT = 1). Then p^2/q is normal with precision A = 2k - 1/sigma^2 and mean
     * (2 k m - mu / sigma^2) / A, and with r that normalised density the loss's expectation is
     * L = -E_r[log q] = log(2 pi sigma^2)/2 + (v_r + (m_r - mu)^2) / (2 sigma^2), with
     * dL/dmu = -(m_r - mu)/sigma^2 and dL/dlog sigma = 1 - (v_r + (m_r - mu)^2)/sigma^2
     * (q inside the target held fixed). The AIS estimate on 20 000 samples must match each within
     * 4 of its delta-method standard errors sqrt(sum wbar_i^2 (g_i - g_hat)^2); the reported loss
     * and the gradients must also equal the weighted sums over that same AIS batch (1e-9).
     */
    @Test
    void lossAndGradientMatchTheClosedFormOnGaussians() {
        double mu = 0.2, sigma = 1.0, m = 0.6, k = 2.0;
        ElementwiseAffine flow = ElementwiseAffine.trainable(new double[] {mu}, new double[] {Math.log(sigma)}, DataType.DOUBLE);
        Harmonic well = new Harmonic(new double[] {m}, new double[] {k});
        BoltzmannGenerator g = new BoltzmannGenerator(Distribution.standardNormal(1), flow, well, 1.0);
        FabLoss.Settings settings = FabLoss.Settings.defaults().withBufferBatches(0)
                .withAis(AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(4).withLeapfrogSteps(3).withAdaptStepSize(false)
                        .withInitialStepSize(0.5));
        int n = 20_000;
        FabLoss fab = new FabLoss(g, null, settings, n, 3);
        flow.zeroGrad();
        Loss.Report report = fab.backward(new Loss.Batch(0, null, null));
        double gradMu = Batches.toDoubles(flow.parameters().get(0).grad())[0];
        double gradLogSigma = Batches.toDoubles(flow.parameters().get(1).grad())[0];

        // the same AIS batch again (same stream, same initial step sizes)
        AnnealedImportanceSampling.Result r = new AnnealedImportanceSampling(g.base(), flow, well, 1.0, null, AnnealedImportanceSampling.Target.FAB,
                settings.ais()).run(n, RandomStreams.of(3, FabLoss.AIS_STREAM, 0));
        double[] x = Batches.toDoubles(r.x()), wbar = KishEss.normalizedWeights(r.logW());
        double[] nll = new double[n], dMu = new double[n], dLs = new double[n];
        for (int i = 0; i < n; i++) {
            double z = (x[i] - mu) / sigma;
            nll[i] = 0.5 * z * z + Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);
            dMu[i] = -z / sigma;
            dLs[i] = 1 - z * z;
        }
        double a = 2 * k - 1 / (sigma * sigma), mr = (2 * k * m - mu / (sigma * sigma)) / a, vr = 1 / a;
        double second = vr + (mr - mu) * (mr - mu);
        double exactLoss = 0.5 * Math.log(2 * Math.PI * sigma * sigma) + second / (2 * sigma * sigma);
        double exactMu = -(mr - mu) / (sigma * sigma), exactLs = 1 - second / (sigma * sigma);
        double[][] parts = {nll, dMu, dLs};
        double[] exact = {exactLoss, exactMu, exactLs}, got = {report.loss(), gradMu, gradLogSigma};
        String[] names = {"loss", "dL/dmu", "dL/dlog sigma"};
        for (int p = 0; p < 3; p++) {
            double est = 0;
            for (int i = 0; i < n; i++) est += wbar[i] * parts[p][i];
            double var = 0;
            for (int i = 0; i < n; i++) var += wbar[i] * wbar[i] * (parts[p][i] - est) * (parts[p][i] - est);
            double se = Math.sqrt(var);
            System.out.printf("FAB %s: %.5f (exact %.5f, SE %.5f)%n", names[p], got[p], exact[p], se);
            assertEquals(est, got[p], 1e-9, names[p] + " against the weighted sum over the AIS batch");
            assertEquals(exact[p], got[p], 4 * se, names[p] + " against the closed form");
            assertTrue(se < 0.02, "the check has power: SE " + se);
        }
        System.out.printf("FAB Gaussian: AIS ESS %.3f, flow ESS %.3f%n", r.ess(), r.flowEss());
    }

    /**
     * A buffer of 3 after 4 insertions holds samples 4, 2, 3 (the first overwritten) with weights
     * 4, 2, 3: probabilities 4/9, 2/9, 3/9, matched by the frequencies of 90 000 draws within 4
     * binomial SE; the correction after the flow changed: log w += log q_old - log q_new, once per
     * distinct index, and log q_old becomes log q_new.
     */
    @Test
    void bufferPrioritiesAndImportanceCorrectionOnAHandComputedCase() {
        PrioritisedReplayBuffer b = new PrioritisedReplayBuffer(1, 3);
        b.add(new double[] {10, 20}, new double[] {Math.log(1), Math.log(2)}, new double[] {-1, -2});
        b.add(new double[] {30, 40}, new double[] {Math.log(3), Math.log(4)}, new double[] {-3, -4});
        assertEquals(3, b.size());
        assertArrayEquals(new double[] {40, 20, 30}, Batches.toDoubles(b.x(new int[] {0, 1, 2})));
        assertArrayEquals(new double[] {4.0 / 9, 2.0 / 9, 3.0 / 9}, b.probabilities(), 1e-15);
        int draws = 90_000;
        int[] count = new int[3];
        for (int i : b.sample(draws, new SplittableRandom(1))) count[i]++;
        for (int i = 0; i < 3; i++) {
            double p = b.probabilities()[i];
            assertEquals(p, (double) count[i] / draws, 4 * Math.sqrt(p * (1 - p) / draws), "frequency of " + i);
        }
        // sample 2 (index 1, log q_old -2) drawn twice, sample 3 (index 2, log q_old -3) once
        b.adjust(new int[] {1, 2, 1}, new double[] {-0.5, -3.5, -0.5});
        assertEquals(Math.log(2) + (-2) - (-0.5), b.logWeight(1), 1e-15);
        assertEquals(Math.log(3) + (-3) - (-3.5), b.logWeight(2), 1e-15);
        assertEquals(Math.log(4), b.logWeight(0), 0.0);
        assertEquals(-0.5, b.logQ(1), 0.0);
        assertEquals(-3.5, b.logQ(2), 0.0);
        double w0 = 4, w1 = 2 * Math.exp(-1.5), w2 = 3 * Math.exp(0.5), sum = w0 + w1 + w2;
        assertArrayEquals(new double[] {w0 / sum, w1 / sum, w2 / sum}, b.probabilities(), 1e-12);
        // the state round-trips
        PrioritisedReplayBuffer c = new PrioritisedReplayBuffer(1, 3);
        c.restore(b.state());
        assertArrayEquals(b.probabilities(), c.probabilities(), 0.0);
        c.add(new double[] {50}, new double[] {0}, new double[] {0});
        assertArrayEquals(new double[] {40, 50, 30}, Batches.toDoubles(c.x(new int[] {0, 1, 2})));
    }

    /**
     * One buffer step by hand: q_theta = N(0.5, 0.8^2) (an affine map of N(0, 1)); the buffer holds
     * x = -1, 0.5, 2.5, -3 with equal log weights and log q_old = log N(x; 0, 1), stored when the
     * flow was N(0, 1). The draw of step 1 (found by the same buffer stream on a copy: x = 0.5, 2.5
     * once, x = -3 twice, x = -1 not at all) gives f_i = min(q_old(x_i)/q_theta(x_i), 10) with
     * q_old/q_theta = 0.71, 0.80 and 128 (clipped), and then L = -(1/n) sum f_i log q_theta(x_i),
     * dL/dmu = -(1/n) sum f_i z_i / sigma and dL/dlog sigma = -(1/n) sum f_i (z_i^2 - 1) with
     * z = (x - mu)/sigma, here computed from the Gaussian's formulas (1e-12). Without the factor (f = 1)
     * the loss and both gradients differ by more than 0.1. Afterwards the drawn points' log w are
     * log q_old - log q_theta and their log q_old is log q_theta; the undrawn point keeps its own.
     * The evaluation is the draw's exact expectation, -sum_i (1/4) f_i log q_theta(x_i).
     */
    @Test
    void bufferStepWeightsEachDrawnSampleByQOldOverQTheta() {
        double mu = 0.5, sigma = 0.8;
        ElementwiseAffine flow = ElementwiseAffine.trainable(new double[] {mu}, new double[] {Math.log(sigma)}, DataType.DOUBLE);
        BoltzmannGenerator g = new BoltzmannGenerator(Distribution.standardNormal(1), flow, new Harmonic(new double[] {0}, new double[] {1}), 1.0);
        int n = 4;
        long seed = 4;
        FabLoss fab = new FabLoss(g, null, FabLoss.Settings.defaults().withBufferBatches(1).withGradientStepsPerAis(2), n, seed);
        double[] xs = {-1, 0.5, 2.5, -3};
        double[] logQOld = new double[xs.length];
        for (int i = 0; i < xs.length; i++) logQOld[i] = -0.5 * xs[i] * xs[i] - 0.5 * Math.log(2 * Math.PI);
        fab.buffer().add(xs, new double[xs.length], logQOld);

        PrioritisedReplayBuffer copy = new PrioritisedReplayBuffer(1, n);
        copy.restore(fab.buffer().state());
        long step = 1; // 1 % 2 != 0: no AIS batch is added at this step
        int[] drawn = copy.sample(n, RandomStreams.of(seed, FabLoss.BUFFER_STREAM, step));
        long distinct = java.util.Arrays.stream(drawn).distinct().count();
        assertTrue(distinct == 3 && java.util.Arrays.stream(drawn).filter(i -> i == 3).count() == 2, "the draw tests the factor, the clip and an undrawn point: "
                + java.util.Arrays.toString(drawn));

        double loss = 0, gMu = 0, gLs = 0, plainLoss = 0, plainMu = 0, plainLs = 0;
        double[] logQ = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double z = (xs[i] - mu) / sigma;
            logQ[i] = -0.5 * z * z - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        }
        for (int i : drawn) {
            double z = (xs[i] - mu) / sigma;
            double f = Math.min(Math.exp(logQOld[i] - logQ[i]), 10.0);
            loss -= f * logQ[i] / n;
            gMu -= f * z / sigma / n;
            gLs -= f * (z * z - 1) / n;
            plainLoss -= logQ[i] / n;
            plainMu -= z / sigma / n;
            plainLs -= (z * z - 1) / n;
        }
        double expected = 0;
        for (int i = 0; i < xs.length; i++) expected -= 0.25 * Math.min(Math.exp(logQOld[i] - logQ[i]), 10.0) * logQ[i];
        assertEquals(expected, fab.evaluate(new Loss.Batch(step, null, null)).loss(), 1e-12, "evaluation: the draw's expectation");

        flow.zeroGrad();
        Loss.Report report = fab.backward(new Loss.Batch(step, null, null));
        double gotMu = Batches.toDoubles(flow.parameters().get(0).grad())[0];
        double gotLs = Batches.toDoubles(flow.parameters().get(1).grad())[0];
        System.out.printf("FAB buffer step: draw %s, loss %.6f (without the factor %.6f), dL/dmu %.6f (%.6f), dL/dlog sigma %.6f (%.6f)%n",
                java.util.Arrays.toString(drawn), report.loss(), plainLoss, gotMu, plainMu, gotLs, plainLs);
        assertEquals(loss, report.loss(), 1e-12, "loss");
        assertEquals(gMu, gotMu, 1e-12, "dL/dmu");
        assertEquals(gLs, gotLs, 1e-12, "dL/dlog sigma");
        assertTrue(Math.abs(loss - plainLoss) > 0.1 && Math.abs(gMu - plainMu) > 0.1 && Math.abs(gLs - plainLs) > 0.1,
                "the factor matters here");

        for (int i = 0; i < xs.length; i++) {
            final int index = i;
            boolean wasDrawn = java.util.Arrays.stream(drawn).anyMatch(k -> k == index);
            assertEquals(wasDrawn ? logQOld[i] - logQ[i] : 0.0, fab.buffer().logWeight(i), 1e-12, "log w of " + i);
            assertEquals(wasDrawn ? logQ[i] : logQOld[i], fab.buffer().logQ(i), 1e-12, "log q_old of " + i);
        }
    }

    private static BoltzmannGenerator doubleWell(long initSeed) {
        Flow flow = TestFlows.splines2d(2, 32, 4.0, initSeed);
        return new BoltzmannGenerator(Distribution.standardNormal(2), flow, RegularizedEnergy.of(DoubleWell2D.noe2019(), 1e3), 1.0);
    }

    private static FabLoss.Settings doubleWellSettings() {
        return FabLoss.Settings.defaults().withAis(AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(4)
                .withLeapfrogSteps(4)).withBufferBatches(16).withMinBufferBatches(4).withGradientStepsPerAis(4);
    }

    private static TrainingConfig doubleWellConfig(int steps) {
        return TrainingConfig.defaults().withSteps(steps).withBatchSize(256).withLearningRate(Schedule.cosine(2e-3, 0, steps, 5e-5))
                .withClipNorm(100).withWeights(Schedule.constant(0), Schedule.constant(0), Schedule.constant(0)).withHeldOutFraction(0)
                .withEvaluationInterval(Math.max(1, steps / 4)).withSeed(1);
    }

    /**
     * FAB alone on the double well of Noé et al. 2019 (right well p_R = 0.0329, 10.8 kT barrier):
     * 300 steps; the trained flow's reweighted p_R on 10^4 samples within 5 of its delta-method standard
     * errors of the exact value, each well holding at least a fifth of its exact share of the raw
     * samples (a lost mode fails), and an ESS above 0.5 (with the plain energy).
     */
    @Test
    void fabAloneFindsBothModesOfTheDoubleWell() throws IOException {
        DoubleWellReference exact = DoubleWellReference.noe2019();
        BoltzmannGenerator bg = doubleWell(11);
        FabLoss fab = new FabLoss(bg, null, doubleWellSettings(), 256, 1);
        int steps = 300;
        new Trainer(bg, null, doubleWellConfig(steps), fab).addListener(p -> System.out.printf(
                "FAB double well step %d: loss %.4f, flow ESS %.3f, AIS ESS %.3f, acceptance %.2f, step %.3f, buffer %d, %d AIS energy evaluations%n",
                p.step(), p.meanLoss(), p.ess(), fab.status().aisEss(), fab.status().acceptance(), fab.status().meanStepSize(),
                fab.status().bufferSize(), fab.status().aisEnergyEvaluations())).run();
        BoltzmannGenerator.Samples s = bg.with(DoubleWell2D.noe2019(), 1.0).sample(10_000, 12345);
        double[] x1 = Batches.toDoubles(s.x().getColumn(0));
        double[] logW = Batches.toDoubles(s.logW());
        int n = x1.length;
        double[] right = new double[n];
        int inRight = 0;
        for (int i = 0; i < n; i++) {
            right[i] = x1[i] > exact.barrier() ? 1 : 0;
            inRight += (int) right[i];
        }
        double pR = exact.rightModeProbability();
        double reweighted = KishEss.reweightedMean(logW, right);
        double[] wbar = KishEss.normalizedWeights(logW);
        double var = 0;
        for (int i = 0; i < n; i++) var += wbar[i] * wbar[i] * (right[i] - reweighted) * (right[i] - reweighted);
        double se = Math.sqrt(var);
        double ess = s.normalizedEss();
        System.out.printf("FAB double well: ESS %.4f, raw right %.4f, reweighted right %.4f +- %.4f (exact %.5f)%n", ess,
                (double) inRight / n, reweighted, se, pR);
        assertTrue(ess > 0.5, "ESS " + ess);
        assertTrue(inRight > 0.2 * pR * n && n - inRight > 0.2 * (1 - pR) * n, "raw samples in the right well: " + inRight);
        assertEquals(pR, reweighted, 5 * se, "reweighted right-well probability");
        assertEquals(1 - pR, 1 - reweighted, 5 * se, "reweighted left-well probability");
    }

    /** A FAB run resumed from its checkpoint (buffer, step sizes, counters included) ends bit-identical to an uninterrupted one. */
    @Test
    void resumingAFabRunIsBitIdentical() throws IOException {
        int steps = 12;
        FabLoss.Settings settings = doubleWellSettings().withBufferBatches(3).withMinBufferBatches(2).withGradientStepsPerAis(3);
        BoltzmannGenerator straight = doubleWell(5);
        FabLoss straightLoss = new FabLoss(straight, null, settings, 32, 4);
        new Trainer(straight, null, doubleWellConfig(steps).withBatchSize(32), straightLoss).run();

        Path file = dir.resolve("fab/checkpoint");
        BoltzmannGenerator first = doubleWell(5);
        new Trainer(first, null, doubleWellConfig(steps).withBatchSize(32).withCheckpoint(file, 5), new FabLoss(first, null, settings, 32, 4))
                .runUntil(7);
        TrainingCheckpoint saved = TrainingCheckpoint.read(file);
        assertEquals(5, saved.step());
        assertTrue(saved.lossArrays().containsKey("buffer_x"), "the checkpoint holds the buffer");
        BoltzmannGenerator fresh = doubleWell(99);
        Trainer resumed = Trainer.resume(file, fresh, null);
        assertEquals(5, resumed.step());
        resumed.run();
        assertArrayEquals(TestFlows.values(straight.flow()), TestFlows.values(fresh.flow()), 0.0);
        FabLoss resumedLoss = (FabLoss) resumed.loss();
        PrioritisedReplayBuffer a = straightLoss.buffer(), b = resumedLoss.buffer();
        assertEquals(a.size(), b.size());
        for (Map.Entry<String, INDArray> e : a.state().entrySet())
            assertArrayEquals(Batches.toDoubles(e.getValue()), Batches.toDoubles(b.state().get(e.getKey())), 0.0, e.getKey());
        assertEquals(straightLoss.status().aisBatches(), resumedLoss.status().aisBatches());
        assertArrayEquals(Batches.toDoubles(straightLoss.state().get("ais_step_sizes")), Batches.toDoubles(resumedLoss.state().get("ais_step_sizes")), 0.0);
        // and training moved the flow at all
        assertTrue(!java.util.Arrays.equals(TestFlows.values(doubleWell(5).flow()), TestFlows.values(straight.flow())));
    }
}
