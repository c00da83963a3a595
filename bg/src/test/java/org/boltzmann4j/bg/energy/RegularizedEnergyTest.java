package org.boltzmann4j.bg.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RegularizedEnergyTest {

    // U = x^2 along one coordinate: crosses the cutoff 100 at x = 10 and the cap 1e4 at x = 100
    private static final Harmonic PARABOLA = new Harmonic(new double[] {0}, new double[] {2});
    private static final RegularizedEnergy REG = new RegularizedEnergy(PARABOLA, 100, 1e4);

    private static Energy.Evaluation at(Energy u, double... xs) {
        return u.evaluate(Nd4j.create(xs, new long[] {xs.length, 1}, DataType.DOUBLE), true);
    }

    @Test
    void belowTheCutoffNothingChanges() {
        Energy.Evaluation e = at(REG, -3, 0.5, 9.99);
        Energy.Evaluation raw = at(PARABOLA, -3, 0.5, 9.99);
        assertEquals(raw.energies(), e.energies());
        assertEquals(raw.gradient(), e.gradient());
    }

    @Test
    void valueAndSlopeAreContinuousAtTheCutoff() {
        double below = Math.sqrt(100) - 1e-9;
        double above = Math.sqrt(100) + 1e-9;
        Energy.Evaluation e = at(REG, below, above);
        // U' = 2x = 20 at the cutoff, so U changes by 4e-8 across the pair; the slope factor is
        // 1 - O(4e-8) just above, so the gradients agree to 1e-6 relative
        assertEquals(e.energies().getDouble(0), e.energies().getDouble(1), 1e-7);
        assertEquals(e.gradient().getDouble(0, 0), e.gradient().getDouble(1, 0), 1e-6);
        assertEquals(100 + Math.log1p(500 - 100), REG.regularize(500), 1e-12);
    }

    /** Central differences, h = 1e-6 relative: truncation ~1e-12 relative, well below 1e-6. */
    @Test
    void gradientEqualsFiniteDifferencesInEveryRegime() {
        double[] xs = {3, 20, 50, 99};
        Energy.Evaluation e = at(REG, xs);
        for (int i = 0; i < xs.length; i++) {
            double h = 1e-6 * xs[i];
            Energy.Evaluation plus = at(REG, xs[i] + h);
            Energy.Evaluation minus = at(REG, xs[i] - h);
            double fd = (plus.energies().getDouble(0) - minus.energies().getDouble(0)) / (2 * h);
            double g = e.gradient().getDouble(i, 0);
            assertEquals(fd, g, 1e-6 * Math.abs(g), "x = " + xs[i]);
        }
    }

    @Test
    void aboveTheCapTheValueIsTheCeilingWithZeroGradient() {
        Energy.Evaluation e = at(REG, 100.5, -1e3);
        double ceiling = 100 + Math.log1p(1e4 - 100);
        assertEquals(ceiling, REG.ceiling(), 0);
        assertEquals(ceiling, e.energies().getDouble(0), 0);
        assertEquals(ceiling, e.energies().getDouble(1), 0);
        assertEquals(0, e.gradient().getDouble(0, 0), 0);
        assertEquals(0, e.gradient().getDouble(1, 0), 0);
    }

    @Test
    void nanAndInfiniteEnergiesBecomeTheCeilingWithZeroGradient() {
        Energy broken = new Energy() {
            @Override
            public int dimension() {
                return 2;
            }

            @Override
            public Evaluation evaluate(INDArray x, boolean withGradient) {
                INDArray u = Nd4j.create(new double[] {Double.NaN, Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY, 5, 5}, new long[] {5}, DataType.DOUBLE);
                INDArray g = Nd4j.create(new double[] {Double.NaN, 1, 2, 3, 4, 5, 6, Double.NaN, 7, 8},
                        new long[] {5, 2}, DataType.DOUBLE);
                return new Evaluation(u, withGradient ? g : null);
            }
        };
        RegularizedEnergy reg = RegularizedEnergy.of(broken, 50);
        Energy.Evaluation e = reg.evaluate(Nd4j.zeros(DataType.DOUBLE, 5, 2), true);
        double ceiling = 50 + Math.log1p(1e9);
        for (int r = 0; r < 4; r++) {
            assertEquals(ceiling, e.energies().getDouble(r), 0, "row " + r);
            assertEquals(0, e.gradient().getDouble(r, 0), 0);
            assertEquals(0, e.gradient().getDouble(r, 1), 0);
        }
        // a finite energy and a finite gradient pass through
        assertEquals(5, e.energies().getDouble(4), 0);
        assertEquals(8, e.gradient().getDouble(4, 1), 0);
        // without a gradient, only the energy decides
        assertEquals(5, reg.evaluate(Nd4j.zeros(DataType.DOUBLE, 5, 2), false).energies().getDouble(3), 0);
        assertTrue(Double.isFinite(reg.evaluate(Nd4j.zeros(DataType.DOUBLE, 5, 2), false).energies()
                .maxNumber().doubleValue()));
    }

    @Test
    void rejectsACapBelowTheCutoff() {
        assertThrows(IllegalArgumentException.class, () -> new RegularizedEnergy(PARABOLA, 10, 5));
        assertThrows(IllegalArgumentException.class,
                () -> new RegularizedEnergy(PARABOLA, 10, Double.POSITIVE_INFINITY));
    }
}
