package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.flow.Parameter;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamTest {

    private static Parameter parameter(String name, double... values) {
        return new Parameter(name, Nd4j.create(values, new long[] {values.length}, DataType.DOUBLE));
    }

    private static double[] host(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    /** The update rule written out with plain doubles, step by step. */
    @Test
    void followsTheBiasCorrectedUpdateRule() {
        Parameter p = parameter("p", 1.0, -2.0, 0.5);
        Map<String, Parameter> named = new LinkedHashMap<>();
        named.put("p", p);
        Adam.Settings s = new Adam.Settings(0.8, 0.99, 1e-6, 0.01);
        Adam adam = new Adam(named, s);
        double[] theta = {1.0, -2.0, 0.5};
        double[] m = new double[3];
        double[] v = new double[3];
        double[][] grads = {{0.3, -1.0, 4.0}, {-0.2, 0.5, 3.0}, {0.0, 2.0, -1.0}};
        double[] lrs = {0.1, 0.05, 0.02};
        for (int t = 1; t <= 3; t++) {
            double[] g = grads[t - 1];
            p.grad().assign(Nd4j.create(g, new long[] {3}, DataType.DOUBLE));
            adam.step(lrs[t - 1]);
            double lr = lrs[t - 1];
            double lrT = lr * Math.sqrt(1 - Math.pow(0.99, t)) / (1 - Math.pow(0.8, t));
            for (int i = 0; i < 3; i++) {
                m[i] = 0.8 * m[i] + 0.2 * g[i];
                v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
                theta[i] = theta[i] * (1 - lr * 0.01) - lrT * m[i] / (Math.sqrt(v[i]) + 1e-6);
            }
            // the same arithmetic in another order (native op vs Java): a few ulps
            assertArrayEquals(theta, host(p.value()), 1e-14);
            assertArrayEquals(m, host(adam.firstMoments().get("p")), 1e-15);
            assertArrayEquals(v, host(adam.secondMoments().get("p")), 1e-15);
        }
        assertEquals(3, adam.stepCount());
    }

    /**
     * An ill-conditioned quadratic (curvatures 1 to 100): Adam with a cosine-decayed learning rate
     * ends at the minimum. Near the end the step is at most lr ~ 1e-5 per coordinate, so 1e-3 is
     * a tolerance that a converged run meets with margin and a stalled one (or a sign error) does
     * not.
     */
    @Test
    void reachesTheMinimumOfAQuadratic() {
        double[] a = {1, 10, 100};
        double[] c = {3, -1, 0.5};
        Parameter x = parameter("x", 0, 0, 0);
        Adam adam = new Adam(Map.of("x", x), Adam.Settings.defaults());
        Schedule lr = Schedule.cosine(0.1, 10, 1500, 1e-5);
        for (int step = 0; step < 1500; step++) {
            double[] th = host(x.value());
            double[] g = new double[3];
            for (int i = 0; i < 3; i++) {
                g[i] = a[i] * (th[i] - c[i]);
            }
            x.grad().assign(Nd4j.create(g, new long[] {3}, DataType.DOUBLE));
            adam.step(lr.at(step));
        }
        assertArrayEquals(c, host(x.value()), 1e-3);
    }

    @Test
    void restoredStateContinuesIdentically() {
        Parameter p1 = parameter("w", 1, 2);
        Parameter p2 = parameter("w", 1, 2);
        Adam a1 = new Adam(Map.of("w", p1), Adam.Settings.defaults());
        Adam a2 = new Adam(Map.of("w", p2), Adam.Settings.defaults());
        for (int i = 0; i < 4; i++) {
            p1.grad().assign(Nd4j.create(new double[] {i, -2.0 * i + 1}, new long[] {2}, DataType.DOUBLE));
            a1.step(0.01);
        }
        p2.value().assign(p1.value());
        a2.restore(a1.stepCount(), a1.firstMoments(), a1.secondMoments());
        for (Parameter p : List.of(p1, p2)) {
            p.grad().assign(Nd4j.create(new double[] {0.7, -0.3}, new long[] {2}, DataType.DOUBLE));
        }
        a1.step(0.01);
        a2.step(0.01);
        assertArrayEquals(host(p1.value()), host(p2.value()), 0);
        assertThrows(IllegalArgumentException.class, () -> a2.restore(1, Map.of(), Map.of()));
    }

    @Test
    void clippingCapsTheGlobalNormAndKeepsTheDirection() {
        Parameter a = parameter("a", 0, 0);
        Parameter b = parameter("b", 0);
        a.grad().assign(Nd4j.create(new double[] {3, 0}, new long[] {2}, DataType.DOUBLE));
        b.grad().assign(Nd4j.create(new double[] {4}, new long[] {1}, DataType.DOUBLE));
        // |(3, 0, 4)| = 5: below a maximum of 10 nothing changes
        assertEquals(5, GradientClipping.clip(List.of(a, b), 10), 1e-15);
        assertArrayEquals(new double[] {3, 0}, host(a.grad()), 0);
        // above a maximum of 1 every gradient is scaled by 1/5
        assertEquals(5, GradientClipping.clip(List.of(a, b), 1), 1e-15);
        assertArrayEquals(new double[] {0.6, 0}, host(a.grad()), 1e-15);
        assertArrayEquals(new double[] {0.8}, host(b.grad()), 1e-15);
        assertEquals(1, GradientClipping.globalNorm(List.of(a, b)), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clip(List.of(a), 0));
    }
}
