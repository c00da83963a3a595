package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RK4 and dopri5 on ODEs with closed-form solutions: the logistic equation with a time-varying rate
 * (x and the divergence integral in closed form), and a stiff linear relaxation that forces the
 * adaptive controller to reject steps.
 */
class OdeSolverTest {

    private static final int D = 4;
    private static final double T0 = 0;
    private static final double T1 = 3;

    private static INDArray start() {
        return Batches.matrix(new double[] {0.1, 0.3, 0.5, 0.7, 0.9, 0.2, 0.6, 0.4, 0.05, 0.95, 0.5, 0.25}, 3, D,
                DataType.DOUBLE);
    }

    /** Largest |error| of x and of the divergence integral against the closed form. */
    private static double[] errors(OdeSolver.Solution s, INDArray x0, double t0, double t1) {
        double[] a = Batches.toDoubles(x0);
        double[] x = Batches.toDoubles(s.x());
        double[] l = Batches.toDoubles(s.integratedDivergence());
        double ex = 0;
        double el = 0;
        for (int r = 0; r < x0.size(0); r++) {
            double logDet = 0;
            for (int c = 0; c < D; c++) {
                int i = r * D + c;
                ex = Math.max(ex, Math.abs(x[i] - TestFields.Logistic.exact(a[i], t0, t1)));
                logDet += TestFields.Logistic.exactLogDet(a[i], t0, t1);
            }
            el = Math.max(el, Math.abs(l[r] - logDet));
        }
        return new double[] {ex, el};
    }

    private static double order(double coarse, double fine) {
        return Math.log(coarse / fine) / Math.log(2);
    }

    @Test
    void rungeKutta4IsFourthOrderInTheStateAndTheDivergenceIntegral() {
        VectorField f = new TestFields.Logistic(D);
        // the divergence integral's h^5 term fades slowly (observed orders 4.6, 4.5, 4.3 from 20 steps on): from 80
        double[] e80 = errors(new RungeKutta4(80).solve(f, start(), T0, T1, true), start(), T0, T1);
        double[] e160 = errors(new RungeKutta4(160).solve(f, start(), T0, T1, true), start(), T0, T1);
        double[] e320 = errors(new RungeKutta4(320).solve(f, start(), T0, T1, true), start(), T0, T1);
        System.out.printf("rk4 errors x: %.3g %.3g %.3g, log det: %.3g %.3g %.3g%n", e80[0], e160[0], e320[0], e80[1],
                e160[1], e320[1]);
        for (int k = 0; k < 2; k++) {
            assertEquals(4, order(e80[k], e160[k]), 0.35, "observed order, 80 -> 160 steps, component " + k);
            assertEquals(4, order(e160[k], e320[k]), 0.35, "observed order, 160 -> 320 steps, component " + k);
        }
        assertTrue(e80[0] < 1e-6 && e80[1] < 1e-5, "rk4 at 80 steps: " + e80[0] + ", " + e80[1]);
    }

    @Test
    void rungeKutta4CountsItsWorkAndNeverMixesRowsNorWritesItsInput() {
        VectorField f = new TestFields.Logistic(D);
        INDArray x0 = start();
        double[] before = Batches.toDoubles(x0);
        OdeSolver.Solution all = new RungeKutta4(7).solve(f, x0, T0, T1, true);
        assertArrayEquals(before, Batches.toDoubles(x0), 0, "the input is not written");
        assertEquals(28, all.functionEvaluations());
        assertEquals(7, all.acceptedSteps());
        assertEquals(0, all.rejectedSteps());
        double[] x = Batches.toDoubles(all.x());
        double[] l = Batches.toDoubles(all.integratedDivergence());
        for (int r = 0; r < 3; r++) {
            OdeSolver.Solution one = new RungeKutta4(7).solve(f, x0.getRow(r, true).dup(), T0, T1, true);
            double[] xr = Batches.toDoubles(one.x());
            for (int c = 0; c < D; c++) {
                assertEquals(x[r * D + c], xr[c], 0, "row " + r + " alone and in the batch");
            }
            assertEquals(l[r], one.integratedDivergence().getDouble(0), 0);
        }
        OdeSolver.Solution plain = new RungeKutta4(7).solve(f, x0, T0, T1, false);
        assertNull(plain.integratedDivergence());
        assertArrayEquals(x, Batches.toDoubles(plain.x()), 0, "the state does not depend on carrying the divergence");
        assertEquals("rk4 steps=7", new RungeKutta4(7).describe());
        assertThrows(IllegalArgumentException.class, () -> new RungeKutta4(0));
        assertThrows(IllegalArgumentException.class, () -> new RungeKutta4(7).solve(f, x0.castTo(DataType.FLOAT), 0, 1,
                true));
    }

