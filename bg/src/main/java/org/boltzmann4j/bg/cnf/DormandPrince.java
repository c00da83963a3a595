package org.boltzmann4j.bg.cnf;

import java.nio.DoubleBuffer;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adaptive Dormand-Prince 5(4) (dopri5), the scheme of torchdiffeq's default solver: the
 * Dormand-Prince tableau (Dormand and Prince 1980) advancing with the fifth-order solution, first
 * same as last (the seventh stage of a step is the first of the next, so an accepted step costs 6
 * field calls), the initial step of Hairer, Norsett and Wanner (Solving ODEs I, II.4), and the step
 * controller h_new = h * clamp(0.9 / err^(1/5), 0.2, 10) (no shrinking after an accepted step).
 *
 * <p>The error of a row is the RMS over its components, x and the divergence integral, of the
 * embedded error estimate divided by atol + rtol * max(|y0|, |y1|). The batch shares one step: a
 * step is accepted when every row's error is at most 1 and the next step follows the worst row,
 * so a row's result depends (within the tolerance) on its batch. A step whose error is not finite
 * (a field that blew up) is rejected and shrunk; more than {@link #maxSteps()} attempted steps,
 * or a step that shrinks below the resolution of t, is an error that says so. Integrates
 * backwards when t1 &lt; t0; the last step is shortened to end at t1 exactly.
 */
public final class DormandPrince implements OdeSolver {

    /** Attempted steps (accepted and rejected) before giving up; CNF sampling at 1e-4 takes tens. */
    public static final int DEFAULT_MAX_STEPS = 10_000;

    private static final double SAFETY = 0.9;
    private static final double MAX_FACTOR = 10.0;
    private static final double MIN_FACTOR = 0.2;
    private static final int ORDER = 5;

    // the Dormand-Prince tableau: C nodes, A stage weights (lower triangle), B fifth-order weights
    // (the seventh row of A, hence FSAL), B4 the embedded fourth-order weights
    private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
    private static final double[][] A = {
        {},
        {1.0 / 5},
        {3.0 / 40, 9.0 / 40},
        {44.0 / 45, -56.0 / 15, 32.0 / 9},
        {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
        {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    };
    private static final double[] B = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
    private static final double[] B4 = {5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200,
        187.0 / 2100, 1.0 / 40};
    private static final double[] E = new double[7];

    static {
        for (int j = 0; j < 7; j++) {
            E[j] = B[j] - B4[j];
        }
    }

    private final double atol;
    private final double rtol;
    private final int maxSteps;

    public DormandPrince(double atol, double rtol) {
        this(atol, rtol, DEFAULT_MAX_STEPS);
    }

    private DormandPrince(double atol, double rtol, int maxSteps) {
        if (!(atol > 0) || !Double.isFinite(atol)) {
            throw new IllegalArgumentException("--atol must be > 0 and finite, got " + atol);
        }
        if (!(rtol >= 0) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("--rtol must be >= 0 and finite, got " + rtol);
        }
        if (maxSteps <= 0) {
            throw new IllegalArgumentException("dopri5 max steps must be > 0, got " + maxSteps);
        }
        this.atol = atol;
        this.rtol = rtol;
        this.maxSteps = maxSteps;
    }

    public DormandPrince withMaxSteps(int steps) {
        return new DormandPrince(atol, rtol, steps);
    }

    public double atol() {
        return atol;
    }

    public double rtol() {
        return rtol;
    }

    public int maxSteps() {
        return maxSteps;
    }

    @Override
    public Solution solve(VectorField field, INDArray x0, double t0, double t1, boolean withDivergence) {
        Integration run = new Integration(FieldCalls.of(field, x0, t0, t1, withDivergence, "dopri5"), x0);
        if (t0 == t1 || run.size == 0) {
            return run.solution(0, 0);
        }
        return run.adaptive(t0, t1);
    }

    /**
     * {@code steps} equal steps of the fifth-order solution, no error control: the tableau alone,
     * for tests of its order of accuracy.
     */
    Solution solveFixed(VectorField field, INDArray x0, double t0, double t1, int steps, boolean withDivergence) {
        Integration run = new Integration(FieldCalls.of(field, x0, t0, t1, withDivergence, "dopri5"), x0);
        if (t0 == t1 || run.size == 0) {
            return run.solution(0, 0);
        }
        run.k[0] = run.calls.evaluate(run.y, t0, run.dk[0]);
        for (int s = 0; s < steps; s++) {
            double t = t0 + (t1 - t0) * s / steps;
            double tEnd = s == steps - 1 ? t1 : t0 + (t1 - t0) * (s + 1) / steps;
            run.step(t, tEnd - t);
            run.accept();
        }
        return run.solution(steps, 0);
    }

    @Override
    public String describe() {
        return "dopri5 atol=" + FieldCalls.number(atol) + " rtol=" + FieldCalls.number(rtol);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The state of one solve: y (B, D) and the divergence integral l (B), stages, buffers. */
    private final class Integration {
        final FieldCalls calls;
        final int n;
        final int d;
        final int size;
        final boolean div;
        INDArray y;
        INDArray yNew;
        final INDArray stage;
        final double[] l;
        final double[] lNew;
        final FieldCalls.Velocity[] k = new FieldCalls.Velocity[7];
        final double[][] dk;
        int firstNonFinite = -1;

        Integration(FieldCalls calls, INDArray x0) {
            this.calls = calls;
            this.n = calls.rows();
            this.d = calls.columns();
            this.size = n * d;
            this.div = calls.withDivergence();
            this.y = calls.copyOf(x0);
            this.yNew = Batches.uninitialized(y.dataType(), n, d);
            this.stage = Batches.uninitialized(y.dataType(), n, d);
            this.l = div ? new double[n] : null;
            this.lNew = div ? new double[n] : null;
            this.dk = new double[7][div ? n : 0];
        }

        Solution adaptive(double t0, double t1) {
            double direction = Math.signum(t1 - t0);
            double span = Math.abs(t1 - t0);
            k[0] = calls.evaluate(y, t0, dk[0]);
            double h = Math.min(initialStep(t0, direction), span);
            if (!(h > 0)) {
                throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                        "%s: the field or the start is not finite at t = %g%s", describe(), t0, nonFiniteRow()));
            }
            double t = t0;
            int accepted = 0;
            int rejected = 0;
            while (true) {
                double remaining = Math.abs(t1 - t);
                // a step within 1e-10 of the end takes the end, so no sliver below the resolution of t is left
                boolean last = h * (1 + 1e-10) >= remaining;
                double hStep = last ? remaining : h;
                if (accepted + rejected >= maxSteps) {
                    throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                            "%s: more than %d steps from t = %g to %g (stopped at t = %g, step %.3g): the field is "
                                    + "too stiff or not finite for these tolerances; loosen atol/rtol or use rk4",
                            describe(), maxSteps, t0, t1, t, h));
                }
                if (hStep <= 4 * Math.ulp(Math.max(Math.abs(t), Math.abs(t1)))) {
                    throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                            "%s: the step size fell to %.3g at t = %g (from %g to %g): the field is not finite or "
                                    + "too stiff there%s", describe(), hStep, t, t0, t1, nonFiniteRow()));
                }
                double error = step(t, direction * hStep);
                if (error <= 1) {
                    accept();
                    accepted++;
                    if (last) {
                        return solution(accepted, rejected);
                    }
                    t += direction * hStep;
                } else {
                    rejected++;
                }
                h = Double.isFinite(error) ? nextStep(hStep, error) : hStep * MIN_FACTOR;
            }
        }

        /** Hairer's starting step, per row, the smallest over the batch (they share the step). */
        private double initialStep(double t0, double direction) {
            DoubleBuffer yb = Batches.doubles(y);
            Values f0 = k[0].values();
            int components = d + (div ? 1 : 0);
            double h0 = Double.POSITIVE_INFINITY;
            double[] d1 = new double[n];
            for (int r = 0; r < n; r++) {
                double s0 = 0, s1 = 0;
                for (int c = 0; c < d; c++) {
                    int i = r * d + c;
                    double sc = atol + rtol * Math.abs(yb.get(i));
                    s0 += sq(yb.get(i) / sc);
                    s1 += sq(f0.get(i) / sc);
                }
                if (div) {
                    s1 += sq(dk[0][r] / atol); // the integral starts at 0: its scale is atol
                }
                double n0 = Math.sqrt(s0 / components);
                d1[r] = Math.sqrt(s1 / components);
                h0 = Math.min(h0, n0 < 1e-5 || d1[r] < 1e-5 ? 1e-6 : 0.01 * n0 / d1[r]);
            }
            DoubleBuffer sb = Batches.doubles(stage);
            for (int i = 0; i < size; i++) {
                sb.put(i, yb.get(i) + direction * h0 * f0.get(i));
            }
            double[] dkProbe = new double[div ? n : 0];
            FieldCalls.Velocity f1v = calls.evaluate(stage, t0 + direction * h0, dkProbe);
            Values f1 = f1v.values();
            double h1 = Double.POSITIVE_INFINITY;
            for (int r = 0; r < n; r++) {
                double s2 = 0;
                for (int c = 0; c < d; c++) {
                    int i = r * d + c;
                    double sc = atol + rtol * Math.abs(yb.get(i));
                    s2 += sq((f1.get(i) - f0.get(i)) / sc);
                }
                if (div) {
                    s2 += sq((dkProbe[r] - dk[0][r]) / atol);
                }
                double d2 = Math.sqrt(s2 / components) / h0;
                double m = Math.max(d1[r], d2);
                double row = m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / m, 1.0 / ORDER);
                h1 = Math.min(h1, row);
            }
            return Math.min(100 * h0, h1);
        }

        /**
         * One step of signed size h from t, k[0] = v(t, y) given: writes the fifth-order solution
         * into yNew/lNew and k[6] = v(t + h, yNew), and returns the worst row's error norm.
         */
        double step(double t, double h) {
            DoubleBuffer yb = Batches.doubles(y);
            DoubleBuffer sb = Batches.doubles(stage);
            Values[] kb = new Values[7];
            kb[0] = k[0].values();
            for (int s = 1; s < 6; s++) {
                double[] a = A[s];
                for (int i = 0; i < size; i++) {
                    double acc = 0;
                    for (int j = 0; j < s; j++) {
                        acc += a[j] * kb[j].get(i);
                    }
                    sb.put(i, yb.get(i) + h * acc);
                }
                k[s] = calls.evaluate(stage, t + C[s] * h, dk[s]);
                kb[s] = k[s].values();
            }
            DoubleBuffer nb = Batches.doubles(yNew);
            for (int i = 0; i < size; i++) {
                double acc = 0;
                for (int j = 0; j < 6; j++) {
                    acc += B[j] * kb[j].get(i);
                }
                nb.put(i, yb.get(i) + h * acc);
            }
            if (div) {
                for (int r = 0; r < n; r++) {
                    double acc = 0;
                    for (int j = 0; j < 6; j++) {
                        acc += B[j] * dk[j][r];
                    }
                    lNew[r] = l[r] + h * acc;
                }
            }
            k[6] = calls.evaluate(yNew, t + h, dk[6]);
            kb[6] = k[6].values();
            // error of each row: RMS over its components of (h sum E_j k_j) / (atol + rtol max(|y0|, |y1|))
            int components = d + (div ? 1 : 0);
            double worst = 0;
            for (int r = 0; r < n; r++) {
                double s2 = 0;
                for (int c = 0; c < d; c++) {
                    int i = r * d + c;
                    double e = 0;
                    for (int j = 0; j < 7; j++) {
                        e += E[j] * kb[j].get(i);
                    }
                    double sc = atol + rtol * Math.max(Math.abs(yb.get(i)), Math.abs(nb.get(i)));
                    s2 += sq(h * e / sc);
                }
                if (div) {
                    double e = 0;
                    for (int j = 0; j < 7; j++) {
                        e += E[j] * dk[j][r];
                    }
                    double sc = atol + rtol * Math.max(Math.abs(l[r]), Math.abs(lNew[r]));
                    s2 += sq(h * e / sc);
                }
                double err = Math.sqrt(s2 / components);
                // NaN stays NaN (a rejection), never lost to max()
                if (Double.isNaN(err) && firstNonFinite < 0) {
                    firstNonFinite = r;
                }
                worst = Double.isNaN(err) || Double.isNaN(worst) ? Double.NaN : Math.max(worst, err);
            }
            return worst;
        }

        /** Names the first row whose error or first velocity was not finite, if any. */
        private String nonFiniteRow() {
            if (firstNonFinite < 0) {
                Values f0 = k[0].values();
                for (int i = 0; i < size && firstNonFinite < 0; i++) {
                    if (!Double.isFinite(f0.get(i))) {
                        firstNonFinite = i / d;
                    }
                }
            }
            return firstNonFinite < 0 ? "" : " (first non-finite row: " + firstNonFinite + ")";
        }

        /** The step's end becomes the state; its last stage is the next step's first (FSAL). */
        void accept() {
            INDArray swap = y;
            y = yNew;
            yNew = swap;
            if (div) {
                System.arraycopy(lNew, 0, l, 0, n);
                System.arraycopy(dk[6], 0, dk[0], 0, n);
            }
            k[0] = k[6];
        }

        private double nextStep(double h, double error) {
            if (error == 0) {
                return h * MAX_FACTOR;
            }
            double low = error < 1 ? 1 : MIN_FACTOR;
            double factor = Math.min(MAX_FACTOR, Math.max(SAFETY / Math.pow(error, 1.0 / ORDER), low));
            return h * factor;
        }

        Solution solution(int accepted, int rejected) {
            return new Solution(y, div ? Batches.vector(l) : null, calls.evaluations(), accepted, rejected);
        }
    }

    private static double sq(double v) {
        return v * v;
    }
}
