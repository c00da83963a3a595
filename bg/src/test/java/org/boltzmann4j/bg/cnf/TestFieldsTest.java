package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The test fields' divergences against central finite differences of their velocities. */
class TestFieldsTest {

    /** Central differences with step 1e-5 have error ~1e-10 x third derivatives: 1e-6 is loose but telling. */
    static void assertDivergenceMatchesFiniteDifferences(VectorField field, INDArray x, double t) {
        int n = (int) x.size(0);
        int d = field.dimension();
        double[] base = Batches.toDoubles(x);
        double[] fd = new double[n];
        double h = 1e-5;
        for (int c = 0; c < d; c++) {
            double[] plus = base.clone();
            double[] minus = base.clone();
            for (int r = 0; r < n; r++) {
                plus[r * d + c] += h;
                minus[r * d + c] -= h;
            }
            double[] vp = Batches.toDoubles(field.velocity(Batches.matrix(plus, n, d, DataType.DOUBLE), t));
            double[] vm = Batches.toDoubles(field.velocity(Batches.matrix(minus, n, d, DataType.DOUBLE), t));
            for (int r = 0; r < n; r++) {
                fd[r] += (vp[r * d + c] - vm[r * d + c]) / (2 * h);
            }
        }
        VectorField.WithDivergence w = field.velocityAndDivergence(x, t);
        assertArrayEquals(fd, Batches.toDoubles(w.divergence()), 1e-6, field.getClass().getSimpleName());
        assertArrayEquals(Batches.toDoubles(field.velocity(x, t)), Batches.toDoubles(w.velocity()), 0);
    }

    @Test
    void divergencesAreTheTraceOfTheJacobian() {
        assertDivergenceMatchesFiniteDifferences(new TestFields.Logistic(4), TestFields.batch(5, 4, 1, 0.1, 0.9), 0.7);
        assertDivergenceMatchesFiniteDifferences(new TestFields.Tanh(5, 16, 1.5, 2), TestFields.batch(5, 5, 3, 0, 0), 0.3);
        assertDivergenceMatchesFiniteDifferences(new TestFields.Centring(4, t -> 0.5 - t), TestFields.batch(3, 12, 4, 0, 0),
                0.8);
        assertDivergenceMatchesFiniteDifferences(LinearFlowTest.field(), TestFields.batch(4, 3, 5, 0, 0), 0.4);
        for (double t : new double[] {0, 0.35, 0.9, 1}) {
            assertDivergenceMatchesFiniteDifferences(ToyReweightingTest.proposal(), TestFields.batch(6, 2, 6, 0, 0), t);
        }
    }

    @Test
    void theMixtureFieldIsTheConditionalMeanOfThePathAtTheEnds() {
        // at t = 0 (x_t = x0 ~ N(0, I), independent of x1): E[x1 - x0 | x0 = x] = E[x1] - x
        TestFields.GaussianMixture f = ToyReweightingTest.proposal();
        double[] x = {0.3, -0.7};
        double[] v = new double[2];
        f.row(x, 0, v, false);
        for (int i = 0; i < 2; i++) {
            double mean = 0;
            for (int m = 0; m < f.weights.length; m++) {
                mean += f.weights[m] * f.means[m][i];
            }
            assertEquals(mean - x[i], v[i], 1e-12);
        }
    }
}
