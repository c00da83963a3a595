package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a {@link Trainer} run is determined by, besides the model and the data. A
 * checkpoint stores it, so a resumed run continues with the same settings. Start from {@link
 * #defaults()} and change what differs with the withers.
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
 * @param checkpoint the checkpoint to write to ({@link TrainingCheckpoint}: slot files
 *     {@code checkpoint.a} and {@code .b}), or null for none
 * @param checkpointInterval write a checkpoint every this many steps (0: only at the end of
 *     {@link Trainer#run()})
 * @param adam optimizer settings
 * @param kTScale kT of the energy terms by step, relative to the generator's (1: its own
 *     temperature; 4 at the start of a run annealed from four times the target temperature)
 * @param patience early stopping: stop when the held-out NLL has not improved for this many
 *     evaluations, and end with the parameters of the best one (0: never stop early)
 */
public record TrainingConfig(int steps, int batchSize, Schedule learningRate, double clipNorm,
        Schedule exampleWeight, Schedule energyWeight, Schedule reweightedWeight, long seed, double heldOutFraction, int evaluationInterval,
        int essSamples, Path checkpoint, int checkpointInterval, Adam.Settings adam, Schedule kTScale, int patience) {

    public TrainingConfig {
        Objects.requireNonNull(learningRate, "learningRate");
        Objects.requireNonNull(exampleWeight, "exampleWeight");
        Objects.requireNonNull(energyWeight, "energyWeight");
        Objects.requireNonNull(reweightedWeight, "reweightedWeight");
        Objects.requireNonNull(adam, "adam");
        Objects.requireNonNull(kTScale, "kTScale");
        if (patience < 0) throw new IllegalArgumentException("--patience must be >= 0, got " + patience);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        if (evaluationInterval <= 0) throw new IllegalArgumentException("evaluation interval must be > 0, got " + evaluationInterval);
        if (essSamples < 0) throw new IllegalArgumentException("ESS samples must be >= 0, got " + essSamples);
        if (checkpointInterval < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointInterval);
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clip norm must be positive (+infinity for none): " + clipNorm);
        }
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must lie in [0, 1): " + heldOutFraction);
        }
    }

    /**
     * The defaults: 1000 steps, 256 per batch, learning rate 1e-3, no clipping, by example only
     * (example weight 1, energy weights 0), seed 0, 10 % held out, evaluation every 100 steps, no
     * ESS samples, no checkpoints, Adam's defaults, the generator's own temperature throughout, no
     * early stopping.
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(1000, 256, Schedule.constant(1e-3), Double.POSITIVE_INFINITY, Schedule.constant(1), Schedule.constant(0),
                Schedule.constant(0), 0, 0.1, 100, 0, null, 0, Adam.Settings.defaults(), Schedule.constant(1), 0);
    }

    public TrainingConfig withSteps(int value) {
        return new TrainingConfig(value, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(steps, value, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    public TrainingConfig withLearningRate(Schedule value) {
        return new TrainingConfig(steps, batchSize, value, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    /** A constant learning rate. */
    public TrainingConfig withLearningRate(double value) {
        return withLearningRate(Schedule.constant(value));
    }

    public TrainingConfig withClipNorm(double value) {
        return new TrainingConfig(steps, batchSize, learningRate, value, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    /** Training by example only (the default). */
    public TrainingConfig byExample() {
        return withWeights(Schedule.constant(1), Schedule.constant(0), Schedule.constant(0));
    }

    /** Training by energy only, with reverse KL. */
    public TrainingConfig byEnergy() {
        return withWeights(Schedule.constant(0), Schedule.constant(1), Schedule.constant(0));
    }

    /**
     * Weights by step of the maximum-likelihood (by example), reverse-KL and reweighted
     * forward-KL (both by energy) terms.
     */
    public TrainingConfig withWeights(Schedule example, Schedule energy, Schedule reweighted) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, example, energy, reweighted, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, value, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    public TrainingConfig withHeldOutFraction(double value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, value,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    public TrainingConfig withEvaluationInterval(int value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                value, essSamples, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    public TrainingConfig withEssSamples(int value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, value, checkpoint, checkpointInterval, adam, kTScale, patience);
    }

    /**
     * Checkpoints to {@code file} (the slots {@code file.a} and {@code file.b}) every {@code interval}
     * steps (0: only at the end of a run; a null file: none).
     */
    public TrainingConfig withCheckpoint(Path file, int interval) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, file, interval, adam, kTScale, patience);
    }

    public TrainingConfig withAdam(Adam.Settings value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, value, kTScale, patience);
    }

    /** kT of the energy terms by step relative to the generator's (temperature annealing). */
    public TrainingConfig withKTScale(Schedule value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, value, patience);
    }

    /** Early stopping after this many evaluations without a better held-out NLL (0: none). */
    public TrainingConfig withPatience(int value) {
        return new TrainingConfig(steps, batchSize, learningRate, clipNorm, exampleWeight, energyWeight, reweightedWeight, seed, heldOutFraction,
                evaluationInterval, essSamples, checkpoint, checkpointInterval, adam, kTScale, value);
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
        o.set("kt_scale", kTScale.toJson());
        o.put("patience", patience);
        return o;
    }

    /**
     * Reads what {@link #toJson()} wrote; a missing or malformed key is an IllegalArgumentException
     * (except kt_scale and patience, which checkpoints written before them lack: constant 1 and 0).
     */
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
                (int) integer(o, "checkpoint_interval"), Adam.Settings.fromJson(field(o, "adam")),
                o.has("kt_scale") ? Schedule.fromJson(o.get("kt_scale")) : Schedule.constant(1),
                o.has("patience") ? (int) integer(o, "patience") : 0);
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
}
