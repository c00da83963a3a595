package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
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

    /**
     * Against scripts/make-reference-adam.py: Adam written from the paper's formulas in numpy (and
     * checked there against torch.optim.AdamW), on the same initial values, gradients and learning
     * rates, for two parameter arrays with the defaults and for one with other betas, eps and a
     * weight decay. Parameters and both moments after every step agree to a few ulps (1e-13 of
     * values of order 1; the same arithmetic in another order).
     */
    @Test
    void matchesTheIndependentReference() throws Exception {
        JsonNode reference;
        try (InputStream in = AdamTest.class.getResourceAsStream("/reference/adam/adam-reference.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        int compared = 0;
        for (JsonNode c : reference.path("cases")) {
            Adam.Settings settings = new Adam.Settings(c.path("beta1").asDouble(), c.path("beta2").asDouble(), c.path("epsilon").asDouble(),
                    c.path("weight_decay").asDouble());
            Map<String, Parameter> named = new LinkedHashMap<>();
            c.path("parameters").fields().forEachRemaining(e -> {
                long[] shape = new long[e.getValue().path("shape").size()];
                for (int k = 0; k < shape.length; k++) shape[k] = e.getValue().path("shape").get(k).asLong();
                named.put(e.getKey(), new Parameter(e.getKey(), Nd4j.create(doubles(e.getValue().path("initial")), shape, DataType.DOUBLE)));
            });
            Adam adam = new Adam(named, settings);
            JsonNode lrs = c.path("learning_rates");
            for (int t = 0; t < lrs.size(); t++) {
                for (var e : named.entrySet()) {
                    Parameter p = e.getValue();
                    p.grad().assign(Nd4j.create(doubles(c.path("parameters").path(e.getKey()).path("gradients").get(t)), p.value().shape(), DataType.DOUBLE));
                }
                adam.step(lrs.get(t).asDouble());
                for (var e : named.entrySet()) {
                    JsonNode r = c.path("parameters").path(e.getKey());
                    String where = c.path("name").asText() + " " + e.getKey() + " step " + (t + 1);
                    assertArrayEquals(doubles(r.path("theta").get(t)), host(e.getValue().value()), 1e-13, where);
                    assertArrayEquals(doubles(r.path("m").get(t)), host(adam.firstMoments().get(e.getKey())), 1e-13, where);
                    assertArrayEquals(doubles(r.path("v").get(t)), host(adam.secondMoments().get(e.getKey())), 1e-13, where);
                    compared++;
                }
            }
            assertEquals(lrs.size(), adam.stepCount());
        }
        assertEquals(18, compared, "2 cases: 2 parameters x 6 steps and 1 x 6");
    }

    private static double[] doubles(JsonNode array) {
        double[] d = new double[array.size()];
        for (int i = 0; i < d.length; i++) d[i] = array.get(i).asDouble();
        return d;
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