    @Test
    void theDormandPrinceTableauIsFifthOrder() {
        VectorField f = new TestFields.Logistic(D);
        DormandPrince dp = new DormandPrince(1e-6, 1e-6);
        double[] e8 = errors(dp.solveFixed(f, start(), T0, T1, 8, true), start(), T0, T1);
        double[] e16 = errors(dp.solveFixed(f, start(), T0, T1, 16, true), start(), T0, T1);
        double[] e32 = errors(dp.solveFixed(f, start(), T0, T1, 32, true), start(), T0, T1);
        System.out.printf("dopri5 fixed-step errors x: %.3g %.3g %.3g, log det: %.3g %.3g %.3g%n", e8[0], e16[0],
                e32[0], e8[1], e16[1], e32[1]);
        for (int k = 0; k < 2; k++) {
            assertEquals(5, order(e16[k], e32[k]), 0.4, "observed order, 16 -> 32 steps, component " + k);
        }
    }

    /**
     * The controller keeps each step's local error estimate (of the embedded fourth-order solution)
     * below atol + rtol |y| in RMS per row, so the global error of this non-stiff problem is bounded
     * by about the sum of the local allowances, accepted steps x (atol + rtol max |y|) x sqrt(D + 1),
     * the sqrt turning an RMS into a max. The estimate overstates the fifth-order solution's error,
     * so the bound is loose; tightening the tolerance 1000-fold must shrink the error at least
     * 100-fold (tolerance proportionality).
     */
    @Test
    void dormandPrinceMeetsItsToleranceForwardAndBackward() {
        VectorField f = new TestFields.Logistic(D);
        double previous = Double.NaN;
        for (double tol : new double[] {1e-5, 1e-8}) {
            OdeSolver.Solution s = new DormandPrince(tol, tol).solve(f, start(), T0, T1, true);
            double[] e = errors(s, start(), T0, T1);
            // |x| <= 1 here; the divergence integral may be larger
            double maxState = Math.max(1, s.integratedDivergence().amaxNumber().doubleValue());
            double bound = s.acceptedSteps() * (tol + tol * maxState) * Math.sqrt(D + 1);
            System.out.printf("dopri5 tol %.0e: %d accepted, %d rejected, %d evaluations; error x %.3g, log det %.3g, "
                    + "bound %.3g%n", tol, s.acceptedSteps(), s.rejectedSteps(), s.functionEvaluations(), e[0], e[1],
                    bound);
            assertTrue(e[0] <= bound && e[1] <= bound, "errors " + e[0] + ", " + e[1] + " exceed " + bound);
            // FSAL: the first call, Hairer's probe, then six per attempted step
            assertEquals(2 + 6 * (s.acceptedSteps() + s.rejectedSteps()), s.functionEvaluations());
            if (!Double.isNaN(previous)) {
                assertTrue(Math.max(e[0], e[1]) < previous / 100, "1000x tighter tolerance: " + previous + " -> "
                        + Math.max(e[0], e[1]));
            }
            previous = Math.max(e[0], e[1]);

            // backwards from the exact end state: back to the start, the integral with the opposite sign
            double[] a = Batches.toDoubles(start());
            double[] end = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                end[i] = TestFields.Logistic.exact(a[i], T0, T1);
            }
            INDArray x1 = Batches.matrix(end, 3, D, DataType.DOUBLE);
            OdeSolver.Solution back = new DormandPrince(tol, tol).solve(f, x1, T1, T0, true);
            double[] eb = errors(back, x1, T1, T0);
            assertTrue(eb[0] <= bound && eb[1] <= bound, "backwards errors " + eb[0] + ", " + eb[1]);
        }
    }

    @Test
    void dormandPrinceRejectsStepsOnAStiffProblemAndStillConverges() {
        TestFields.Relaxation f = new TestFields.Relaxation(200);
        INDArray x0 = Batches.matrix(new double[] {2, -1}, 2, 1, DataType.DOUBLE);
        OdeSolver.Solution s = new DormandPrince(1e-6, 1e-6).solve(f, x0, 0, 1, true);
        System.out.printf("stiff relaxation: %d accepted, %d rejected%n", s.acceptedSteps(), s.rejectedSteps());
        assertTrue(s.rejectedSteps() > 0, "the explicit solver's stability limit must show as rejected steps");
        assertEquals(2 + 6 * (s.acceptedSteps() + s.rejectedSteps()), s.functionEvaluations());
        double bound = s.acceptedSteps() * 2e-6 * Math.sqrt(2);
        assertEquals(f.exact(2, 1), s.x().getDouble(0, 0), bound);
        assertEquals(f.exact(-1, 1), s.x().getDouble(1, 0), bound);
        // the divergence is the constant -k: its integral is exact to rounding
        assertEquals(-200, s.integratedDivergence().getDouble(0), 1e-9);
    }

    @Test
    void dormandPrinceStopsWithAClearErrorInsteadOfRunningForever() {
        VectorField f = new TestFields.Logistic(D);
        IllegalStateException tooMany = assertThrows(IllegalStateException.class,
                () -> new DormandPrince(1e-12, 1e-12).withMaxSteps(5).solve(f, start(), T0, T1, true));
        assertTrue(tooMany.getMessage().contains("more than 5 steps"), tooMany.getMessage());
        VectorField blowsUp = new TestFields.RowField(1) {
            @Override
            double row(double[] x, double t, double[] v, boolean divergence) {
                v[0] = t < 0.5 ? x[0] : Double.NaN;
                return 1;
            }
        };
        INDArray x0 = Batches.matrix(new double[] {1}, 1, 1, DataType.DOUBLE);
        IllegalStateException nan = assertThrows(IllegalStateException.class,
                () -> new DormandPrince(1e-6, 1e-6).solve(blowsUp, x0, 0, 1, true));
        assertTrue(nan.getMessage().contains("not finite"), nan.getMessage());
        // a non-finite start row fails at once, named, instead of shrinking steps to nothing
        INDArray bad = Batches.matrix(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, Double.NaN, 0.5, 0.5}, 2, D,
                DataType.DOUBLE);
        IllegalStateException badRow = assertThrows(IllegalStateException.class,
                () -> new DormandPrince(1e-6, 1e-6).solve(f, bad, T0, T1, true));
        assertTrue(badRow.getMessage().contains("row: 1"), badRow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DormandPrince(0, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new DormandPrince(1e-4, -1));
        assertEquals("dopri5 atol=1e-4 rtol=1e-5", new DormandPrince(1e-4, 1e-5).describe());
    }

    @Test
    void aZeroLengthIntervalReturnsTheStart() {
        VectorField f = new TestFields.Logistic(D);
        for (OdeSolver solver : new OdeSolver[] {new RungeKutta4(3), new DormandPrince(1e-4, 1e-4)}) {
            OdeSolver.Solution s = solver.solve(f, start(), 0.5, 0.5, true);
            assertArrayEquals(Batches.toDoubles(start()), Batches.toDoubles(s.x()), 0);
            assertArrayEquals(new double[3], Batches.toDoubles(s.integratedDivergence()), 0);
            assertEquals(0, s.functionEvaluations());
        }
    }
}
