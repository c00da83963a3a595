package org.boltzmann4j.bg.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.energy.Harmonic;
import org.boltzmann4j.bg.flow.CouplingMask;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.flow.RealNvpCoupling;
import org.boltzmann4j.bg.training.TestFlows;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class BoltzmannGeneratorTest {

    private static double[] host(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    @Test
    void kTFromKelvin() {
        assertEquals(2.49433878, org.boltzmann4j.bg.energy.ThermalEnergy.kT(300), 1e-8);
        assertEquals(2.49433878, BoltzmannGenerator.atTemperature(Distribution.standardNormal(2),
                TestFlows.randomMixed2d(1), DoubleWell2D.noe2019(), 300).kT(), 1e-8);
    }

    /**
     * log q from the forward pass (log p_Z(z) - logdet_F) and from the inverse pass of the sampled
     * x (log p_Z(F^-1(x)) + logdet_F^-1) agree up to the round-off of inverting the spline and
     * the affine coupling (about 1e-13 here); 1e-9 is a loose bound that still catches a sign
     * error or a missing term, which would be O(1).
     */
    @Test
    void samplesCarryConsistentDensitiesEnergiesAndWeights() {
        BoltzmannGenerator bg = new BoltzmannGenerator(Distribution.standardNormal(2), TestFlows.randomMixed2d(3),
                DoubleWell2D.noe2019(), 1.7);
        BoltzmannGenerator.Samples s = bg.sample(500, 11);
        assertEquals(500, s.size());
        assertEquals(DataType.DOUBLE, s.x().dataType());
        assertArrayEquals(host(s.logQ()), host(bg.logQ(s.x())), 1e-9);
        assertArrayEquals(host(s.energies()), host(DoubleWell2D.noe2019().evaluate(s.x(), false).energies()), 0);
        double[] logW = host(s.logW());
        double[] u = host(s.energies());
        double[] lq = host(s.logQ());
        for (int i = 0; i < logW.length; i++) {
            assertEquals(-u[i] / 1.7 - lq[i], logW[i], 1e-12 * (1 + Math.abs(logW[i])));
        }
        assertArrayEquals(logW, host(bg.logWeights(s.x())), 1e-9);
        assertArrayEquals(host(bg.reducedEnergy(s.x())), host(s.energies().div(1.7)), 1e-12);
        // the same seed gives the same samples
        assertArrayEquals(host(s.x()), host(bg.sample(500, 11).x()), 0);
    }

    /**
     * An affine map x = mu + sigma z with sigma^2 = kT / k turns N(0, 1) into exactly the
     * Boltzmann density of a harmonic well, so every log-weight equals log Z and the ESS is 1 up
     * to round-off.
     */
    @Test
    void anExactGeneratorHasConstantLogWeightsEqualToLogZ() {
        double kT = 2.49;
        double[] k = {4, 0.25};
        double[] mu = {1, -3};
        double[] logSigma = {0.5 * Math.log(kT / k[0]), 0.5 * Math.log(kT / k[1])};
        Harmonic well = new Harmonic(mu, k);
        BoltzmannGenerator bg = new BoltzmannGenerator(Distribution.standardNormal(2),
                ElementwiseAffine.fixed(mu, logSigma, DataType.DOUBLE), well, kT);
        BoltzmannGenerator.Samples s = bg.sample(1000, 5);
        for (double lw : host(s.logW())) {
            assertEquals(well.logPartitionFunction(kT), lw, 1e-12);
        }
        assertEquals(1.0, s.normalizedEss(), 1e-12);
    }

    @Test
    void aFloat32FlowIsCastExplicitly() {
        boolean[] circular = {false, false};
        Flow f32 = Flow.of(RealNvpCoupling.builder(CouplingMask.alternating(circular, 0), 3).hidden(8)
                .dataType(DataType.FLOAT).build());
        TestFlows.randomize(f32, 0.3, 9);
        BoltzmannGenerator bg = new BoltzmannGenerator(Distribution.standardNormal(2), f32, DoubleWell2D.noe2019(), 1);
        BoltzmannGenerator.Samples s = bg.sample(64, 1);
        assertEquals(DataType.DOUBLE, s.x().dataType());
        assertEquals(DataType.DOUBLE, s.logQ().dataType());
        // float32 arithmetic: log q agrees to single precision
        assertArrayEquals(host(s.logQ()), host(bg.logQ(s.x())), 1e-4);
    }

    @Test
    void rejectsMismatchedDimensionsAndBadTemperatures() {
        assertThrows(IllegalArgumentException.class, () -> new BoltzmannGenerator(Distribution.standardNormal(3),
                TestFlows.randomMixed2d(1), DoubleWell2D.noe2019(), 1));
        assertThrows(IllegalArgumentException.class, () -> new BoltzmannGenerator(Distribution.standardNormal(2),
                TestFlows.randomMixed2d(1), DoubleWell2D.noe2019(), 0));
        assertThrows(IllegalArgumentException.class, () -> org.boltzmann4j.bg.energy.ThermalEnergy.kT(-1));
        BoltzmannGenerator bg = new BoltzmannGenerator(Distribution.standardNormal(2), TestFlows.randomMixed2d(1),
                DoubleWell2D.noe2019(), 1);
        assertThrows(IllegalArgumentException.class,
                () -> bg.logQ(org.nd4j.linalg.factory.Nd4j.zeros(DataType.FLOAT, 3, 2)));
    }
}
