package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class MlpTest {

    private static double loss(Mlp mlp, INDArray in, double[] c) {
        double[] o = Batches.toDoubles(mlp.forward(in, (int) in.size(0)).output());
        double s = 0;
        for (int k = 0; k < o.length; k++) {
            s += c[k] * o[k];
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Mlp.Activation.class)
    void backwardMatchesFiniteDifferences(Mlp.Activation activation) {
        Mlp mlp = new Mlp(3, new int[] {5, 4}, 2, activation, false, 7, DataType.DOUBLE);
        SplittableRandom rng = new SplittableRandom(8);
        double[] x = new double[4 * 3];
        double[] c = new double[4 * 2];
        for (int k = 0; k < x.length; k++) {
            x[k] = rng.nextGaussian();
        }
        for (int k = 0; k < c.length; k++) {
            c[k] = rng.nextGaussian();
        }
        INDArray in = Batches.matrix(x, 4, 3, DataType.DOUBLE);
        double[] gin = Batches.toDoubles(
                mlp.forward(in, 4).backward(Batches.matrix(c, 4, 2, DataType.DOUBLE)));
        double h = 1e-6;
        for (int k = 0; k < x.length; k++) {
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[k] += h;
            xm[k] -= h;
            double fd = (loss(mlp, Batches.matrix(xp, 4, 3, DataType.DOUBLE), c)
                    - loss(mlp, Batches.matrix(xm, 4, 3, DataType.DOUBLE), c)) / (2 * h);
            FiniteDifferences.assertClose(fd, gin[k], 1e-7, "input " + k);
        }
        for (Parameter p : mlp.parameters()) {
            double[] g = Batches.toDoubles(p.grad());
            for (long e = 0; e < p.size(); e++) {
                double old = p.value().getDouble(e);
                p.value().putScalar(e, old + h);
                double lp = loss(mlp, in, c);
                p.value().putScalar(e, old - h);
                double lm = loss(mlp, in, c);
                p.value().putScalar(e, old);
                FiniteDifferences.assertClose((lp - lm) / (2 * h), g[(int) e], 1e-7, p.name() + "[" + e + "]");
            }
        }
    }

    @Test
    void initialisationFollowsHeAndXavierFromTheSeed() {
        Mlp silu = new Mlp(400, new int[] {300}, 2, Mlp.Activation.SILU, true, 1, DataType.DOUBLE);
        Mlp tanh = new Mlp(400, new int[] {300}, 2, Mlp.Activation.TANH, true, 1, DataType.DOUBLE);
        assertStd(silu.parameters().get(0).value(), Math.sqrt(2.0 / 400));
        assertStd(tanh.parameters().get(0).value(), Math.sqrt(2.0 / 700));
        INDArray last = silu.parameters().get(2).value();
        assertEquals(0.0, last.norm2Number().doubleValue(), 0.0, "zero last layer");
        Mlp again = new Mlp(400, new int[] {300}, 2, Mlp.Activation.SILU, true, 1, DataType.DOUBLE);
        assertArrayEquals(Batches.toDoubles(silu.parameters().get(0).value()),
                Batches.toDoubles(again.parameters().get(0).value()), "same seed, same weights");
    }

    private static void assertStd(INDArray w, double std) {
        double[] a = Batches.toDoubles(w);
        double s2 = 0;
        for (double v : a) {
            s2 += v * v / a.length;
        }
        // the sample variance of n normals has standard error std^2 sqrt(2 / n)
        assertEquals(std * std, s2, 5 * std * std * Math.sqrt(2.0 / a.length));
    }

    @Test
    void zeroInputsGiveAFunctionOfTheBiases() {
        Mlp mlp = new Mlp(0, new int[] {3}, 2, Mlp.Activation.SILU, false, 1, DataType.DOUBLE);
        mlp.parameters().forEach(p -> p.value().addi(0.5));
        Mlp.Pass pass = mlp.forward(null, 3);
        assertArrayEquals(new long[] {3, 2}, pass.output().shape());
        assertEquals(null, pass.backward(Batches.matrix(new double[6], 3, 2, DataType.DOUBLE)));
    }
}
