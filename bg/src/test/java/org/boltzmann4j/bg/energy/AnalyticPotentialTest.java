package org.boltzmann4j.bg.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AnalyticPotentialTest {

    static Stream<AnalyticEnergy> potentials() {
        return Stream.of(DoubleWell1D.noe2019(), DoubleWell2D.noe2019(), new DoubleWell2D(0.5, 3, -0.7, 2.5),
                MuellerBrown.original(), new MuellerBrown(0.1), Harmonic.isotropic(3, 2.5),
                new Harmonic(new double[] {1, -2}, new double[] {0.5, 40}));
    }

    /**
     * Central differences with h = 1e-5 have truncation error h^2 U'''/6 ~ 1e-10 |U'''| and
     * rounding error eps |U| / h ~ 2e-11 |U|; with |U| and |U'''| at most ~1e3 at these points
     * (Mueller-Brown is the steepest) a tolerance of 1e-6 (1 + |g|) leaves a margin of 10.
     */
    @ParameterizedTest
    @MethodSource("potentials")
    void gradientEqualsCentralDifferences(AnalyticEnergy u) {
        int d = u.dimension();
        SplittableRandom rng = new SplittableRandom(7);
        int n = 20;
        double[] x = new double[n * d];
        for (int k = 0; k < x.length; k++) {
            x[k] = rng.nextDouble(-2, 2);
        }
        INDArray batch = Nd4j.create(x, new long[] {n, d}, DataType.DOUBLE);
        Energy.Evaluation e = u.evaluate(batch, true);
        double h = 1e-5;
        for (int r = 0; r < n; r++) {
            double[] p = java.util.Arrays.copyOfRange(x, r * d, r * d + d);
            assertEquals(u.energy(p), e.energies().getDouble(r), 0.0, "batch and single evaluation agree");
            for (int j = 0; j < d; j++) {
                double[] plus = p.clone();
                double[] minus = p.clone();
                plus[j] += h;
                minus[j] -= h;
                double fd = (u.energy(plus) - u.energy(minus)) / (2 * h);
                double g = e.gradient().getDouble(r, j);
                assertEquals(fd, g, 1e-6 * (1 + Math.abs(g)), u + " dU/dx" + j + " at row " + r);
            }
        }
        assertNull(u.evaluate(batch, false).gradient());
    }

    @Test
    void knownValues() {
        // stationary points of the paper's double well: the roots of 4x^3 - 12x + 1 = 0
        DoubleWell1D w = DoubleWell1D.noe2019();
        assertEquals(-10.752406, w.energy(-1.7723034), 1e-6);
        assertEquals(-7.289309, w.energy(1.6887758), 1e-6);
        assertEquals(0.041715, w.energy(0.0835276), 1e-6);
        assertEquals(0, w.gradient(-1.7723034)[0], 1e-6);
        // the deepest Mueller-Brown minimum, as tabulated in the literature
        assertEquals(-146.70, MuellerBrown.original().energy(-0.558, 1.442), 0.01);
        assertEquals(3.0, new Harmonic(new double[] {1, 0}, new double[] {2, 4}).energy(2, 1), 0);
        assertEquals(0.5 * Math.log(2 * Math.PI) * 2, Harmonic.isotropic(2, 1).logPartitionFunction(1), 1e-15);
    }

    @Test
    void nonFiniteConfigurationsGetInfiniteEnergyAndZeroGradient() {
        INDArray x = Nd4j.create(new double[] {Double.NaN, 0, 1e100, 0, 1, 1}, new long[] {3, 2}, DataType.DOUBLE);
        Energy.Evaluation e = DoubleWell2D.noe2019().evaluate(x, true);
        assertEquals(Double.POSITIVE_INFINITY, e.energies().getDouble(0));
        assertEquals(Double.POSITIVE_INFINITY, e.energies().getDouble(1));
        assertArrayEquals(new double[] {0, 0, 0, 0}, e.gradient().get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2), org.nd4j.linalg.indexing.NDArrayIndex.all())
                .dup().data().asDouble(), 0);
        assertEquals(1 - 6 + 1 + 0.5, e.energies().getDouble(2), 1e-12);
    }

    @Test
    void rejectsWrongShapesAndTypes() {
        DoubleWell2D u = DoubleWell2D.noe2019();
        assertThrows(IllegalArgumentException.class, () -> u.evaluate(Nd4j.zeros(DataType.DOUBLE, 4, 3), false));
        assertThrows(IllegalArgumentException.class, () -> u.evaluate(Nd4j.zeros(DataType.FLOAT, 4, 2), false));
        assertThrows(IllegalArgumentException.class, () -> u.energy(1, 2, 3));
    }
}
