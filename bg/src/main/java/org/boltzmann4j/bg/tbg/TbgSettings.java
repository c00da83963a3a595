package org.boltzmann4j.bg.tbg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * How a TBG is trained by conditional flow matching: the network's width and depth, steps and batch (peptide
 * frames per step, mixed over peptides), AdamW (learning rate, decoupled weight decay), the EMA decay of the
 * weights used for sampling, the learning-rate schedule, the path noise (nm, as the TBG paper's 0.01), the
 * prior's standard deviation (in scaled units), the data alignment, the seed and how often to checkpoint.
 *
 * @param coordinateScaleNm x = scale * y, y the flow's coordinates; 0 means "fitted to the data" (the RMS of the
 *     mean-free training coordinates), so the prior N(0, 1) matches the data's size
 * @param alignment "none", "rotation" (Kabsch of each data row onto its prior partner) or "permutation"
 *     (rotation and the permutation among equivalent atoms)
 * @param schedule "constant" or "cosine" (to 0 at the last step)
 */
public record TbgSettings(int width, int layers, long steps, int batch, double learningRate, double weightDecay, double emaDecay,
        String schedule, double pathSigmaNm, double priorSigma, double coordinateScaleNm, String alignment, long seed,
        long checkpointEverySteps, double checkpointEverySeconds) {

    public static final int DEFAULT_WIDTH = 64, DEFAULT_LAYERS = 5, DEFAULT_BATCH = 64;
    public static final long DEFAULT_STEPS = 10_000;
    public static final double DEFAULT_LEARNING_RATE = 5e-4, DEFAULT_WEIGHT_DECAY = 0, DEFAULT_EMA_DECAY = 0.999,
            DEFAULT_PATH_SIGMA_NM = 0.01, DEFAULT_PRIOR_SIGMA = 1;

    public TbgSettings {
        require(width > 0, "--width must be > 0, got " + width);
        require(layers > 0, "--layers must be > 0, got " + layers);
        require(steps > 0, "--steps must be > 0, got " + steps);
        require(batch > 0, "--batch must be > 0, got " + batch);
        require(learningRate > 0 && Double.isFinite(learningRate), "--learning-rate must be > 0, got " + learningRate);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay must be >= 0, got " + weightDecay);
        require(emaDecay >= 0 && emaDecay < 1, "--ema-decay must lie in [0, 1), got " + emaDecay);
        require(schedule.equals("constant") || schedule.equals("cosine"), "--schedule must be constant or cosine, got " + schedule);
        require(pathSigmaNm >= 0 && Double.isFinite(pathSigmaNm), "--path-sigma-nm must be >= 0, got " + pathSigmaNm);
        require(priorSigma > 0 && Double.isFinite(priorSigma), "--prior-sigma must be > 0, got " + priorSigma);
        require(coordinateScaleNm >= 0 && Double.isFinite(coordinateScaleNm), "--scale-nm must be >= 0 (0: fitted), got " + coordinateScaleNm);
        require(alignment.equals("none") || alignment.equals("rotation") || alignment.equals("permutation"),
                "--align must be none, rotation or permutation, got " + alignment);
        require(checkpointEverySteps >= 0, "--checkpoint-every must be >= 0, got " + checkpointEverySteps);
        require(checkpointEverySeconds >= 0 && Double.isFinite(checkpointEverySeconds),
                "--checkpoint-every-s must be >= 0, got " + checkpointEverySeconds);
    }

    /** Alanine dipeptide's TBG size (64 x 5), Adam 5e-4, EMA 0.999, path noise 0.01 nm, rotation alignment off. */
    public static TbgSettings defaults() {
        return new TbgSettings(DEFAULT_WIDTH, DEFAULT_LAYERS, DEFAULT_STEPS, DEFAULT_BATCH, DEFAULT_LEARNING_RATE, DEFAULT_WEIGHT_DECAY,
                DEFAULT_EMA_DECAY, "constant", DEFAULT_PATH_SIGMA_NM, DEFAULT_PRIOR_SIGMA, 0, "none", 1, 1000, 600);
    }

    public TbgSettings withWidth(int v) { return new TbgSettings(v, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withLayers(int v) { return new TbgSettings(width, v, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withSteps(long v) { return new TbgSettings(width, layers, v, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withBatch(int v) { return new TbgSettings(width, layers, steps, v, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withLearningRate(double v) { return new TbgSettings(width, layers, steps, batch, v, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withWeightDecay(double v) { return new TbgSettings(width, layers, steps, batch, learningRate, v, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withEmaDecay(double v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, v, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withSchedule(String v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, v, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withPathSigmaNm(double v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, v, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withPriorSigma(double v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, v, coordinateScaleNm, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withCoordinateScaleNm(double v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, v, alignment, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withAlignment(String v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, v, seed, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withSeed(long v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, v, checkpointEverySteps, checkpointEverySeconds); }
    public TbgSettings withCheckpointEverySteps(long v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, v, checkpointEverySeconds); }
    public TbgSettings withCheckpointEverySeconds(double v) { return new TbgSettings(width, layers, steps, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, coordinateScaleNm, alignment, seed, checkpointEverySteps, v); }

    /** The learning rate at a step (0 = first update). */
    public double learningRateAt(long step) {
        return schedule.equals("cosine") ? org.boltzmann4j.bg.training.Schedule.cosine(learningRate, 0, steps, 0).at(step) : learningRate;
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("width", width).put("layers", layers).put("steps", steps).put("batch", batch)
                .put("learning_rate", learningRate).put("weight_decay", weightDecay).put("ema_decay", emaDecay).put("schedule", schedule)
                .put("path_sigma_nm", pathSigmaNm).put("prior_sigma", priorSigma).put("coordinate_scale_nm", coordinateScaleNm)
                .put("alignment", alignment).put("seed", seed).put("checkpoint_every_steps", checkpointEverySteps)
                .put("checkpoint_every_s", checkpointEverySeconds);
    }

    public static TbgSettings fromJson(JsonNode j) {
        TbgSettings d = defaults();
        return new TbgSettings(j.path("width").asInt(d.width), j.path("layers").asInt(d.layers), j.path("steps").asLong(d.steps),
                j.path("batch").asInt(d.batch), j.path("learning_rate").asDouble(d.learningRate), j.path("weight_decay").asDouble(d.weightDecay),
                j.path("ema_decay").asDouble(d.emaDecay), j.path("schedule").asText(d.schedule), j.path("path_sigma_nm").asDouble(d.pathSigmaNm),
                j.path("prior_sigma").asDouble(d.priorSigma), j.path("coordinate_scale_nm").asDouble(d.coordinateScaleNm),
                j.path("alignment").asText(d.alignment), j.path("seed").asLong(d.seed), j.path("checkpoint_every_steps").asLong(d.checkpointEverySteps),
                j.path("checkpoint_every_s").asDouble(d.checkpointEverySeconds));
    }

    /** The settings a resumed run must repeat (everything that changes the trajectory of the weights), as one string. */
    String trajectoryKey() {
        return String.format(Locale.ROOT, "width=%d layers=%d batch=%d lr=%s wd=%s ema=%s schedule=%s path_sigma=%s prior_sigma=%s align=%s seed=%d",
                width, layers, batch, learningRate, weightDecay, emaDecay, schedule, pathSigmaNm, priorSigma, alignment, seed);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
