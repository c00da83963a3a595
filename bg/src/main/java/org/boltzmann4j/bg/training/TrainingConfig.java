package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a {@link Trainer} run is determined by, besides the model and the data. A
 * checkpoint stores it, so a resumed run continues with the same settings.
 *
 * @param steps number of optimizer steps of {@link Trainer#run()}
 * @param batchSize rows of data per step (training by example) and latent samples per step
 *     (training by energy)
 * @param learningRate the learning rate by step
 * @param clipNorm maximum global gradient norm, or +infinity for no clipping
 * @param exampleWeight weight of the maximum-likelihood term by step (0: not computed)
 * @param energyWeight weight of the reverse-KL term by step (0: not computed)
 * @param reweightedWeight weight of the reweighted forward-KL term by step (0: not computed)
 * @param seed seeds the data split, the epoch orders and the latent batches
 * @param heldOutFraction fraction of the data held out for the held-out NLL, in [0, 1)
 * @param evaluationInterval report (held-out NLL, ESS) every this many steps, and at the end
 * @param essSamples samples for the ESS at each report (0: none)
 * @param checkpoint file to write checkpoints to, or null for none
 * @param checkpointInterval write a checkpoint every this many steps (0: only at the end of
 *     {@link Trainer#run()})
 * @param adam optimizer settings
 */
public record TrainingConfig(int steps, int batchSize, Schedule learningRate, double clipNorm,
        Schedule exampleWeight, Schedule energyWeight, Schedule reweightedWeight, long seed, double heldOutFraction, int evaluationInterval,
        int essSamples, Path checkpoint, int checkpointInterval, Adam.Settings adam) {

    public TrainingConfig {
        Objects.requireNonNull(learningRate, "learningRate");
        Objects.requireNonNull(exampleWeight, "exampleWeight");
        Objects.requireNonNull(energyWeight, "energyWeight");
        Objects.requireNonNull(reweightedWeight, "reweightedWeight");
        Objects.requireNonNull(adam, "adam");
        if (steps < 0 || batchSize <= 0 || evaluationInterval <= 0 || essSamples < 0 || checkpointInterval < 0) {
            throw new IllegalArgumentException("need steps >= 0, batch size > 0, evaluation interval > 0, "
                    + "ESS samples >= 0, checkpoint interval >= 0; got " + steps + ", " + batchSize + ", "
                    + evaluationInterval + ", " + essSamples + ", " + checkpointInterval);
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clip norm must be positive (+infinity for none): " + clipNorm);
        }
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must lie in [0, 1): " + heldOutFraction);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.steps = steps;
        b.batchSize = batchSize;
        b.learningRate = learningRate;
        b.clipNorm = clipNorm;
        b.exampleWeight = exampleWeight;
        b.energyWeight = energyWeight;
        b.reweightedWeight = reweightedWeight;
        b.seed = seed;
        b.heldOutFraction = heldOutFraction;
        b.evaluationInterval = evaluationInterval;
        b.essSamples = essSamples;
        b.checkpoint = checkpoint;
        b.checkpointInterval = checkpointInterval;
        b.adam = adam;
        return b;
    }

    /** The configuration as stored in a checkpoint's manifest. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("steps", steps).put("batch_size", batchSize);
        o.set("learning_rate", learningRate.toJson());
        if (Double.isFinite(clipNorm)) {
            o.put("clip_norm", clipNorm);
        } else {
            o.putNull("clip_norm");
        }
        o.set("example_weight", exampleWeight.toJson());
        o.set("energy_weight", energyWeight.toJson());
        o.set("reweighted_weight", reweightedWeight.toJson());
        o.put("seed", seed).put("held_out_fraction", heldOutFraction).put("evaluation_interval", evaluationInterval)
                .put("ess_samples", essSamples);
        if (checkpoint == null) {
            o.putNull("checkpoint");
        } else {
            o.put("checkpoint", checkpoint.toString());
        }
        o.put("checkpoint_interval", checkpointInterval);
        o.set("adam", adam.toJson());
        return o;
    }

    /** Reads what {@link #toJson()} wrote; a missing or malformed key is an IllegalArgumentException. */
    public static TrainingConfig fromJson(JsonNode o) {
        JsonNode clip = field(o, "clip_norm");
        JsonNode checkpoint = field(o, "checkpoint");
        return new TrainingConfig(
                (int) integer(o, "steps"), (int) integer(o, "batch_size"),
                Schedule.fromJson(field(o, "learning_rate")),
                clip.isNull() ? Double.POSITIVE_INFINITY : clip.doubleValue(),
                Schedule.fromJson(field(o, "example_weight")), Schedule.fromJson(field(o, "energy_weight")),
                Schedule.fromJson(field(o, "reweighted_weight")),
                integer(o, "seed"), field(o, "held_out_fraction").doubleValue(),
                (int) integer(o, "evaluation_interval"), (int) integer(o, "ess_samples"),
                checkpoint.isNull() ? null : Path.of(checkpoint.asText()),
                (int) integer(o, "checkpoint_interval"), Adam.Settings.fromJson(field(o, "adam")));
    }

    private static JsonNode field(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("training configuration lacks '" + key + "'");
        }
        return v;
    }

    private static long integer(JsonNode o, String key) {
        JsonNode v = field(o, key);
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("training configuration: '" + key + "' is not an integer: " + v);
        }
        return v.longValue();
    }

    /**
     * Defaults: 256 per batch, learning rate 1e-3, no clipping, example weight 1, energy weights 0,
     * seed 0, 10 % held out, evaluation every 100 steps, no ESS samples, no checkpoints, Adam's
     * defaults. Only the number of steps has no default.
     */
    public static final class Builder {
        private int steps = -1;
        private int batchSize = 256;
        private Schedule learningRate = Schedule.constant(1e-3);
        private double clipNorm = Double.POSITIVE_INFINITY;
        private Schedule exampleWeight = Schedule.constant(1);
        private Schedule energyWeight = Schedule.constant(0);
        private Schedule reweightedWeight = Schedule.constant(0);
        private long seed;
        private double heldOutFraction = 0.1;
        private int evaluationInterval = 100;
        private int essSamples;
        private Path checkpoint;
        private int checkpointInterval;
        private Adam.Settings adam = Adam.Settings.defaults();

        private Builder() {}

        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder learningRate(Schedule learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        public Builder learningRate(double learningRate) {
            return learningRate(Schedule.constant(learningRate));
        }

        public Builder clipNorm(double clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        /** Training by example only (the default). */
        public Builder byExample() {
            return weights(Schedule.constant(1), Schedule.constant(0), Schedule.constant(0));
        }

        /** Training by energy only, with reverse KL. */
        public Builder byEnergy() {
            return weights(Schedule.constant(0), Schedule.constant(1), Schedule.constant(0));
        }

        /**
         * Weights by step of the maximum-likelihood (by example), reverse-KL and reweighted
         * forward-KL (both by energy) terms.
         */
        public Builder weights(Schedule example, Schedule energy, Schedule reweighted) {
            this.exampleWeight = example;
            this.energyWeight = energy;
            this.reweightedWeight = reweighted;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder heldOutFraction(double fraction) {
            this.heldOutFraction = fraction;
            return this;
        }

        public Builder evaluationInterval(int interval) {
            this.evaluationInterval = interval;
            return this;
        }

        public Builder essSamples(int samples) {
            this.essSamples = samples;
            return this;
        }

        public Builder checkpoint(Path file, int interval) {
            this.checkpoint = file;
            this.checkpointInterval = interval;
            return this;
        }

        public Builder adam(Adam.Settings settings) {
            this.adam = settings;
            return this;
        }

        public TrainingConfig build() {
            if (steps < 0) {
                throw new IllegalStateException("set the number of steps");
            }
            return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight,
                    reweightedWeight, seed,
                    heldOutFraction, evaluationInterval, essSamples, checkpoint, checkpointInterval, adam);
        }
    }
}
