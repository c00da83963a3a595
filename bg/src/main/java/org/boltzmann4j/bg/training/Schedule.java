package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A number that depends on the training step: a learning rate, or the weight of one term of a
 * {@link MixedLoss}. Steps count from 0 (the first update). Every schedule is a small record that
 * a checkpoint stores as JSON ({@link #toJson()}, {@link #fromJson}), so a resumed run follows the
 * same schedule.
 */
public sealed interface Schedule {

    /** The value at {@code step} (0 = first update). */
    double at(long step);

    /** {"type": ..., parameters} as stored in checkpoints. */
    ObjectNode toJson();

    static Schedule constant(double value) {
        return new Constant(value);
    }

    /** From 0 at step 0 linearly up to {@code peak} at step {@code warmupSteps}, then constant. */
    static Schedule linearWarmup(double peak, long warmupSteps) {
        return new LinearWarmup(peak, warmupSteps);
    }

    /**
     * Linear warmup to {@code peak} over {@code warmupSteps}, then cosine decay (Loshchilov and
     * Hutter 2017, without restarts) to {@code floor} at {@code totalSteps}, constant after.
     */
    static Schedule cosine(double peak, long warmupSteps, long totalSteps, double floor) {
        return new Cosine(peak, warmupSteps, totalSteps, floor);
    }

    /** initial * factor^floor(step / every). */
    static Schedule stepDecay(double initial, double factor, long every) {
        return new StepDecay(initial, factor, every);
    }

    /** {@code from} until step {@code start}, linearly to {@code to} at step {@code end}, {@code to} after. */
    static Schedule ramp(long start, long end, double from, double to) {
        return new Ramp(start, end, from, to);
    }

    /**
     * values[i] from step starts[i] until starts[i + 1] (the last one to the end): the rungs of a
     * temperature ladder, or a loss term switched on and off. starts[0] must be 0 and starts ascend.
     */
    static Schedule piecewise(long[] starts, double[] values) {
        return new Piecewise(starts, values);
    }

    /** Reads what {@link #toJson()} wrote. */
    static Schedule fromJson(JsonNode json) {
        String type = json.path("type").asText("");
        return switch (type) {
            case "constant" -> new Constant(number(json, "value"));
            case "linear_warmup" -> new LinearWarmup(number(json, "peak"), integer(json, "warmup_steps"));
            case "cosine" -> new Cosine(number(json, "peak"), integer(json, "warmup_steps"),
                    integer(json, "total_steps"), number(json, "floor"));
            case "step_decay" -> new StepDecay(number(json, "initial"), number(json, "factor"),
                    integer(json, "every"));
            case "ramp" -> new Ramp(integer(json, "start"), integer(json, "end"), number(json, "from"),
                    number(json, "to"));
            case "piecewise" -> {
                JsonNode starts = json.path("starts"), values = json.path("values");
                if (!starts.isArray() || !values.isArray() || starts.size() != values.size())
                    throw new IllegalArgumentException("schedule " + json + " needs arrays 'starts' and 'values' of one length");
                long[] s = new long[starts.size()];
                double[] v = new double[values.size()];
                for (int i = 0; i < s.length; i++) {
                    if (!starts.get(i).isIntegralNumber() || !values.get(i).isNumber())
                        throw new IllegalArgumentException("schedule " + json + ": entry " + i + " is not a step and a number");
                    s[i] = starts.get(i).longValue();
                    v[i] = values.get(i).doubleValue();
                }
                yield new Piecewise(s, v);
            }
            default -> throw new IllegalArgumentException("unknown schedule type '" + type + "' in " + json);
        };
    }

    private static double number(JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("schedule " + json + " lacks the number '" + key + "'");
        }
        return v.doubleValue();
    }

    private static long integer(JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("schedule " + json + " lacks the integer '" + key + "'");
        }
        return v.longValue();
    }

    private static ObjectNode node(String type) {
        return JsonNodeFactory.instance.objectNode().put("type", type);
    }

    private static void requireFinite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " must be finite: " + v);
        }
    }

    record Constant(double value) implements Schedule {
        public Constant {
            requireFinite(value, "value");
        }

        @Override
        public double at(long step) {
            return value;
        }

        @Override
        public ObjectNode toJson() {
            return node("constant").put("value", value);
        }
    }

    record LinearWarmup(double peak, long warmupSteps) implements Schedule {
        public LinearWarmup {
            requireFinite(peak, "peak");
            if (warmupSteps < 0) {
                throw new IllegalArgumentException("warmup steps must be >= 0: " + warmupSteps);
            }
        }

        @Override
        public double at(long step) {
            // step + 1 so that the first update already has a non-zero rate
            return step >= warmupSteps ? peak : peak * (step + 1) / (warmupSteps + 1);
        }

        @Override
        public ObjectNode toJson() {
            return node("linear_warmup").put("peak", peak).put("warmup_steps", warmupSteps);
        }
    }

    record Cosine(double peak, long warmupSteps, long totalSteps, double floor) implements Schedule {
        public Cosine {
            requireFinite(peak, "peak");
            requireFinite(floor, "floor");
            if (warmupSteps < 0 || totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("need 0 <= warmup steps < total steps, got " + warmupSteps + ", "
                        + totalSteps);
            }
        }

        @Override
        public double at(long step) {
            if (step < warmupSteps) {
                return peak * (step + 1) / (warmupSteps + 1);
            }
            if (step >= totalSteps) {
                return floor;
            }
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
        }

        @Override
        public ObjectNode toJson() {
            return node("cosine").put("peak", peak).put("warmup_steps", warmupSteps)
                    .put("total_steps", totalSteps).put("floor", floor);
        }
    }

    record StepDecay(double initial, double factor, long every) implements Schedule {
        public StepDecay {
            requireFinite(initial, "initial");
            requireFinite(factor, "factor");
            if (every <= 0) {
                throw new IllegalArgumentException("decay interval must be positive: " + every);
            }
        }

        @Override
        public double at(long step) {
            return initial * Math.pow(factor, Math.floorDiv(step, every));
        }

        @Override
        public ObjectNode toJson() {
            return node("step_decay").put("initial", initial).put("factor", factor).put("every", every);
        }
    }

    record Ramp(long start, long end, double from, double to) implements Schedule {
        public Ramp {
            requireFinite(from, "from");
            requireFinite(to, "to");
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("need 0 <= start <= end, got " + start + ", " + end);
            }
        }

        @Override
        public double at(long step) {
            if (step <= start) {
                return from;
            }
            if (step >= end) {
                return to;
            }
            return from + (to - from) * (step - start) / (end - start);
        }

        @Override
        public ObjectNode toJson() {
            return node("ramp").put("start", start).put("end", end).put("from", from).put("to", to);
        }
    }

    record Piecewise(long[] starts, double[] values) implements Schedule {
        public Piecewise {
            if (starts.length == 0 || starts.length != values.length || starts[0] != 0) {
                throw new IllegalArgumentException("a piecewise schedule needs as many starts as values, the first at step 0");
            }
            for (int i = 0; i < values.length; i++) {
                requireFinite(values[i], "value " + i);
                if (i > 0 && starts[i] <= starts[i - 1]) {
                    throw new IllegalArgumentException("piecewise starts must ascend: " + java.util.Arrays.toString(starts));
                }
            }
            starts = starts.clone();
            values = values.clone();
        }

        @Override
        public double at(long step) {
            int i = java.util.Arrays.binarySearch(starts, step);
            return values[i >= 0 ? i : Math.max(0, -i - 2)];
        }

        @Override
        public ObjectNode toJson() {
            ObjectNode o = node("piecewise");
            var s = o.putArray("starts");
            var v = o.putArray("values");
            for (int i = 0; i < starts.length; i++) {
                s.add(starts[i]);
                v.add(values[i]);
            }
            return o;
        }

        @Override
        public long[] starts() {
            return starts.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Piecewise p && java.util.Arrays.equals(starts, p.starts) && java.util.Arrays.equals(values, p.values);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(starts) + java.util.Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Piecewise[starts=" + java.util.Arrays.toString(starts) + ", values=" + java.util.Arrays.toString(values) + "]";
        }
    }
}
