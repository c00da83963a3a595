package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ContinuousFlow on a nonlinear field (a fixed random tanh network with its exact divergence):
 * forward then inverse returns the start, the two log-dets cancel, and log q of a sample from the
 * forward integration equals log q from scoring it backward, each within what the solver's
 * accuracy allows.
 */
class ContinuousFlowTest {

    private static final int D = 5;
    private static final double SCALE = 0.7;
    private static final TestFields.Tanh FIELD = new TestFields.Tanh(D, 16, 1.0, 7);

    /**
     * The largest, over the rows, Frobenius norm of dz/dy, y = x / c the ODE's end state: how much the
     * inverse flow can grow an error of the forward solve. Central differences (step 1e-4, error
     * ~1e-8 relative) of an inverse solved at 1e-11, far tighter than the solves it judges.
     */
    private static double errorGrowth(INDArray z) {
        ContinuousFlow tight = new ContinuousFlow(FIELD, new DormandPrince(1e-11, 1e-11), SCALE, D);
        INDArray x = tight.forward(z).output();
        int n = (int) z.size(0);
        double h = 1e-4;
        double[] frobenius = new double[n];
        for (int c = 0; c < D; c++) {
            INDArray plus = x.dup();
            INDArray minus = x.dup();
            plus.getColumn(c).addi(h);
            minus.getColumn(c).subi(h);
            double[] zp = Batches.toDoubles(tight.inverse(plus).output());
            double[] zm = Batches.toDoubles(tight.inverse(minus).output());
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < D; j++) {
                    double dzdx = (zp[r * D + j] - zm[r * D + j]) / (2 * h);
                    frobenius[r] += dzdx * dzdx;
                }
            }
        }
        double worst = 0;
        for (double f : frobenius) {
            worst = Math.max(worst, SCALE * Math.sqrt(f)); // dz/dy = c dz/dx
        }
        return worst;
    }

    /** max over rows of |z' - z| and |logDet forward + logDet inverse|, and the log q gap. */
    private static double[] roundTrip(OdeSolver solver, INDArray z) {
        ContinuousFlow flow = new ContinuousFlow(FIELD, solver, SCALE, D);
        Transform.Result f = flow.forward(z);
        Transform.Result b = flow.inverse(f.output());
        double[] z0 = Batches.toDoubles(z);
        double[] z1 = Batches.toDoubles(b.output());
        double[] lf = Batches.toDoubles(f.logDet());
        double[] lb = Batches.toDoubles(b.logDet());
        Distribution prior = Distribution.standardNormal(D);
        double[] pz = Batches.toDoubles(prior.logProb(z));
        double[] pz1 = Batches.toDoubles(prior.logProb(b.output()));
        double dz = 0;
        double dl = 0;
        double dq = 0;
        for (int r = 0; r < lf.length; r++) {
            for (int c = 0; c < D; c++) {
                dz = Math.max(dz, Math.abs(z1[r * D + c] - z0[r * D + c]));
            }
            dl = Math.max(dl, Math.abs(lf[r] + lb[r]));
            // log q(x) from the sampling side and from scoring x: log p(z) - logDet_f and log p(z') + logDet_b
            dq = Math.max(dq, Math.abs((pz[r] - lf[r]) - (pz1[r] + lb[r])));
        }
        return new double[] {dz, dl, dq};
    }

    /**
     * RK4's round-trip error is its discretisation error, of order 5 rather than 4: a step of -h after
     * a step of h cancels the leading h^5 terms of their local errors (they are odd in h), leaving
     * h^6 per step. Halving the step must divide it by about 32.
     */
    @Test
    void rungeKutta4RoundTripConvergesAtFourthOrder() {
        INDArray z = TestFields.batch(100, D, 31, 0, 0);
        double[] e10 = roundTrip(new RungeKutta4(10), z);
        double[] e20 = roundTrip(new RungeKutta4(20), z);
        double[] e40 = roundTrip(new RungeKutta4(40), z);
        System.out.printf("rk4 round trip |dz| %.3g %.3g %.3g, |dlogdet| %.3g %.3g %.3g, |dlogq| %.3g %.3g %.3g%n",
                e10[0], e20[0], e40[0], e10[1], e20[1], e40[1], e10[2], e20[2], e40[2]);
        for (int k = 0; k < 3; k++) {
            double order = Math.log(e20[k] / e40[k]) / Math.log(2);
            assertEquals(5, order, 0.5, "round-trip error order, quantity " + k);
        }
        assertTrue(e40[0] < 1e-5 && e40[2] < 1e-4, "rk4 40 steps: " + e40[0] + ", " + e40[2]);
    }

    /**
     * dopri5: each direction's global error is at most accepted steps x (atol + rtol max |y|) x
     * sqrt(D + 1) (see {@link OdeSolverTest}); the forward error is carried back by the inverse
     * flow, which grows it by at most |dz/dy| ({@link #errorGrowth}), and the backward solve adds its
     * own. log q's gap adds |grad log p| = |z| times the error in z to the log-dets' mismatch.
     * Tightening the tolerance 10^4-fold must shrink the round-trip error at least 100-fold.
     */
    @Test
    void dormandPrinceRoundTripIsWithinItsTolerance() {
        INDArray z = TestFields.batch(100, D, 32, 0, 0);
        double growth = errorGrowth(z);
        double previous = Double.NaN;
        double maxZ = z.amaxNumber().doubleValue();
        for (double tol : new double[] {1e-5, 1e-9}) {
            DormandPrince dp = new DormandPrince(tol, tol);
            ContinuousFlow flow = new ContinuousFlow(FIELD, dp, SCALE, D);
            flow.forward(z);
            int steps = flow.lastSolution().acceptedSteps();
            double largest = Math.max(1, Math.max(maxZ, flow.lastSolution().integratedDivergence().amaxNumber()
                    .doubleValue()));
            double perDirection = steps * (tol + tol * largest) * Math.sqrt(D + 1);
            double bound = perDirection * (growth + 1);
            double[] e = roundTrip(dp, z);
            System.out.printf("dopri5 tol %.0e round trip (%d steps): |dz| %.3g, |dlogdet| %.3g, |dlogq| %.3g; bound "
                    + "%.3g (growth %.3g)%n", tol, steps, e[0], e[1], e[2], bound, growth);
            assertTrue(e[0] <= bound, "|z' - z| " + e[0] + " > " + bound);
            assertTrue(e[1] <= bound, "|logdet_f + logdet_b| " + e[1] + " > " + bound);
            assertTrue(e[2] <= bound * (1 + maxZ), "log q forward vs scored backward " + e[2]);
            if (!Double.isNaN(previous)) {
                assertTrue(e[0] < previous / 100, "tolerance 1e-5 -> 1e-9: |z' - z| " + previous + " -> " + e[0]);
            }
            previous = e[0];
        }
    }

    @Test
    void itIsATransformWithoutParametersThatRefusesBackpropagation() {
        ContinuousFlow flow = new ContinuousFlow(FIELD, new RungeKutta4(4), SCALE, D);
        assertEquals(D, flow.dimension());
        assertEquals(DataType.DOUBLE, flow.dataType());
        assertTrue(flow.parameters().isEmpty());
        assertThrows(IllegalStateException.class, flow::lastSolution);
        INDArray z = TestFields.batch(3, D, 33, 0, 0);
        double[] before = Batches.toDoubles(z);
        Transform.Pass pass = flow.forwardPass(z);
        assertArrayEquals(before, Batches.toDoubles(z), 0, "forward does not write its input");
        assertEquals(16, flow.lastSolution().functionEvaluations());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> pass.backward(null, null));
        assertTrue(e.getMessage().contains("flow matching"), e.getMessage());
        INDArray x = pass.output();
        double[] xBefore = Batches.toDoubles(x);
        assertThrows(UnsupportedOperationException.class, () -> flow.inversePass(x).backward(null, null));
        assertArrayEquals(xBefore, Batches.toDoubles(x), 0, "inverse does not write its input");
        assertThrows(IllegalArgumentException.class, () -> flow.forward(TestFields.batch(3, D + 1, 1, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> flow.forward(z.castTo(DataType.FLOAT)));
        assertThrows(IllegalArgumentException.class, () -> new ContinuousFlow(FIELD, new RungeKutta4(4), 0, D));
        assertThrows(IllegalArgumentException.class, () -> new ContinuousFlow(FIELD, new RungeKutta4(4), 1, D + 1));
        assertThrows(IllegalArgumentException.class, () -> new ContinuousFlow(null, new RungeKutta4(4), 1, D));
    }
}
