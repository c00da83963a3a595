package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Brute-force derivatives of transforms for checking logDet and backward passes. */
final class FiniteDifferences {

    static final double STEP = 1e-6;

    private FiniteDifferences() {}

    static Transform.Result apply(Transform t, INDArray in, boolean forward) {
        return forward ? t.forward(in) : t.inverse(in);
    }

    /** Difference of two outputs, wrapped to (-pi, pi] on circular dimensions. */
    static double diff(double a, double b, boolean circular) {
        double d = a - b;
        if (circular) {
            d -= 2 * Math.PI * Math.rint(d / (2 * Math.PI));
        }
        return d;
    }

    /** Central-difference Jacobian d(out)/d(in) of row {@code row}, computed in one batch of 2d rows. */
    static double[][] jacobian(Transform t, INDArray in, int row, boolean forward, boolean[] circularOut) {
        int d = t.dimension();
        double[] x = in.getRow(row).toDoubleVector();
        double[] batch = new double[2 * d * d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) {
                batch[(2 * j) * d + i] = x[i];
                batch[(2 * j + 1) * d + i] = x[i];
            }
            batch[(2 * j) * d + j] += STEP;
            batch[(2 * j + 1) * d + j] -= STEP;
        }
        INDArray out = apply(t, Nd4j.create(batch, new long[] {2L * d, d}, DataType.DOUBLE), forward).output();
        double[] o = Batches.toDoubles(out);
        double[][] jac = new double[d][d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) {
                jac[i][j] = diff(o[(2 * j) * d + i], o[(2 * j + 1) * d + i], circularOut[i]) / (2 * STEP);
            }
        }
        return jac;
    }

    static double logAbsDet(double[][] m) {
        double det = new LUDecomposition(new Array2DRowRealMatrix(m)).getDeterminant();
        return Math.log(Math.abs(det));
    }

    /** L = sum(c * out) + sum(dl * logDet), with outputs measured relative to a reference (wrap-safe). */
    static double loss(Transform.Result r, double[] c, double[] dl, double[] reference, boolean[] circularOut) {
        double[] o = Batches.toDoubles(r.output());
        double[] ld = Batches.toDoubles(r.logDet());
        int d = circularOut.length;
        double s = 0;
        for (int k = 0; k < o.length; k++) {
            s += c[k] * (reference[k] + diff(o[k], reference[k], circularOut[k % d]));
        }
        for (int k = 0; k < ld.length; k++) {
            s += dl[k] * ld[k];
        }
        return s;
    }

    /**
     * Checks dL/d(input) and dL/d(parameter entries) of the hand-written backward pass against
     * central differences, for L = sum(c * out) + sum(dl * logDet) with random c, dl.
     */
    static void checkBackward(Transform t, INDArray in, boolean forward, boolean[] circularOut, long seed,
            int entriesPerParameter, double tolerance) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = (int) in.size(0);
        int d = t.dimension();
        double[] c = new double[n * d];
        double[] dl = new double[n];
        for (int k = 0; k < c.length; k++) {
            c[k] = rng.nextGaussian();
        }
        for (int k = 0; k < n; k++) {
            dl[k] = rng.nextGaussian();
        }
        Transform.Pass pass = forward ? t.forwardPass(in) : t.inversePass(in);
        double[] reference = Batches.toDoubles(pass.output());
        t.zeroGrad();
        INDArray gin = pass.backward(Batches.matrix(c, n, d, DataType.DOUBLE), Batches.vector(dl));
        double[] g = Batches.toDoubles(gin);

        double[] x = Batches.toDoubles(in);
        for (int k = 0; k < x.length; k++) {
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[k] += STEP;
            xm[k] -= STEP;
            double lp = loss(apply(t, Batches.matrix(xp, n, d, DataType.DOUBLE), forward), c, dl, reference,
                    circularOut);
            double lm = loss(apply(t, Batches.matrix(xm, n, d, DataType.DOUBLE), forward), c, dl, reference,
                    circularOut);
            double fd = (lp - lm) / (2 * STEP);
            assertClose(fd, g[k], tolerance, "dL/d input[" + k + "] " + (forward ? "forward" : "inverse"));
        }

        for (Parameter p : t.parameters()) {
            INDArray v = p.value();
            long size = v.length();
            List<Long> entries = new ArrayList<>();
            for (int e = 0; e < Math.min(size, entriesPerParameter); e++) {
                entries.add(size <= entriesPerParameter ? e : rng.nextLong(size));
            }
            double[] grad = Batches.toDoubles(p.grad());
            for (long e : entries) {
                double old = v.getDouble(e);
                v.putScalar(e, old + STEP);
                double lp = loss(apply(t, in, forward), c, dl, reference, circularOut);
                v.putScalar(e, old - STEP);
                double lm = loss(apply(t, in, forward), c, dl, reference, circularOut);
                v.putScalar(e, old);
                double fd = (lp - lm) / (2 * STEP);
                assertClose(fd, grad[(int) e], tolerance,
                        "dL/d " + p.name() + "[" + e + "] " + (forward ? "forward" : "inverse"));
            }
        }
        t.zeroGrad();
    }

    static void assertClose(double expected, double actual, double tolerance, String what) {
        double err = Math.abs(expected - actual);
        assertTrue(err <= tolerance * Math.max(1, Math.abs(expected)),
                what + ": finite difference " + expected + ", analytic " + actual + ", error " + err);
    }

    /** Adds N(0, scale^2) noise to every parameter entry, so that no transform is the identity. */
    static void perturb(Transform t, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : t.parameters()) {
            double[] v = Batches.toDoubles(p.value());
            for (int k = 0; k < v.length; k++) {
                v[k] += scale * rng.nextGaussian();
            }
            p.value().assign(Nd4j.create(v, p.value().shape(), DataType.DOUBLE).castTo(p.value().dataType()));
        }
    }

    static void assertArrayClose(INDArray expected, INDArray actual, double tol, String what) {
        assertEquals(expected.length(), actual.length(), what + ": length");
        double[] e = Batches.toDoubles(expected);
        double[] a = Batches.toDoubles(actual);
        double worst = 0;
        for (int k = 0; k < e.length; k++) {
            worst = Math.max(worst, Math.abs(e[k] - a[k]));
        }
        assertTrue(worst <= tol, what + ": max deviation " + worst + " > " + tol);
    }
}
