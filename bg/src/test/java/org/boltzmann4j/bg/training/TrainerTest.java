package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

    private static BoltzmannGenerator model(Energy energy) {
        return new BoltzmannGenerator(Distribution.standardNormal(2), TestFlows.splines2d(2, 8, 4.0, 3), energy, 1.0);
    }

    @Test
    void reportsAtEveryEvaluationAndAtTheEnd() throws IOException {
        List<Trainer.Progress> reports = new ArrayList<>();
        TrainingConfig config = TrainingConfig.defaults().withSteps(7).withBatchSize(32).byEnergy()
                .withLearningRate(Schedule.linearWarmup(1e-3, 10)).withEvaluationInterval(3).withEssSamples(100);
        Trainer.Progress last = new Trainer(model(DoubleWell2D.noe2019()), null, config).addListener(reports::add)
                .run();
        assertEquals(List.of(3L, 6L, 7L), reports.stream().map(Trainer.Progress::step).toList());
        assertEquals(last, reports.getLast());
        assertEquals(1e-3 * 7 / 11, last.learningRate(), 1e-15); // the rate of step 6 (the 7th)
        assertTrue(Double.isNaN(last.heldOutNll()), "no data, no held-out NLL");
        // measured 0.0491 (100 samples, seed 0); a bound at half of it fails weights that one or two
        // samples dominate (one alone gives 0.01)
        assertTrue(last.ess() > 0.025, "ESS " + last.ess());
        assertTrue(last.last().meanReducedEnergy() < 50 && last.stepsPerSecond() > 0);
        assertTrue(Double.isFinite(last.meanLoss()) && last.gradientNorm() > 0);
    }

    @Test
    void theReportedEssIsTheRawEnergysWhenTrainingSeesTheRegularisedOne() throws IOException {
        // the double well shifted up by 1e4 and regularised at 0: every sample lies above the cutoff, where the
        // regularised energy is nearly flat (log(1 + U)), so an ESS against it would be close to 1 whatever the flow
        Energy well = DoubleWell2D.noe2019();
        Energy shifted = new Energy() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public Evaluation evaluate(INDArray x, boolean withGradient) {
                Evaluation e = well.evaluate(x, withGradient);
                return new Evaluation(e.energies().add(1e4), e.gradient());
            }
        };
        BoltzmannGenerator regularised = model(org.boltzmann4j.bg.energy.RegularizedEnergy.of(shifted, 0));
        TrainingConfig config = TrainingConfig.defaults().withSteps(1).withBatchSize(8).byEnergy().withEssSamples(200);
        Trainer.Progress last = new Trainer(regularised, null, config).run();
        long seed = config.seed();
        double raw = regularised.with(shifted, regularised.kT())
                .sample(200, org.boltzmann4j.bg.random.RandomStreams.of(seed, org.boltzmann4j.bg.random.RandomStreams.EVALUATION, 0)).normalizedEss();
        double flat = regularised.sample(200, org.boltzmann4j.bg.random.RandomStreams.of(seed, org.boltzmann4j.bg.random.RandomStreams.EVALUATION, 0))
                .normalizedEss();
        assertTrue(flat > 2 * raw, "the regularised ESS " + flat + " must differ from the raw " + raw + " for this test to test anything");
        assertEquals(raw, last.ess(), 1e-12);
    }

    @Test
    void trainingByExampleNeedsData() {
        TrainingConfig config = TrainingConfig.defaults().withSteps(1).withBatchSize(8).byExample();
        assertThrows(IllegalArgumentException.class, () -> new Trainer(model(DoubleWell2D.noe2019()), null, config));
    }

    /** An energy that is +infinity everywhere, not regularised: the loss is infinite at once. */
    @Test
    void aDivergingRunStopsWithAClearMessage() {
        Energy infinite = new Energy() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public Evaluation evaluate(INDArray x, boolean withGradient) {
                long n = x.size(0);
                return new Evaluation(Nd4j.valueArrayOf(new long[] {n}, Double.POSITIVE_INFINITY, DataType.DOUBLE),
                        withGradient ? Nd4j.zeros(DataType.DOUBLE, n, 2) : null);
            }
        };
        TrainingConfig config = TrainingConfig.defaults().withSteps(3).withBatchSize(8).byEnergy();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(model(infinite), null, config).run());
        assertTrue(e.getMessage().contains("diverged at step 0"), e.getMessage());
    }
}
