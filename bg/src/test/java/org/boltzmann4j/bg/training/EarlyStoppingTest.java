package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Early stopping on a constructed case where the held-out NLL must first fall and then rise: the
 * training rows are N(2, 1) in each coordinate, the held-out block (the rows the split holds out
 * for this seed) N(1, 1). The flow starts near N(0, 1) and moves towards the training density, so
 * the held-out NLL, 1.84 + (1 + (1 - m)^2) nats for a flow N(m, 1), first falls as the mean
 * approaches 1 and then rises as it goes on to 2: the best step lies strictly inside the run.
 */
class EarlyStoppingTest {

    @TempDir Path dir;

    @Test
    void stopsAfterPatienceAndKeepsTheBestStepsParameters() throws IOException {
        int n = 2000;
        long seed = 4;
        int batch = 128;
        int[] held = new Minibatches(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, n, 2), 0.1, batch, seed).heldOutRows();
        boolean[] isHeld = new boolean[n];
        for (int r : held) isHeld[r] = true;
        double[][] rows = new double[n][2];
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) rows[i][j] = isHeld[i] ? 1 + rng.nextGaussian() : 2 + rng.nextGaussian();
        }
        INDArray data = Nd4j.createFromArray(rows);
        BoltzmannGenerator bg = new BoltzmannGenerator(Distribution.standardNormal(2), TestFlows.splines2d(2, 16, 5.0, 3),
                DoubleWell2D.noe2019(), 1.0);
        Path checkpoint = dir.resolve("run");
        TrainingConfig config = TrainingConfig.defaults().withSteps(2000).withBatchSize(batch).withLearningRate(1e-3).withSeed(seed)
                .withHeldOutFraction(0.1).withEvaluationInterval(5).withPatience(3).withCheckpoint(checkpoint, 0);
        List<long[]> steps = new ArrayList<>();
        List<Double> nlls = new ArrayList<>();
        Trainer trainer = new Trainer(bg, data, config).addListener(p -> {
            steps.add(new long[] {p.step()});
            nlls.add(p.heldOutNll());
        });
        trainer.run();

        int best = 0;
        for (int i = 1; i < nlls.size(); i++) if (nlls.get(i) < nlls.get(best)) best = i;
        System.out.printf("early stopping: held-out NLL %.4f at step %d (first %.4f, before stopping %.4f, stopped at step %d)%n", nlls.get(best),
                steps.get(best)[0], nlls.get(0), nlls.get(nlls.size() - 2), steps.get(steps.size() - 1)[0]);
        assertTrue(best > 0 && nlls.get(nlls.size() - 2) > nlls.get(best), "the constructed case has its best step inside the run");
        assertEquals(nlls.get(best), nlls.get(nlls.size() - 1), 0, "the last report describes the flow training ends with");
        assertTrue(trainer.stoppedEarly(), "stopped early");
        assertEquals(steps.get(best)[0], trainer.bestStep(), "best step");
        assertEquals(nlls.get(best), trainer.bestHeldOutNll(), 0, "best held-out NLL");
        assertEquals(trainer.bestStep() + 3 * 5, trainer.step(), "stopped three evaluations after the best");
        assertEquals(nlls.get(best), trainer.heldOutNll(), 0, "the flow ends with the best step's parameters, bit for bit");

        // resuming the stopped run neither trains on nor forgets where it stopped
        double[] before = TestFlows.values(bg.flow());
        BoltzmannGenerator fresh = new BoltzmannGenerator(Distribution.standardNormal(2), TestFlows.splines2d(2, 16, 5.0, 3),
                DoubleWell2D.noe2019(), 1.0);
        Trainer resumed = Trainer.resume(checkpoint, fresh, data);
        assertTrue(resumed.stoppedEarly());
        assertEquals(trainer.bestStep(), resumed.bestStep());
        resumed.run();
        assertEquals(trainer.step(), resumed.step());
        assertArrayEquals(before, TestFlows.values(fresh.flow()), 0);
    }
}
