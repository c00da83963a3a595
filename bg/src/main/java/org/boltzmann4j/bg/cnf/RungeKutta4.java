package org.boltzmann4j.bg.cnf;

import java.nio.DoubleBuffer;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Classic fixed-step fourth-order Runge-Kutta, {@code steps} equal steps from t0 to t1 (4 field
 * calls a step). The divergence integral is one more state component, d(integral)/dt = div v; since
 * div v does not depend on that component, its update is Simpson's rule on each step. Rows never
 * mix: a row's result is the same alone or in a batch. A fixed step count makes the cost of exact
 * likelihoods predictable (the same work for every batch), at the price of an error that only the
 * step count controls.
 */
public final class RungeKutta4 implements OdeSolver {

    private final int steps;

    public RungeKutta4(int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("--steps must be > 0, got " + steps);
        }
        this.steps = steps;
    }

    public int steps() {
        return steps;
    }

    @Override
    public Solution solve(VectorField field, INDArray x0, double t0, double t1, boolean withDivergence) {
        FieldCalls calls = FieldCalls.of(field, x0, t0, t1, withDivergence, "rk4");
        int n = calls.rows();
        int size = n * calls.columns();
        INDArray y = calls.copyOf(x0);
        INDArray next = Batches.uninitialized(y.dataType(), n, calls.columns());
        INDArray stage = Batches.uninitialized(y.dataType(), n, calls.columns());
        double[] integral = withDivergence ? new double[n] : null;
        double[] div = withDivergence ? new double[n] : null;
        double[] divSum = withDivergence ? new double[n] : null;
        if (t0 == t1 || size == 0) {
            return solution(y, integral, calls, 0);
        }
        DoubleBuffer yb = Batches.doubles(y);
        DoubleBuffer nb = Batches.doubles(next);
        DoubleBuffer sb = Batches.doubles(stage);
        double h = (t1 - t0) / steps;
        for (int step = 0; step < steps; step++) {
            // times from t0 and the step index, not by accumulating h, so the last one is t1 - h exactly up to rounding
            double t = t0 + (t1 - t0) * step / steps;
            double tEnd = step == steps - 1 ? t1 : t0 + (t1 - t0) * (step + 1) / steps;
            double tMid = 0.5 * (t + tEnd);
            // k1: next = y + h/6 k1, stage = y + h/2 k1
            FieldCalls.Velocity k = calls.evaluate(y, t, div);
            Values kb = k.values();
            for (int i = 0; i < size; i++) {
                double yi = yb.get(i), ki = kb.get(i);
                nb.put(i, yi + (h / 6) * ki);
                sb.put(i, yi + (h / 2) * ki);
            }
            accumulate(divSum, div, 1, true);
            // k2
            k = calls.evaluate(stage, tMid, div);
            kb = k.values();
            for (int i = 0; i < size; i++) {
                double ki = kb.get(i);
                nb.put(i, nb.get(i) + (h / 3) * ki);
                sb.put(i, yb.get(i) + (h / 2) * ki);
            }
            accumulate(divSum, div, 2, false);
            // k3
            k = calls.evaluate(stage, tMid, div);
            kb = k.values();
            for (int i = 0; i < size; i++) {
                double ki = kb.get(i);
                nb.put(i, nb.get(i) + (h / 3) * ki);
                sb.put(i, yb.get(i) + h * ki);
            }
            accumulate(divSum, div, 2, false);
            // k4: next is the new state
            k = calls.evaluate(stage, tEnd, div);
            kb = k.values();
            for (int i = 0; i < size; i++) {
                nb.put(i, nb.get(i) + (h / 6) * kb.get(i));
            }
            if (withDivergence) {
                accumulate(divSum, div, 1, false);
                for (int r = 0; r < n; r++) {
                    integral[r] += (h / 6) * divSum[r];
                }
            }
            INDArray swap = y;
            y = next;
            next = swap;
            DoubleBuffer swapB = yb;
            yb = nb;
            nb = swapB;
        }
        return solution(y, integral, calls, steps);
    }

    private static void accumulate(double[] sum, double[] div, double weight, boolean first) {
        if (sum == null) {
            return;
        }
        for (int r = 0; r < sum.length; r++) {
            sum[r] = (first ? 0 : sum[r]) + weight * div[r];
        }
    }

    private static Solution solution(INDArray y, double[] integral, FieldCalls calls, int accepted) {
        return new Solution(y, integral == null ? null : Batches.vector(integral), calls.evaluations(), accepted, 0);
    }

    @Override
    public String describe() {
        return "rk4 steps=" + steps;
    }

    @Override
    public String toString() {
        return describe();
    }
}
