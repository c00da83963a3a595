package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The settings records: named defaults, withers, validation messages naming the option, JSON round trips. */
class TbgSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TbgSettings d = TbgSettings.defaults();
        assertEquals(64, d.width());
        assertEquals(5, d.layers());
        assertEquals(5e-4, d.learningRate());
        assertEquals(0.999, d.emaDecay());
        assertEquals(0.01, d.pathSigmaNm());
        assertEquals("none", d.alignment());
        SamplingSettings s = SamplingSettings.defaults();
        assertEquals("dopri5", s.solver());
        assertEquals(1e-4, s.atol());
        assertEquals(1e-4, s.rtol());
    }

    @Test
    void withersChangeOneFieldAndJsonRoundTrips() {
        TbgSettings s = TbgSettings.defaults().withWidth(8).withLayers(2).withSteps(7).withBatch(3).withLearningRate(1e-3).withWeightDecay(0.01)
                .withEmaDecay(0.5).withSchedule("cosine").withPathSigmaNm(0.02).withPriorSigma(2).withCoordinateScaleNm(0.3)
                .withAlignment("permutation").withSeed(9).withCheckpointEverySteps(5).withCheckpointEverySeconds(0);
        assertEquals(s, TbgSettings.fromJson(s.toJson()));
        assertNotEquals(s.trajectoryKey(), s.withSeed(10).trajectoryKey());
        assertEquals(s.trajectoryKey(), s.withSteps(100).withCheckpointEverySteps(1).trajectoryKey(), "steps and checkpoints do not change the trajectory");
        PeptideSystemSettings p = PeptideSystemSettings.defaults().withTemperatureK(300).withSolvent("obc2");
        assertEquals(p, PeptideSystemSettings.fromJson(p.toJson()));
        assertEquals(310, PeptideSystemSettings.defaults().temperatureK());
    }

    @Test
    void cosineScheduleEndsAtZeroAndConstantStays() {
        TbgSettings s = TbgSettings.defaults().withSteps(100).withSchedule("cosine");
        assertEquals(5e-4, s.learningRateAt(0), 1e-9);
        assertEquals(0, s.learningRateAt(100), 1e-15);
        assertTrue(s.learningRateAt(50) < 5e-4 && s.learningRateAt(50) > 0);
        assertEquals(5e-4, TbgSettings.defaults().learningRateAt(12345));
    }

    @Test
    void badValuesNameTheOption() {
        assertEquals("--width must be > 0, got 0", assertThrows(IllegalArgumentException.class, () -> TbgSettings.defaults().withWidth(0)).getMessage());
        assertEquals("--steps must be > 0, got -3", assertThrows(IllegalArgumentException.class, () -> TbgSettings.defaults().withSteps(-3)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TbgSettings.defaults().withEmaDecay(1)).getMessage().startsWith("--ema-decay"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TbgSettings.defaults().withAlignment("mirror")).getMessage().startsWith("--align"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SamplingSettings.defaults().withSolver("euler")).getMessage().startsWith("--solver"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SamplingSettings.defaults().withAtol(0)).getMessage().startsWith("--atol"));
    }
}
