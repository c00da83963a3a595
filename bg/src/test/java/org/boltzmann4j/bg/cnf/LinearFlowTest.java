package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exactness on flows with analytic densities. The linear field v = A x + b0 + t b1 moves N(0, I) at
 * t = 0 to N(m, Phi Phi^T) at t = 1, Phi = e^A and m from the exponential of the augmented matrix
 * [[A, b1, b0], [0, 0, 1], [0, 0, 0]] acting on (x, t, 1); both come here from a Taylor series with
 * scaling and squaring, and the Gaussian's log density from an LU factorisation of Phi, none of which
 * the solvers or the divergence share. log q of a pushed-forward sample, log N(z) - log det, must
 * equal that Gaussian's log density at the sample, for both solvers and with a coordinate scale.
 */
class LinearFlowTest {

    private static final double[][] A = {{-0.5, 1.2, 0.3}, {-0.8, 0.2, 0.0}, {0.4, -0.3, 0.6}};
    private static final double[] B0 = {0.5, -1.0, 0.2};
    private static final double[] B1 = {1.0, 0.3, -0.7};
    private static final int D = 3;
    private static final double SCALE = 1.7;

    static TestFields.Linear field() {
        return new TestFields.Linear(A, B0, B1);
    }

    /** log N(x / c; m, Phi Phi^T) - D log c at every row of x, from the matrix exponential. */
    private static double[] exactLogDensity(INDArray x, double scale) {
        int k = D + 2;
        double[][] m = new double[k][k];
        for (int i = 0; i < D; i++) {
            System.arraycopy(A[i], 0, m[i], 0, D);
            m[i][D] = B1[i];
            m[i][D + 1] = B0[i];
        }
        m[D][D + 1] = 1;
        double[][] e = expm(m);
        double[][] phi = new double[D][D];
        double[] mean = new double[D];
        for (int i = 0; i < D; i++) {
            System.arraycopy(e[i], 0, phi[i], 0, D);
            mean[i] = e[i][D + 1]; // (x, t, 1) starts at (z, 0, 1)
        }
        Lu lu = new Lu(phi);
        int n = (int) x.size(0);
        double[] a = Batches.toDoubles(x);
        double[] out = new double[n];
        for (int r = 0; r < n; r++) {
            double[] rhs = new double[D];
            for (int i = 0; i < D; i++) {
                rhs[i] = a[r * D + i] / scale - mean[i];
            }
            double[] u = lu.solve(rhs);
            double q = 0;
            for (double v : u) {
                q += v * v;
            }
            out[r] = -0.5 * q - 0.5 * D * Math.log(2 * Math.PI) - lu.logAbsDet() - D * Math.log(scale);
        }
        return out;
    }

