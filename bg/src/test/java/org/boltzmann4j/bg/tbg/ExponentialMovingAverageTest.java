package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.flow.Parameter;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

/** The EMA against the closed form of its recurrence, and its restore. */
class ExponentialMovingAverageTest {

    @Test
    void followsTheRecurrenceFromTheInitialWeights() {
        Parameter p = new Parameter("w", Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}}));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.9);
        // weights held at constant c after the start w0: ema_k = c + 0.9^k (w0 - c)
        double c = 10;
        p.value().assign(c);
        for (int k = 0; k < 5; k++) ema.update();
        double[] start = {1, 2, 3, 4};
        double[] got = ema.weights().get("w").data().asDouble();
        for (int i = 0; i < 4; i++) assertEquals(c + Math.pow(0.9, 5) * (start[i] - c), got[i], 1e-12);
        assertEquals(2, ema.weights().get("w").rank(), "same shape as the parameter");
    }

    @Test
    void restoreSetsTheAverageAndChecksNames() {
        Parameter p = new Parameter("w", Nd4j.createFromArray(new double[] {1, 2}));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(p), 0.5);
        ema.restore(Map.of("w", Nd4j.createFromArray(new double[] {7, 8})));
        ema.update();
        assertEquals(4, ema.weights().get("w").getDouble(0), 0);
        assertEquals(5, ema.weights().get("w").getDouble(1), 0);
        assertThrows(IllegalArgumentException.class, () -> ema.restore(Map.of("v", Nd4j.createFromArray(new double[] {1, 2}))));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(List.of(p), 1));
    }
}
