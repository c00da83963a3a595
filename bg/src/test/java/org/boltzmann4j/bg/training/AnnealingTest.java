package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.energy.RegularizedEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.junit.jupiter.api.Test;

/**
 * Temperature annealing ({@link Annealing}) on the double well of Noé et al. 2019 at kT = 1 (barrier
 * 10.8 kT above the deep well, right-well probability 0.032926 by quadrature: {@link
 * DoubleWellReference}), trained by energy alone: reverse KL at kT = 4, then four rungs down to kT = 1
 * by the reweighted forward KL.
 */
class AnnealingTest {

    private static final DoubleWellReference EXACT = DoubleWellReference.noe2019();

    /**
     * Checks, on 10^4 samples at a fixed seed (the test's own seed, not the training's): the right
     * well gets raw samples (at least a fifth of its exact share, so the mode is covered) and the
     * reweighted estimate of its probability is within 4 delta-method standard errors
     * sqrt(sum wbar_i^2 (f_i - p_hat)^2) of the exact value, with a normalised ESS above 0.3.
     * Reverse KL alone at kT = 1 from the same start loses or misweights the minor well (see
     * DoubleWellTrainingTest), and a flow that lost it would have no raw samples there.
     */
    @Test
    void annealingCoversBothWellsWithTheirExactWeights() throws IOException {
        Flow flow = TestFlows.splines2d(2, 32, 4.0, 11);
        BoltzmannGenerator bg = new BoltzmannGenerator(Distribution.standardNormal(2), flow,
                RegularizedEnergy.of(DoubleWell2D.noe2019(), 1e3), 1.0);
        Annealing ladder = new Annealing(4, 4, 150);
        TrainingConfig config = ladder.apply(TrainingConfig.defaults().withSteps(1200).withBatchSize(256).withClipNorm(100)
                .withEvaluationInterval(300).withSeed(1), 3e-3);
        new Trainer(bg, null, config).addListener(p -> System.out.printf("annealing step %d: loss %.4f, ESS at kT 1 %.3f%n",
                p.step(), p.meanLoss(), p.ess())).run();

        BoltzmannGenerator.Samples s = bg.with(DoubleWell2D.noe2019(), 1.0).sample(10_000, 12345);
        double[] x1 = s.x().getColumn(0).dup().data().asDouble();
        double[] logW = s.logW().dup().data().asDouble();
        double[] right = new double[x1.length];
        int inRight = 0;
        for (int i = 0; i < x1.length; i++) {
            right[i] = x1[i] > EXACT.barrier() ? 1 : 0;
            inRight += (int) right[i];
        }
        double reweighted = KishEss.reweightedMean(logW, right);
        double[] wbar = KishEss.normalizedWeights(logW);
        double var = 0;
        for (int i = 0; i < x1.length; i++) var += wbar[i] * wbar[i] * (right[i] - reweighted) * (right[i] - reweighted);
        double se = Math.sqrt(var);
        double pR = EXACT.rightModeProbability();
        System.out.printf("annealing: ESS %.4f, right well raw %.4f, reweighted %.4f (SE %.5f), exact %.5f%n",
                s.normalizedEss(), (double) inRight / x1.length, reweighted, se, pR);
        assertTrue(s.normalizedEss() > 0.3, "normalised ESS " + s.normalizedEss());
        assertTrue(inRight > 0.2 * pR * x1.length, inRight + " raw samples in the right well");
        assertEquals(pR, reweighted, 4 * se, "reweighted probability of the right well");
    }

    /** A run stopped inside a rung and resumed from its checkpoint ends bit for bit where the uninterrupted one does. */
    @Test
    void anAnnealedRunResumesBitIdentically(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        TrainingConfig config = new Annealing(4, 2, 3).apply(TrainingConfig.defaults().withSteps(12).withBatchSize(32).withClipNorm(1)
                .withEvaluationInterval(4).withEssSamples(16).withSeed(5), 1e-2);
        BoltzmannGenerator straight = annealModel(5);
        new Trainer(straight, null, config).run();
        java.nio.file.Path file = dir.resolve("c");
        Trainer first = new Trainer(annealModel(5), null, config.withCheckpoint(file, 0));
        first.runUntil(8); // in the first rung (steps 6 to 8)
        first.writeCheckpoint(file);
        BoltzmannGenerator fresh = annealModel(77);
        Trainer resumed = Trainer.resume(file, fresh, null);
        assertEquals(config.kTScale(), TrainingCheckpoint.read(file).config().kTScale());
        resumed.run();
        org.junit.jupiter.api.Assertions.assertArrayEquals(TestFlows.values(straight.flow()), TestFlows.values(fresh.flow()), 0.0);
    }

    private static BoltzmannGenerator annealModel(long seed) {
        return new BoltzmannGenerator(Distribution.standardNormal(2), TestFlows.splines2d(2, 8, 4.0, seed),
                RegularizedEnergy.of(DoubleWell2D.noe2019(), 1e3), 1.0);
    }

    @Test
    void theLadderIsGeometricAndEndsAtTheTarget() {
        Annealing ladder = new Annealing(4, 2, 100);
        TrainingConfig c = ladder.apply(TrainingConfig.defaults().withSteps(500), 1e-3);
        assertEquals(4, c.kTScale().at(0), 0);
        assertEquals(4, c.kTScale().at(299), 0);
        assertEquals(2, c.kTScale().at(300), 1e-12);
        assertEquals(2, c.kTScale().at(399), 1e-12);
        assertEquals(1, c.kTScale().at(400), 0);
        assertEquals(1, c.energyWeight().at(299), 0);
        assertEquals(0, c.energyWeight().at(300), 0);
        assertEquals(0, c.reweightedWeight().at(299), 0);
        assertEquals(1, c.reweightedWeight().at(300), 0);
        assertEquals(1e-4, c.learningRate().at(450), 1e-15);
        // the schedule survives the checkpoint's JSON
        assertEquals(c.kTScale(), TrainingConfig.fromJson(c.toJson()).kTScale());
        assertThrows(IllegalArgumentException.class, () -> ladder.apply(TrainingConfig.defaults().withSteps(200), 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new Annealing(1, 2, 100));
    }
}
