package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Adam optimizer (Kingma and Ba 2015) with optional decoupled weight decay (AdamW, Loshchilov
 * and Hutter 2019), updating every {@link Parameter#value()} in place from its gradient.
 *
 * <p>At step t = 1, 2, ...: m = beta1 m + (1 - beta1) g, v = beta2 v + (1 - beta2) g^2 and
 * theta -= lr_t m / (sqrt(v) + eps) with lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t). This is
 * the bias correction in the form of Kingma and Ba's section 2 ("efficient version"), whose eps
 * is the canonical eps times sqrt(1 - beta2^t), as in ND4J's AdamUpdater op. Weight decay, if any,
 * is applied first as theta *= 1 - lr wd. The moment arrays are allocated once, with the
 * parameters' shapes and types; a step allocates nothing and makes one pass over each parameter.
 */
public final class Adam {

    /** beta1, beta2, eps and the decoupled weight decay wd (0 for plain Adam). */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {

        public Settings {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must lie in [0, 1): " + beta1 + ", " + beta2);
            }
            if (!(epsilon > 0) || !(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("need epsilon > 0 and weight decay >= 0: " + epsilon + ", "
                        + weightDecay);
            }
        }

        /** beta1 = 0.9, beta2 = 0.999, eps = 1e-8, no weight decay (Kingma and Ba's defaults). */
        public static Settings defaults() {
            return new Settings(0.9, 0.999, 1e-8, 0);
        }

        public Settings withWeightDecay(double wd) {
            return new Settings(beta1, beta2, epsilon, wd);
        }

        ObjectNode toJson() {
            return JsonNodeFactory.instance.objectNode().put("beta1", beta1).put("beta2", beta2)
                    .put("epsilon", epsilon).put("weight_decay", weightDecay);
        }

        static Settings fromJson(JsonNode json) {
            return new Settings(json.path("beta1").asDouble(Double.NaN), json.path("beta2").asDouble(Double.NaN),
                    json.path("epsilon").asDouble(Double.NaN), json.path("weight_decay").asDouble(Double.NaN));
        }
    }

    private final Settings settings;
    private final Map<String, Parameter> parameters;
    private final Map<String, INDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, INDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    /** An optimizer of the given parameters, by name (the names key the checkpointed state). */
    public Adam(Map<String, Parameter> parameters, Settings settings) {
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        for (Map.Entry<String, Parameter> e : this.parameters.entrySet()) {
            // parameters are dense (Parameter refuses views), so one in-place update serves all
            INDArray value = e.getValue().value();
            firstMoments.put(e.getKey(), Nd4j.zeros(value.dataType(), value.shape()));
            secondMoments.put(e.getKey(), Nd4j.zeros(value.dataType(), value.shape()));
        }
    }

    /** An optimizer of every parameter of {@code flow}, named as {@link Transform#namedParameters()} names them. */
    public static Adam of(Transform flow, Settings settings) {
        return new Adam(flow.namedParameters(), settings);
    }

    public Settings settings() {
        return settings;
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** Number of updates made so far (t of the bias correction). */
    public long stepCount() {
        return steps;
    }

    /** One update of every parameter from its current gradient, at learning rate {@code learningRate}. */
    public void step(double learningRate) {
        if (!(learningRate >= 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0: " + learningRate);
        }
        if (steps >= Integer.MAX_VALUE) {
            throw new IllegalStateException("too many Adam steps for ND4J's int iteration counter");
        }
        long t = steps + 1;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double lrT = learningRate * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
        double decay = 1 - learningRate * settings.weightDecay();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            Parameter p = e.getValue();
            INDArray m = firstMoments.get(e.getKey());
            INDArray v = secondMoments.get(e.getKey());
            update(p.value(), p.grad(), m, v, lrT, decay);
        }
        steps++;
    }

    /**
     * The whole update of one parameter in a single pass over its memory (value, gradient and both
     * moments read once and written once), in Java loops over direct buffers: ND4J's AdamUpdater
     * plus a subtraction cost two native calls and an extra array per parameter, and memory
     * traffic, not arithmetic, bounds this step. Large parameters are split into fixed chunks over
     * the common pool; every element is computed alike whatever the thread, so the result does not
     * depend on the thread count.
     */
    private void update(INDArray value, INDArray grad, INDArray m, INDArray v, double lrT, double decay) {
        int length = (int) value.length();
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double eps = settings.epsilon();
        boolean decays = settings.weightDecay() > 0;
        int chunks = (length + CHUNK - 1) / CHUNK;
        java.util.function.IntConsumer body;
        if (value.dataType() == DataType.DOUBLE) {
            DoubleBuffer x = Batches.doubles(value), g = Batches.doubles(grad), mm = Batches.doubles(m), vv = Batches.doubles(v);
            body = c -> {
                for (int k = c * CHUNK, end = Math.min(length, k + CHUNK); k < end; k++) {
                    double gk = g.get(k);
                    double mk = b1 * mm.get(k) + (1 - b1) * gk;
                    double vk = b2 * vv.get(k) + (1 - b2) * gk * gk;
                    mm.put(k, mk);
                    vv.put(k, vk);
                    double xk = decays ? x.get(k) * decay : x.get(k);
                    x.put(k, xk - lrT * mk / (Math.sqrt(vk) + eps));
                }
            };
        } else {
            FloatBuffer x = Batches.floats(value), g = Batches.floats(grad), mm = Batches.floats(m), vv = Batches.floats(v);
            body = c -> {
                for (int k = c * CHUNK, end = Math.min(length, k + CHUNK); k < end; k++) {
                    double gk = g.get(k);
                    double mk = b1 * mm.get(k) + (1 - b1) * gk;
                    double vk = b2 * vv.get(k) + (1 - b2) * gk * gk;
                    mm.put(k, (float) mk);
                    vv.put(k, (float) vk);
                    double xk = decays ? x.get(k) * decay : x.get(k);
                    x.put(k, (float) (xk - lrT * mk / (Math.sqrt(vk) + eps)));
                }
            };
        }
        if (chunks == 1) {
            body.accept(0);
        } else {
            IntStream.range(0, chunks).parallel().forEach(body);
        }
    }

    private static final int CHUNK = 1 << 15;

    /** The first-moment estimates m by parameter name: live arrays, read them only. */
    public Map<String, INDArray> firstMoments() {
        return Collections.unmodifiableMap(firstMoments);
    }

    /** The second-moment estimates v by parameter name: live arrays, read them only. */
    public Map<String, INDArray> secondMoments() {
        return Collections.unmodifiableMap(secondMoments);
    }

    /**
     * Replaces the state by a saved one (moments copied in, by name), so that the next step is the
     * one the saved optimizer would have made.
     */
    public void restore(long stepCount, Map<String, INDArray> m, Map<String, INDArray> v) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("negative step count " + stepCount);
        }
        for (String name : parameters.keySet()) {
            copyInto(firstMoments.get(name), m.get(name), "first moment of " + name);
            copyInto(secondMoments.get(name), v.get(name), "second moment of " + name);
        }
        this.steps = stepCount;
    }

    private static void copyInto(INDArray target, INDArray source, String what) {
        if (source == null) {
            throw new IllegalArgumentException("no saved " + what);
        }
        if (!Arrays.equals(target.shape(), source.shape()) || target.dataType() != source.dataType()) {
            throw new IllegalArgumentException("saved " + what + " is " + source.dataType() + " "
                    + Arrays.toString(source.shape()) + ", expected " + target.dataType() + " "
                    + Arrays.toString(target.shape()));
        }
        target.assign(source);
    }
}
