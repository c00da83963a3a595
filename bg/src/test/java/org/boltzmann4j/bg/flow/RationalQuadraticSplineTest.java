package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class RationalQuadraticSplineTest {

    private static final boolean[] MIXED = {false, true, false, true};

    private static INDArray column(double[] values) {
        return Batches.matrix(values, values.length, 1, DataType.DOUBLE);
    }

    /** A 1-D circular spline without conditioning dimensions, far from the identity. */
    private static RationalQuadraticSplineCoupling circle(long seed) {
        RationalQuadraticSplineCoupling c = RationalQuadraticSplineCoupling
                .builder(CouplingMask.of(new int[] {0}, new boolean[] {true}), seed).bins(8).hidden(8).build();
        FiniteDifferences.perturb(c, 1.0, seed);
        return c;
    }

    @Test
    void newCouplingsAreTheIdentity() {
        INDArray z = new TransformContractTest.Case("x", null, MIXED, MIXED).input(1);
        Transform[] fresh = {
            RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 1).build(),
            RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 1), 2).bins(3).build(),
            RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 2}, MIXED), 3).build(),
            RealNvpCoupling.builder(CouplingMask.of(new int[] {0}, MIXED), 4).scale(RealNvpCoupling.Scale.SOFTPLUS)
                    .build(),
        };
        for (Transform t : fresh) {
            Transform.Result r = t.forward(z);
            FiniteDifferences.assertArrayClose(z, r.output(), 1e-12, t.getClass().getSimpleName() + " output");
            FiniteDifferences.assertArrayClose(r.logDet().mul(0), r.logDet(), 1e-12, "logDet");
        }
    }

    @Test
    void intervalSplineIsTheIdentityOutsideItsBound() {
        boolean[] flat = new boolean[2];
        RationalQuadraticSplineCoupling c = RationalQuadraticSplineCoupling
                .builder(CouplingMask.of(new int[] {1}, flat), 5).bound(2.0).bins(6).hidden(8).build();
        FiniteDifferences.perturb(c, 1.0, 5);
        double[] in = {0.3, -2.0001, -1.0, 2.5, 0.7, -7.0, 4.0, 1e6, 0.1, -1.5, -0.4, 1.99};
        INDArray x = Batches.matrix(in, 6, 2, DataType.DOUBLE);
        for (boolean forward : new boolean[] {true, false}) {
            Transform.Result r = forward ? c.forward(x) : c.inverse(x);
            double[] out = Batches.toDoubles(r.output());
            double[] ld = Batches.toDoubles(r.logDet());
            for (int row = 0; row < 6; row++) {
                double u = in[2 * row + 1];
                if (Math.abs(u) > 2.0) {
                    assertEquals(u, out[2 * row + 1], 0.0, "tail is the identity");
                    assertEquals(0.0, ld[row], 0.0, "tail has log det 0");
                } else {
                    assertTrue(Math.abs(out[2 * row + 1]) <= 2.0, "inside stays inside");
                    assertTrue(Math.abs(ld[row]) > 1e-6, "inside is not the identity here");
                }
            }
        }
    }

    @Test
    void circularSplineIsAnIncreasingBijectionOfTheCircle() {
        RationalQuadraticSplineCoupling c = circle(11);
        int m = 20001;
        double[] grid = new double[m];
        for (int i = 0; i < m; i++) {
            grid[i] = -Math.PI + 2 * Math.PI * i / m;
        }
        Transform.Result r = c.forward(column(grid));
        double[] y = Batches.toDoubles(r.output());
        assertEquals(-Math.PI, y[0], 1e-14, "the seam is fixed");
        for (int i = 0; i < m; i++) {
            assertTrue(y[i] >= -Math.PI && y[i] < Math.PI, "output " + y[i] + " in [-pi, pi)");
            if (i > 0) {
                assertTrue(y[i] > y[i - 1], "strictly increasing at " + grid[i]);
            }
        }
        // far from the identity, and onto: the grid's image reaches close to pi
        double maxShift = 0;
        for (int i = 0; i < m; i++) {
            maxShift = Math.max(maxShift, Math.abs(y[i] - grid[i]));
        }
        assertTrue(maxShift > 0.1, "perturbed spline moves points: " + maxShift);
        assertTrue(y[m - 1] > Math.PI - 1e-2, "onto the circle");
        FiniteDifferences.assertArrayClose(column(grid), c.inverse(r.output()).output(), 1e-10, "inverse of grid");
    }

    /** |log f'(pi - eps) - log f'(-pi + eps)|; O(eps) when the derivative is continuous across the seam. */
    private static double seamJump(Transform c, double[] left, double[] right) {
        double[] ld = Batches.toDoubles(c.forward(Batches.matrix(concat(left, right), 2, left.length, DataType.DOUBLE))
                .logDet());
        return Math.abs(ld[0] - ld[1]);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void circularSplineIsSmoothAcrossTheSeam() {
        for (long seed = 20; seed < 25; seed++) {
            RationalQuadraticSplineCoupling c = circle(seed);
            double[] gap = new double[2];
            double[] jump = new double[2];
            double[] epss = {1e-6, 1e-8};
            for (int e = 0; e < 2; e++) {
                double eps = epss[e];
                double[] y = Batches.toDoubles(c.forward(column(new double[] {Math.PI - eps, -Math.PI + eps})).output());
                assertTrue(y[0] < Math.PI && y[1] > -Math.PI, "near the seam on the correct sides");
                // secant slopes towards the seam from both sides: (pi - f(pi - eps)) / eps, (f(-pi + eps) + pi) / eps
                gap[e] = Math.abs((Math.PI - y[0]) / eps - (y[1] + Math.PI) / eps);
                jump[e] = seamJump(c, new double[] {Math.PI - eps}, new double[] {-Math.PI + eps});
                // f(pi - eps) and f(-pi + eps) are 2 pi apart up to O(eps): they wrap to each other
                assertEquals(2 * Math.PI, y[0] - y[1], 1e-4 * eps / 1e-8, "wrap across the seam");
            }
            // a kink at the seam would leave both differences finite as eps -> 0; smoothness makes them O(eps)
            assertTrue(gap[1] <= 0.05 * gap[0] + 1e-6, "slopes converge across the seam: " + gap[0] + " -> " + gap[1]);
            assertTrue(jump[1] <= 0.05 * jump[0] + 1e-8, "log f' converges across the seam: " + jump[0] + " -> " + jump[1]);
            double[] y = Batches.toDoubles(c.forward(column(new double[] {Math.PI, -Math.PI})).output());
            assertEquals(-Math.PI, y[0], 0.0, "pi wraps to -pi");
            assertEquals(-Math.PI, y[1], 0.0, "-pi is fixed");
        }
    }

    @Test
    void circularInputsAreTakenModuloTwoPi() {
        RationalQuadraticSplineCoupling c = circle(31);
        double[] in = {0.5, 0.5 + 2 * Math.PI, 0.5 - 4 * Math.PI, -3.0, -3.0 + 2 * Math.PI};
        double[] y = Batches.toDoubles(c.forward(column(in)).output());
        assertEquals(y[0], y[1], 1e-12);
        assertEquals(y[0], y[2], 1e-12);
        assertEquals(y[3], y[4], 1e-12);
    }

    @Test
    void conditionedCircularSplineKeepsTheSeamSmoothForEveryCondition() {
        boolean[] circ = {false, true, true};
        RationalQuadraticSplineCoupling c = RationalQuadraticSplineCoupling
                .builder(CouplingMask.of(new int[] {1}, circ), 40).bins(5).hidden(8).build();
        FiniteDifferences.perturb(c, 0.8, 40);
        for (double cond : new double[] {-2.0, 0.0, 1.3}) {
            for (double angle : new double[] {-3.0, 0.4, 3.1}) {
                double coarse = seamJump(c, new double[] {cond, Math.PI - 1e-6, angle},
                        new double[] {cond, -Math.PI + 1e-6, angle});
                double fine = seamJump(c, new double[] {cond, Math.PI - 1e-8, angle},
                        new double[] {cond, -Math.PI + 1e-8, angle});
                assertTrue(fine <= 0.05 * coarse + 1e-8,
                        "log f' converges across the seam at condition " + cond + ", " + angle + ": " + coarse + " -> " + fine);
            }
        }
    }
}
