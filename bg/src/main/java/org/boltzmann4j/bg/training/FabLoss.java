package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.bg.sampling.AnnealedImportanceSampling;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Flow annealed importance sampling bootstrap (FAB; Midgley et al., ICLR 2023): training by energy
 * with the mass-covering alpha = 2 divergence D_2(p || q) ~ int p^2 / q, whose gradient is
 * -E_{p^2/q}[grad log q]. The expectation over p^2/q is estimated by {@link
 * AnnealedImportanceSampling} from the flow towards p^2/q (q held fixed in the target):
 * <pre>
 *   L(theta) = -sum_i wbar_i log q_theta(x_i),   wbar_i = w_i / sum_j w_j (AIS weights, no gradient).
 * </pre>
 * Why: reverse KL only sees where the flow already puts mass; p^2/q is largest exactly where q
 * is too small for p, so AIS moves samples there and the loss raises q there.
 *
 * <p>With a replay buffer ({@link Settings#bufferBatches()} &gt; 0; the paper's Algorithm 2) each
 * AIS batch goes into a {@link PrioritisedReplayBuffer} of that many batches, filled to {@link
 * Settings#minBufferBatches()} batches before the first step, and a new AIS batch is added every
 * {@link Settings#gradientStepsPerAis()} steps. Every step draws n indices from the buffer with
 * probability proportional to the stored AIS weights w_i. Those weights target p^2/q_old, q_old
 * the flow when sample i was stored or last drawn, while the target is now p^2/q_theta, which
 * differs by the factor q_old/q_theta; so the step minimises
 * <pre>
 *   L(theta) = -(1/n) sum_i f_i log q_theta(x_i),   f_i = min(q_old(x_i) / q_theta(x_i), {@value #W_ADJUST_CLIP}),
 * </pre>
 * with f_i held fixed in the gradient (log q_theta is that of the current parameters, before the
 * optimiser's update), then corrects the drawn samples' log weights by log q_old - log q_theta
 * (unclipped) and sets their q_old to q_theta ({@link PrioritisedReplayBuffer#adjust}). This is
 * the authors' fabjax {@code fab_loss_buffer_samples} with alpha = 2 (log w_adjust =
 * (1 - alpha)(log q_theta - log q_old)) and its default clip of w_adjust at 10, which bounds one
 * stale sample's pull when the flow has since lost mass where it lies. Without a buffer each step
 * runs AIS and uses the weighted loss above.
 *
 * <p>Randomness: AIS batch b draws from (seed, {@link #AIS_STREAM}, b) and the buffer draw of step
 * s from (seed, {@link #BUFFER_STREAM}, s); the buffer, the AIS step sizes and the number of AIS
 * batches are state, saved in checkpoints ({@link #state()}), so a resumed run continues bit for
 * bit.
 */
public final class FabLoss implements Loss {

    /** Stream purposes (see {@link RandomStreams}). */
    public static final long AIS_STREAM = RandomStreams.AIS, BUFFER_STREAM = RandomStreams.REPLAY;

    /** The upper clip of the buffer loss's importance factor q_old/q_theta (fabjax's {@code w_adjust_clip} default). */
    public static final double W_ADJUST_CLIP = 10.0;

    /**
     * @param ais the AIS sampler's settings (intermediate distributions, leapfrog steps, step size)
     * @param bufferBatches capacity of the replay buffer in batches (0: no buffer)
     * @param minBufferBatches batches in the buffer before the first gradient step
     * @param gradientStepsPerAis gradient steps per new AIS batch (1 without a buffer)
     */
    public record Settings(AnnealedImportanceSampling.Settings ais, int bufferBatches, int minBufferBatches, int gradientStepsPerAis) {
        public static final int DEFAULT_BUFFER_BATCHES = 64;
        public static final int DEFAULT_MIN_BUFFER_BATCHES = 8;
        public static final int DEFAULT_GRADIENT_STEPS_PER_AIS = 4;

        public Settings {
            Objects.requireNonNull(ais, "ais");
            if (bufferBatches < 0) throw new IllegalArgumentException("--buffer-batches must be >= 0, got " + bufferBatches);
            if (bufferBatches > 0 && (minBufferBatches < 1 || minBufferBatches > bufferBatches))
                throw new IllegalArgumentException("--buffer-min-batches must lie in [1, --buffer-batches = " + bufferBatches + "], got " + minBufferBatches);
            if (gradientStepsPerAis < 1) throw new IllegalArgumentException("--steps-per-ais must be >= 1, got " + gradientStepsPerAis);
            if (bufferBatches == 0 && gradientStepsPerAis != 1)
                throw new IllegalArgumentException("--steps-per-ais must be 1 without a replay buffer (--buffer-batches 0), got " + gradientStepsPerAis);
        }

        /** AIS defaults, a buffer of 64 batches used from 8 on, 4 gradient steps per AIS batch. */
        public static Settings defaults() {
            return new Settings(AnnealedImportanceSampling.Settings.defaults(), DEFAULT_BUFFER_BATCHES, DEFAULT_MIN_BUFFER_BATCHES,
                    DEFAULT_GRADIENT_STEPS_PER_AIS);
        }

        public Settings withAis(AnnealedImportanceSampling.Settings value) {
            return new Settings(value, bufferBatches, minBufferBatches, gradientStepsPerAis);
        }

        /** A buffer of {@code value} batches (0: none, and then one gradient step per AIS batch); the minimum is capped at it. */
        public Settings withBufferBatches(int value) {
            return value == 0 ? new Settings(ais, 0, minBufferBatches, 1)
                    : new Settings(ais, value, Math.min(minBufferBatches, value), gradientStepsPerAis);
        }

        public Settings withMinBufferBatches(int value) {
            return new Settings(ais, bufferBatches, value, gradientStepsPerAis);
        }

        public Settings withGradientStepsPerAis(int value) {
            return new Settings(ais, bufferBatches, minBufferBatches, value);
        }

        public ObjectNode toJson() {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("ais_intermediate_distributions", ais.intermediateDistributions()).put("hmc_leapfrog_steps", ais.leapfrogSteps())
                    .put("hmc_initial_step_size", ais.initialStepSize()).put("hmc_target_acceptance", ais.targetAcceptance())
                    .put("hmc_adapt_step_size", ais.adaptStepSize()).put("ais_spacing", ais.spacing().name().toLowerCase())
                    .put("buffer_batches", bufferBatches).put("buffer_min_batches", minBufferBatches)
                    .put("gradient_steps_per_ais", gradientStepsPerAis);
            return o;
        }

        public static Settings fromJson(JsonNode o) {
            return new Settings(new AnnealedImportanceSampling.Settings(o.path("ais_intermediate_distributions").asInt(-1),
                    o.path("hmc_leapfrog_steps").asInt(-1), o.path("hmc_initial_step_size").asDouble(Double.NaN),
                    o.path("hmc_target_acceptance").asDouble(Double.NaN), o.path("hmc_adapt_step_size").asBoolean(true),
                    AnnealedImportanceSampling.Spacing.valueOf(o.path("ais_spacing").asText("linear").toUpperCase())),
                    o.path("buffer_batches").asInt(-1), o.path("buffer_min_batches").asInt(-1), o.path("gradient_steps_per_ais").asInt(-1));
        }
    }

    /**
     * The state after the latest AIS batch, for progress reports.
     *
     * @param aisBatches AIS batches run so far
     * @param aisEss normalised ESS of the latest AIS batch's weights towards p^2/q
     * @param flowEss normalised ESS of the flow's own weights towards p on that batch's initial samples
     * @param acceptance mean HMC acceptance of that batch
     * @param meanStepSize mean adapted step size
     * @param bufferSize samples in the replay buffer (0 without one)
     * @param aisEnergyEvaluations energy evaluations spent by AIS so far in this process
     */
    public record Status(long aisBatches, double aisEss, double flowEss, double acceptance, double meanStepSize, int bufferSize,
            long aisEnergyEvaluations) {}

    private final BoltzmannGenerator generator;
    private final boolean[] periodic;
    private final Settings settings;
    private final int batchSize;
    private final long seed;
    private final AnnealedImportanceSampling ais;
    private final PrioritisedReplayBuffer buffer;
    private long aisBatches;
    private long evaluations;
    private Status status = new Status(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);

    /**
     * @param periodic which latent coordinates of the flow are circular (null for none)
     * @param batchSize samples per AIS batch and per buffer draw
     * @param seed seeds the AIS batches and the buffer draws
     */
    public FabLoss(BoltzmannGenerator generator, boolean[] periodic, Settings settings, int batchSize, long seed) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (batchSize < 2) throw new IllegalArgumentException("--batch must be >= 2, got " + batchSize);
        this.periodic = periodic == null ? new boolean[generator.flow().dimension()] : periodic.clone();
        this.batchSize = batchSize;
        this.seed = seed;
        this.ais = new AnnealedImportanceSampling(generator.base(), generator.flow(), generator.energy(), generator.kT(), this.periodic,
                AnnealedImportanceSampling.Target.FAB, settings.ais());
        this.buffer = settings.bufferBatches() == 0 ? null
                : new PrioritisedReplayBuffer(generator.dimension(), Math.multiplyExact(settings.bufferBatches(), batchSize));
    }

    public Settings settings() {
        return settings;
    }

    public Status status() {
        return status;
    }

    public int batchSize() {
        return batchSize;
    }

    public long seed() {
        return seed;
    }

    /** The replay buffer, or null without one. */
    public PrioritisedReplayBuffer buffer() {
        return buffer;
    }

    /** One AIS batch towards p^2/q, the next in the sequence of this run. */
    private AnnealedImportanceSampling.Result nextAisBatch() {
        AnnealedImportanceSampling.Result r = ais.run(batchSize, RandomStreams.of(seed, AIS_STREAM, aisBatches));
        aisBatches++;
        evaluations += r.energyEvaluations();
        double meanStep = java.util.Arrays.stream(ais.stepSizes()).average().orElse(Double.NaN);
        status = new Status(aisBatches, r.ess(), r.flowEss(), r.meanAcceptance(), meanStep, buffer == null ? 0 : buffer.size(), evaluations);
        return r;
    }

    private void add(AnnealedImportanceSampling.Result r) {
        buffer.add(Batches.toDoubles(r.x()), r.logW(), r.logQ());
        status = new Status(status.aisBatches(), status.aisEss(), status.flowEss(), status.acceptance(), status.meanStepSize(),
                buffer.size(), status.aisEnergyEvaluations());
    }

    @Override
    public Report backward(Batch batch, double weight) {
        long s = batch.step();
        if (buffer == null) {
            AnnealedImportanceSampling.Result r = nextAisBatch();
            INDArray wbar = Nd4j.create(KishEss.normalizedWeights(r.logW()), new long[] {r.size()}, DataType.DOUBLE);
            INDArray logQ = MaximumLikelihood.weightedNllBackward(generator.base(), generator.flow(), r.x(), wbar, weight);
            return report(-wbar.mul(logQ).sumNumber().doubleValue(), r.reducedEnergies());
        }
        boolean filled = false;
        while (buffer.size() < settings.minBufferBatches() * batchSize) {
            add(nextAisBatch());
            filled = true;
        }
        if (!filled && s % settings.gradientStepsPerAis() == 0) add(nextAisBatch());
        int[] drawn = buffer.sample(batchSize, RandomStreams.of(seed, BUFFER_STREAM, s));
        INDArray x = buffer.x(drawn);
        double[] c = new double[batchSize];
        double[] logQ = Batches.toDoubles(MaximumLikelihood.weightedNllBackward(generator.base(), generator.flow(), x, lq -> {
            double[] l = Batches.toDoubles(lq);
            for (int k = 0; k < batchSize; k++) c[k] = importanceFactor(buffer.logQ(drawn[k]), l[k]) / batchSize;
            return Batches.vector(c);
        }, weight));
        buffer.adjust(drawn, logQ);
        double loss = 0;
        for (int k = 0; k < batchSize; k++) loss -= c[k] * logQ[k];
        return report(loss, null);
    }

    /** The buffer loss's factor min(q_old / q_theta, {@value #W_ADJUST_CLIP}) from the two log densities. */
    static double importanceFactor(double logQOld, double logQ) {
        double f = Math.exp(logQOld - logQ);
        return Double.isNaN(f) ? 0 : Math.min(f, W_ADJUST_CLIP);
    }

    /**
     * The loss without touching any state: the exact expectation of the buffer step's loss over its
     * draw, -sum_i p_i f_i log q(x_i) over all stored samples (p_i = w_i / sum_j w_j, f_i the clipped
     * q_old/q factor of {@link #backward}), or, without a buffer (or before it has any), the weighted
     * loss on an AIS batch drawn from (seed, AIS stream, -1 - step) with a copy of the current step sizes.
     */
    @Override
    public Report evaluate(Batch batch) {
        if (buffer != null && buffer.size() > 0) {
            double[] p = buffer.probabilities();
            int[] all = new int[p.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            double[] logQ = Batches.toDoubles(BoltzmannGenerator.logQ(generator.base(), generator.flow(), buffer.x(all)));
            double loss = 0;
            for (int i = 0; i < p.length; i++) if (p[i] > 0) loss -= p[i] * importanceFactor(buffer.logQ(i), logQ[i]) * logQ[i];
            return report(loss, null);
        }
        AnnealedImportanceSampling copy = new AnnealedImportanceSampling(generator.base(), generator.flow(), generator.energy(), generator.kT(),
                periodic, AnnealedImportanceSampling.Target.FAB, settings.ais().withAdaptStepSize(false));
        copy.setStepSizes(ais.stepSizes());
        AnnealedImportanceSampling.Result r = copy.run(batchSize, RandomStreams.of(seed, AIS_STREAM, -1 - batch.step()));
        double[] wbar = KishEss.normalizedWeights(r.logW());
        double loss = 0;
        for (int i = 0; i < wbar.length; i++) if (wbar[i] > 0) loss -= wbar[i] * r.logQ()[i];
        return report(loss, r.reducedEnergies());
    }

    private Report report(double loss, double[] u) {
        double meanU = Double.NaN;
        if (u != null) {
            meanU = 0;
            for (double v : u) meanU += v / u.length;
        }
        return new Report(loss, Double.NaN, Double.NaN, loss, meanU, status.flowEss());
    }

    /** What a checkpoint must hold to continue: settings and counters (JSON) and arrays (buffer, step sizes). */
    public ObjectNode stateJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("kind", "fab");
        o.set("settings", settings.toJson());
        o.put("batch_size", batchSize).put("seed", seed).put("ais_batches", aisBatches);
        var p = o.putArray("periodic");
        for (int i = 0; i < periodic.length; i++) if (periodic[i]) p.add(i);
        return o;
    }

    public Map<String, INDArray> state() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("ais_step_sizes", Batches.vector(ais.stepSizes()));
        if (buffer != null) m.putAll(buffer.state());
        return m;
    }

    /** A loss continuing the state saved by {@link #stateJson()} and {@link #state()}, for {@code generator}. */
    public static FabLoss restore(JsonNode json, Map<String, INDArray> state, BoltzmannGenerator generator) {
        if (!"fab".equals(json.path("kind").asText())) throw new IllegalArgumentException("not a FAB loss state: " + json.path("kind"));
        boolean[] periodic = new boolean[generator.flow().dimension()];
        for (JsonNode i : json.path("periodic")) {
            int k = i.asInt(-1);
            if (k < 0 || k >= periodic.length) throw new IllegalArgumentException("periodic coordinate " + k + " of " + periodic.length);
            periodic[k] = true;
        }
        FabLoss loss = new FabLoss(generator, periodic, Settings.fromJson(json.path("settings")), json.path("batch_size").asInt(-1),
                json.path("seed").asLong());
        INDArray steps = state.get("ais_step_sizes");
        if (steps == null) throw new IllegalArgumentException("FAB state lacks ais_step_sizes");
        loss.ais.setStepSizes(Batches.toDoubles(steps));
        if (loss.buffer != null) loss.buffer.restore(state);
        loss.aisBatches = json.path("ais_batches").asLong(-1);
        if (loss.aisBatches < 0) throw new IllegalArgumentException("bad ais_batches " + json.path("ais_batches"));
        loss.status = new Status(loss.aisBatches, Double.NaN, Double.NaN, Double.NaN,
                java.util.Arrays.stream(loss.ais.stepSizes()).average().orElse(Double.NaN), loss.buffer == null ? 0 : loss.buffer.size(), 0);
        return loss;
    }

    /** The names of the arrays {@link #state()} gives, for reading a checkpoint. */
    public static java.util.List<String> stateArrays(JsonNode json) {
        return json.path("settings").path("buffer_batches").asInt(0) > 0
                ? java.util.List.of("ais_step_sizes", "buffer_x", "buffer_log_w", "buffer_log_q", "buffer_next")
                : java.util.List.of("ais_step_sizes");
    }
}