    /** exp(M) by a 30-term Taylor series of M / 2^s and s squarings (|M / 2^s| < 1/2). */
    static double[][] expm(double[][] m) {
        int k = m.length;
        double norm = 0;
        for (double[] row : m) {
            double s = 0;
            for (double v : row) {
                s += Math.abs(v);
            }
            norm = Math.max(norm, s);
        }
        int squarings = Math.max(0, (int) Math.ceil(Math.log(norm) / Math.log(2)) + 1);
        double f = Math.pow(2, -squarings);
        double[][] x = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                x[i][j] = m[i][j] * f;
            }
        }
        double[][] result = identity(k);
        double[][] term = identity(k);
        for (int p = 1; p <= 30; p++) {
            term = multiply(term, x);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    term[i][j] /= p;
                    result[i][j] += term[i][j];
                }
            }
        }
        for (int s = 0; s < squarings; s++) {
            result = multiply(result, result);
        }
        return result;
    }

    private static double[][] identity(int k) {
        double[][] id = new double[k][k];
        for (int i = 0; i < k; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int k = a.length;
        double[][] c = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int l = 0; l < k; l++) {
                for (int j = 0; j < k; j++) {
                    c[i][j] += a[i][l] * b[l][j];
                }
            }
        }
        return c;
    }

    /** LU with partial pivoting. */
    private static final class Lu {
        final double[][] lu;
        final int[] perm;

        Lu(double[][] a) {
            int k = a.length;
            lu = new double[k][];
            perm = new int[k];
            for (int i = 0; i < k; i++) {
                lu[i] = a[i].clone();
                perm[i] = i;
            }
            for (int c = 0; c < k; c++) {
                int p = c;
                for (int r = c + 1; r < k; r++) {
                    if (Math.abs(lu[r][c]) > Math.abs(lu[p][c])) {
                        p = r;
                    }
                }
                double[] t = lu[c];
                lu[c] = lu[p];
                lu[p] = t;
                int ti = perm[c];
                perm[c] = perm[p];
                perm[p] = ti;
                for (int r = c + 1; r < k; r++) {
                    lu[r][c] /= lu[c][c];
                    for (int j = c + 1; j < k; j++) {
                        lu[r][j] -= lu[r][c] * lu[c][j];
                    }
                }
            }
        }

        double logAbsDet() {
            double s = 0;
            for (int i = 0; i < lu.length; i++) {
                s += Math.log(Math.abs(lu[i][i]));
            }
            return s;
        }

        double[] solve(double[] b) {
            int k = lu.length;
            double[] y = new double[k];
            for (int i = 0; i < k; i++) {
                double s = b[perm[i]];
                for (int j = 0; j < i; j++) {
                    s -= lu[i][j] * y[j];
                }
                y[i] = s;
            }
            for (int i = k - 1; i >= 0; i--) {
                double s = y[i];
                for (int j = i + 1; j < k; j++) {
                    s -= lu[i][j] * y[j];
                }
                y[i] = s / lu[i][i];
            }
            return y;
        }
    }

    /** log q = log N(0, I)(z) - log det at the pushed-forward points, and those points. */
    private static double[][] logQ(OdeSolver solver, INDArray z, double scale) {
        ContinuousFlow flow = new ContinuousFlow(field(), solver, scale, D);
        Transform.Result r = flow.forward(z);
        double[] lp = Batches.toDoubles(Distribution.standardNormal(D).logProb(z));
        double[] ld = Batches.toDoubles(r.logDet());
        double[] q = new double[lp.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = lp[i] - ld[i];
        }
        return new double[][] {q, Batches.toDoubles(r.output())};
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** |grad log N| at row r of the points x (central differences of the exact density). */
    private static double gradientNorm(double[] x, int n, int r) {
        double h = 1e-6;
        double sum = 0;
        for (int c = 0; c < D; c++) {
            double[] p = x.clone();
            double[] m = x.clone();
            p[r * D + c] += h;
            m[r * D + c] -= h;
            double g = (exactLogDensity(Batches.matrix(p, n, D, DataType.DOUBLE), SCALE)[r]
                    - exactLogDensity(Batches.matrix(m, n, D, DataType.DOUBLE), SCALE)[r]) / (2 * h);
            sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * tr A is constant, so RK4 integrates the log-det exactly and log q = log N(z) - tr A at whatever
     * point it reaches; its error is that point's, x_40 - x_exact, which Richardson extrapolation
     * estimates as (x_40 - x_80) 16/15 for an order-4 method. The gap to the exact density at x_40
     * must be within twice |grad log N| times that estimate, row by row.
     */
    @Test
    void rungeKutta4ReproducesTheGaussianLogDensity() {
        int n = 200;
        INDArray z = TestFields.batch(n, D, 11, 0, 0);
        double[][] q40 = logQ(new RungeKutta4(40), z, SCALE);
        double[][] q80 = logQ(new RungeKutta4(80), z, SCALE);
        double[] exact40 = exactLogDensity(Batches.matrix(q40[1], n, D, DataType.DOUBLE), SCALE);
        double worst = 0;
        for (int r = 0; r < n; r++) {
            double dx = 0;
            for (int c = 0; c < D; c++) {
                dx += Math.pow(q40[1][r * D + c] - q80[1][r * D + c], 2);
            }
            double estimate = gradientNorm(q40[1], n, r) * Math.sqrt(dx) * 16 / 15;
            double error = Math.abs(q40[0][r] - exact40[r]);
            worst = Math.max(worst, error / estimate);
            assertTrue(error <= 2 * estimate + 1e-12, "row " + r + ": rk4 error " + error + ", estimate " + estimate);
        }
        System.out.printf("linear flow, rk4 40 steps: max |log q - exact| %.3g, worst error / Richardson estimate "
                + "%.3g%n", maxAbsDiff(q40[0], exact40), worst);
        assertTrue(maxAbsDiff(q40[0], exact40) < 1e-6, "rk4 at 40 steps");
    }

    /**
     * dopri5's global error in x is bounded by accepted steps x (atol + rtol max |x|) x sqrt(D + 1)
     * (see {@link OdeSolverTest}); the divergence tr A is constant, so its integral is exact, and
     * the error of log q is at most |grad_x log N| times the error in x.
     */
    @Test
    void dormandPrinceReproducesTheGaussianLogDensity() {
        INDArray z = TestFields.batch(200, D, 12, 0, 0);
        for (double tol : new double[] {1e-5, 1e-9}) {
            DormandPrince dp = new DormandPrince(tol, tol);
            double[][] q = logQ(dp, z, SCALE);
            ContinuousFlow probe = new ContinuousFlow(field(), dp, SCALE, D);
            probe.forward(z);
            OdeSolver.Solution work = probe.lastSolution();
            INDArray x = Batches.matrix(q[1], 200, D, DataType.DOUBLE);
            double[] exact = exactLogDensity(x, SCALE);
            double[] zd = Batches.toDoubles(z);
            double worst = 0;
            for (int r = 0; r < 200; r++) {
                // the largest |y| of the row at either end (the ODE's state is x / c)
                double largest = 1;
                for (int c = 0; c < D; c++) {
                    largest = Math.max(largest, Math.max(Math.abs(q[1][r * D + c] / SCALE), Math.abs(zd[r * D + c])));
                }
                double xBound = SCALE * work.acceptedSteps() * (tol + tol * largest) * Math.sqrt(D + 1);
                double bound = gradientNorm(q[1], 200, r) * xBound + 1e-10;
                double error = Math.abs(q[0][r] - exact[r]);
                worst = Math.max(worst, error / bound);
                assertTrue(error <= bound, "row " + r + ": |log q - exact| " + error + " > " + bound);
            }
            System.out.printf("linear flow, dopri5 tol %.0e: %d steps, worst error / bound %.3g, max |log q - exact| "
                    + "%.3g%n", tol, work.acceptedSteps(), worst, maxAbsDiff(q[0], exact));
        }
    }

    /**
     * The mean-free pipeline: prior MeanFreeNormal(s), field a(t) (x - mean), scale c and the log-det
     * on 3N - 3 dimensions; the pushed-forward density is MeanFreeNormal(c s exp(integral of a)).
     * The field is linear, so RK4's error is that of its stability polynomial on exp(integral of a)
     * and of Simpson's rule on the integral, about h^4 max|a''''| / 180 = 4e-8 at 60 steps; dopri5 at
     * 1e-9 is far below that. 1e-6 leaves room for the scale and the density's gradient (|x| / s^2 < 10).
     */
    @Test
    void aCentringFieldCarriesTheMeanFreePriorToAWiderOne() {
        int atoms = 5;
        double sigma = 0.8;
        double scale = 1.3;
        TestFields.Centring f = new TestFields.Centring(atoms, t -> 0.4 + Math.sin(3 * t));
        double integral = 0.4 + (1 - Math.cos(3)) / 3;
        MeanFreeNormal prior = new MeanFreeNormal(atoms, sigma);
        MeanFreeNormal pushed = new MeanFreeNormal(atoms, scale * sigma * Math.exp(integral));
        INDArray z = prior.sample(50, 21L);
        for (OdeSolver solver : new OdeSolver[] {new RungeKutta4(60), new DormandPrince(1e-9, 1e-9)}) {
            ContinuousFlow flow = new ContinuousFlow(f, solver, scale, prior.subspaceDimension());
            Transform.Result r = flow.forward(z);
            double[] lq = Batches.toDoubles(prior.logProb(z).sub(r.logDet()));
            double[] exact = Batches.toDoubles(pushed.logProb(r.output()));
            double[] lx = Batches.toDoubles(r.output());
            double[] lz = Batches.toDoubles(z);
            for (int i = 0; i < lx.length; i++) {
                assertEquals(lz[i] * scale * Math.exp(integral), lx[i], 1e-6 * (1 + Math.abs(lx[i])), solver.describe());
            }
            assertEquals(0, maxAbsDiff(lq, exact), 1e-6, solver.describe() + ": log q against the wider prior");
        }
    }
}
