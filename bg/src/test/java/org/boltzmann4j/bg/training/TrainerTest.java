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
