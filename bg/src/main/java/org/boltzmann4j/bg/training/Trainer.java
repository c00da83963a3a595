package org.boltzmann4j.bg.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.boltzmann4j.bg.energy.RegularizedEnergy;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.ParameterArchive;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.random.RandomStreams;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains the flow of a {@link BoltzmannGenerator} by example (maximum likelihood on data), by
 * energy (reverse KL towards exp(-U/kT)) or both, with Adam, as a {@link TrainingConfig} says.
 *
 * <p>One step s (0, 1, ...): zero the gradients; take data batch s of the {@link Minibatches}
 * (if the example weight at s is not 0) and a latent batch from the base density drawn with the
 * generator derived from (seed, s) (if an energy weight is not 0), shared by both energy terms; add the {@link MixedLoss}
 * gradient; clip it to the global norm; one Adam step at the learning rate of step s. Every
 * {@code evaluationInterval} steps, and at the end, the listeners get a {@link Progress}: mean
 * loss since the last report, held-out NLL (mean -log q of the held-out rows), the normalised
 * ESS of {@code essSamples} generated samples (always the same latent points, so the numbers are
 * comparable between reports) and steps per second.
 *
 * <p>Temperature: the energy terms train towards exp(-U / (s kT)) with s = {@code kTScale} at the
 * step (the loss sees U / s); the reported ESS is always at the generator's own kT, the target.
 * Early stopping ({@code patience} > 0, with held-out data): after each evaluation the parameters of
 * the lowest held-out NLL so far are kept; when {@code patience} evaluations in a row bring no
 * lower one, training stops and the flow gets those parameters back ({@link #bestStep()}).
 *
 * <p>Reproducibility: all randomness is derived from (seed, purpose, step), so the same seed and
 * thread count give the same parameters, and a run resumed from a {@link TrainingCheckpoint}
 * (parameters, Adam state, step, configuration, data split) continues bit for bit as if it had
 * never stopped. The energy used for training is the generator's: wrap it in a
 * {@link org.boltzmann4j.bg.energy.RegularizedEnergy} for molecules. The reported ESS is always
 * that of the raw energy (the regularised one's inner energy): the regularised energy is flat
 * above its cutoff, so a flow whose samples all lie above it would score a high ESS against it.
 */
public final class Trainer {

    /**
     * Runs before each checkpoint record is written, with the state it will hold (a model folder
     * writes its parameter file here, so that the checkpoint never runs ahead of the weights a
     * user samples with).
     */
    @FunctionalInterface
    public interface CheckpointHook {
        void beforeCheckpoint(Trainer trainer) throws IOException;
    }

    /** Receives a report at every evaluation. */
    @FunctionalInterface
    public interface Listener {
        void report(Progress progress);
    }

    /**
     * One report.
     *
     * @param step steps done
     * @param learningRate learning rate of the last step
     * @param meanLoss mean total loss over the steps since the previous report
     * @param last the loss report of the last step
     * @param gradientNorm global gradient norm of the last step, before clipping
     * @param heldOutNll mean -log q(x) over the held-out data in nats (NaN without held-out data)
     * @param ess normalised Kish ESS of the evaluation samples (NaN when essSamples is 0)
     * @param stepsPerSecond since the previous report
     */
    public record Progress(long step, double learningRate, double meanLoss, Loss.Report last, double gradientNorm,
            double heldOutNll, double ess, double stepsPerSecond) {}

    private static final int EVALUATION_CHUNK = 4096;

    private final BoltzmannGenerator generator;
    private final TrainingConfig config;
    private final Minibatches minibatches;
    private final INDArray heldOut;
    private final String dataFingerprint;
    private final MaximumLikelihood example;
    private final Loss loss;
    private final TemperedEnergy tempered;
    private final Adam adam;
    private final List<Parameter> parameters;
    private final List<Listener> listeners = new ArrayList<>();
    private final List<CheckpointHook> checkpointHooks = new ArrayList<>();
    /**
     * The checkpoints this run has written (or resumed from): the first record at any other path
     * replaces an earlier run's records there.
     */
    private final java.util.Set<Path> ownCheckpoints = new java.util.HashSet<>();
    private long step;
    private double lossSum;
    private long lossCount;
    private long lastReportStep;
    private long lastReportNanos;
    private long bestStep = -1;
    private double bestNll = Double.POSITIVE_INFINITY;
    private Map<String, INDArray> bestParameters;
    private boolean stopped;

    /**
     * @param data float64 (n, dim) samples for training by example, or null to train by energy only
     */
    public Trainer(BoltzmannGenerator generator, INDArray data, TrainingConfig config) {
        this(generator, data, config, null);
    }

    /**
     * A trainer minimising {@code loss} instead of the config's mixture of terms (whose weights
     * must then all be 0: the loss draws what it needs itself), e.g. a {@link FabLoss} of the same
     * generator; null for the mixture. A FabLoss's state goes into the checkpoints.
     */
    public Trainer(BoltzmannGenerator generator, INDArray data, TrainingConfig config, Loss loss) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.config = Objects.requireNonNull(config, "config");
        if (data != null) {
            if (data.rank() != 2 || data.size(1) != generator.dimension()) {
                throw new IllegalArgumentException("data must be (n, " + generator.dimension() + "), got "
                        + Arrays.toString(data.shape()));
            }
            this.minibatches = new Minibatches(data, config.heldOutFraction(), config.batchSize(), config.seed());
            this.heldOut = minibatches.heldOut();
            this.dataFingerprint = TrainingCheckpoint.fingerprint(minibatches.data());
            this.example = new MaximumLikelihood(generator.base(), generator.flow());
        } else {
            if (config.exampleWeight() instanceof Schedule.Constant c && c.value() == 0) {
                this.minibatches = null;
                this.heldOut = null;
                this.dataFingerprint = null;
                this.example = null;
            } else {
                throw new IllegalArgumentException("training by example (example weight " + config.exampleWeight()
                        + ") needs data");
            }
        }
        // the energy terms see the target through a TemperedEnergy when the temperature changes
        this.tempered = config.kTScale() instanceof Schedule.Constant c && c.value() == 1 ? null : new TemperedEnergy(generator.energy());
        BoltzmannGenerator target = tempered == null ? generator : generator.with(tempered, generator.kT());
        if (config.patience() > 0 && heldOut == null)
            throw new IllegalArgumentException("early stopping (patience " + config.patience() + ") needs held-out data");
        if (loss != null && !(config.exampleWeight() instanceof Schedule.Constant ce && ce.value() == 0
                && config.energyWeight() instanceof Schedule.Constant cu && cu.value() == 0
                && config.reweightedWeight() instanceof Schedule.Constant cr && cr.value() == 0))
            throw new IllegalArgumentException("a trainer with its own loss needs the config's loss weights all 0");
        if (loss != null && tempered != null)
            throw new IllegalArgumentException("a trainer with its own loss (FAB) does not anneal the temperature");
        this.loss = loss != null ? loss : new MixedLoss(example, ReverseKl.of(target), ReweightedForwardKl.of(target),
                config.exampleWeight(), config.energyWeight(), config.reweightedWeight());
        this.adam = Adam.of(generator.flow(), config.adam());
        this.parameters = List.copyOf(adam.parameters().values());
    }

    /**
     * A trainer that continues the run saved in {@code checkpoint}: its parameters are loaded into
     * {@code generator}'s flow (which must have parameters of the same names, shapes and types,
     * such as a freshly built copy of the trained model), with the saved optimizer state, step and
     * configuration; {@code data} must be the same data set (checked by its CRC-32). Later
     * checkpoints go to {@code checkpoint}.
     */
    public static Trainer resume(Path checkpoint, BoltzmannGenerator generator, INDArray data) throws IOException {
        TrainingCheckpoint saved = TrainingCheckpoint.read(checkpoint);
        TrainingConfig config = saved.config()
                .withCheckpoint(checkpoint, saved.config().checkpointInterval());
        if ((data == null) != (saved.dataFingerprint() == null)) {
            throw new MolecularFileException(checkpoint, data == null
                    ? "the run trained on data (" + saved.dataRows() + " rows); pass the same data to resume"
                    : "the run trained without data; resume it without data");
        }
        if (data != null) {
            String fp = TrainingCheckpoint.fingerprint(data);
            if (data.size(0) != saved.dataRows() || !fp.equals(saved.dataFingerprint())) {
                throw new MolecularFileException(checkpoint, "the run trained on other data (" + saved.dataRows()
                        + " rows, CRC-32 " + saved.dataFingerprint() + "); got " + data.size(0) + " rows, CRC-32 " + fp);
            }
        }
        Trainer t;
        try {
            Loss own = saved.lossState() == null ? null : FabLoss.restore(saved.lossState(), saved.lossArrays(), generator);
            t = new Trainer(generator, data, config, own);
        } catch (IllegalArgumentException e) {
            throw new MolecularFileException(checkpoint, "cannot resume: " + e.getMessage(), e);
        }
        if (t.minibatches != null && (!Arrays.equals(t.minibatches.trainingRows(), saved.trainingRows())
                || !Arrays.equals(t.minibatches.heldOutRows(), saved.heldOutRows()))) {
            throw new MolecularFileException(checkpoint, "the saved data split differs from the one its seed gives");
        }
        Map<String, Parameter> named = t.adam.parameters();
        if (!named.keySet().equals(saved.parameters().keySet())) {
            throw new MolecularFileException(checkpoint, "parameters " + saved.parameters().keySet()
                    + " do not match the model's " + named.keySet());
        }
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            INDArray value = e.getValue().value();
            INDArray stored = saved.parameters().get(e.getKey());
            if (!Arrays.equals(value.shape(), stored.shape()) || value.dataType() != stored.dataType()) {
                throw new MolecularFileException(checkpoint, "parameter " + e.getKey() + " is " + stored.dataType()
                        + " " + Arrays.toString(stored.shape()) + ", the model's is " + value.dataType() + " "
                        + Arrays.toString(value.shape()));
            }
        }
        try {
            t.adam.restore(saved.adamSteps(), saved.firstMoments(), saved.secondMoments());
        } catch (IllegalArgumentException e) {
            throw new MolecularFileException(checkpoint, "bad optimizer state: " + e.getMessage(), e);
        }
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            e.getValue().value().assign(saved.parameters().get(e.getKey()));
        }
        if (saved.step() < 0) {
            throw new MolecularFileException(checkpoint, "bad step " + saved.step());
        }
        t.step = saved.step();
        t.lastReportStep = t.step;
        t.ownCheckpoints.add(checkpoint.toAbsolutePath().normalize());
        if (saved.best() != null) {
            t.bestStep = saved.best().step();
            t.bestNll = saved.best().heldOutNll();
            if (t.config.patience() > 0) {
                if (!saved.best().parameters().keySet().equals(named.keySet()))
                    throw new MolecularFileException(checkpoint, "the early-stopping parameters do not match the model's");
                t.bestParameters = new LinkedHashMap<>();
                for (Map.Entry<String, INDArray> e : saved.best().parameters().entrySet()) t.bestParameters.put(e.getKey(), e.getValue().dup());
            }
            t.stopped = t.patienceExhausted();
        }
        return t;
    }

    public Trainer addListener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public Trainer addCheckpointHook(CheckpointHook hook) {
        checkpointHooks.add(Objects.requireNonNull(hook, "hook"));
        return this;
    }

    public TrainingConfig config() {
        return config;
    }

    public BoltzmannGenerator generator() {
        return generator;
    }

    /** What is minimised: the config's mixture of terms or the loss given. */
    public Loss loss() {
        return loss;
    }

    public Adam optimizer() {
        return adam;
    }

    /** The data split and batches, or null when training by energy only. */
    public Minibatches minibatches() {
        return minibatches;
    }

    /** Steps done. */
    public long step() {
        return step;
    }

    /** Trains until {@code config().steps()} steps are done; returns the last report. */
    public Progress run() throws IOException {
        return runUntil(config.steps());
    }

    /**
     * Trains until {@code target} steps are done (nothing if already there), reporting and
     * checkpointing as configured; returns the report at {@code target}.
     */
    public Progress runUntil(long target) throws IOException {
        lastReportNanos = System.nanoTime();
        Progress last = null;
        Loss.Report report = null;
        double norm = Double.NaN;
        while (step < target && !stopped) {
            long s = step;
            for (Parameter p : parameters) {
                p.zeroGrad();
            }
            if (tempered != null) tempered.setScale(config.kTScale().at(s));
            report = loss.backward(batch(s));
            norm = Double.isFinite(config.clipNorm()) ? GradientClipping.clip(parameters, config.clipNorm())
                    : GradientClipping.globalNorm(parameters);
            if (!Double.isFinite(norm) || !Double.isFinite(report.loss())) {
                throw new IllegalStateException("training diverged at step " + s + ": loss " + report.loss()
                        + ", gradient norm " + norm + " (lower the learning rate, clip the gradient norm, or "
                        + "regularize the energy)");
            }
            adam.step(config.learningRate().at(s));
            step = s + 1;
            lossSum += report.loss();
            lossCount++;
            if (step % config.evaluationInterval() == 0 || step == target) {
                last = report(report, norm);
            }
            if (config.checkpoint() != null && ((config.checkpointInterval() > 0
                    && step % config.checkpointInterval() == 0) || step == config.steps() || stopped)) {
                writeCheckpoint(config.checkpoint());
            }
        }
        return last != null ? last : report(null, Double.NaN);
    }

    /** Whether training stopped early (and the flow holds the parameters of {@link #bestStep()}). */
    public boolean stoppedEarly() {
        return stopped;
    }

    /** The step of the lowest held-out NLL so far, -1 before the first evaluation or without held-out data. */
    public long bestStep() {
        return bestStep;
    }

    /** The lowest held-out NLL so far (+infinity before the first evaluation or without held-out data). */
    public double bestHeldOutNll() {
        return bestNll;
    }

    private boolean patienceExhausted() {
        return config.patience() > 0 && bestStep >= 0 && step - bestStep >= (long) config.patience() * config.evaluationInterval();
    }

    /**
     * After an evaluation at {@link #step}: note the lowest held-out NLL (always, for the report);
     * with early stopping keep its parameters, and stop when patience is spent.
     */
    private void track(double nll) {
        if (!Double.isFinite(nll)) return;
        if (nll < bestNll) {
            bestNll = nll;
            bestStep = step;
            if (config.patience() > 0) {
                bestParameters = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> e : adam.parameters().entrySet()) bestParameters.put(e.getKey(), e.getValue().value().dup());
            }
        } else if (patienceExhausted()) {
            stopped = true;
            for (Map.Entry<String, Parameter> e : adam.parameters().entrySet()) e.getValue().value().assign(bestParameters.get(e.getKey()));
        }
    }

    /** The inputs of step {@code s}; each is drawn only if its loss term is used at s. */
    private Loss.Batch batch(long s) {
        INDArray data = config.exampleWeight().at(s) != 0 ? minibatches.batch(s) : null;
        INDArray latent = config.energyWeight().at(s) != 0 || config.reweightedWeight().at(s) != 0
                ? generator.base().sample(config.batchSize(), RandomStreams.of(config.seed(), RandomStreams.LATENT, s))
                : null;
        return new Loss.Batch(s, data, latent);
    }

    private Progress report(Loss.Report last, double norm) {
        long now = System.nanoTime();
        double rate = (step - lastReportStep) / Math.max(1e-9, (now - lastReportNanos) * 1e-9);
        double nll = heldOutNll();
        track(nll); // before the ESS, which then describes the flow training ends with
        if (stopped) nll = bestNll; // what the restored parameters give (the report describes the final flow)
        Progress p = new Progress(step, config.learningRate().at(Math.max(0, step - 1)),
                lossCount == 0 ? Double.NaN : lossSum / lossCount, last, norm, nll, evaluationEss(), rate);
        lossSum = 0;
        lossCount = 0;
        for (Listener l : listeners) {
            l.report(p);
        }
        lastReportStep = step;
        lastReportNanos = System.nanoTime(); // evaluation time does not count against the training rate
        return p;
    }

    /** Mean -log q(x) over the held-out rows, NaN when nothing is held out. */
    public double heldOutNll() {
        return heldOut == null ? Double.NaN : example.meanNll(heldOut, EVALUATION_CHUNK);
    }

    /** Normalised ESS of the configured number of evaluation samples, NaN when that is 0. */
    public double evaluationEss() {
        if (config.essSamples() == 0) {
            return Double.NaN;
        }
        BoltzmannGenerator raw = generator.energy() instanceof RegularizedEnergy r ? generator.with(r.inner(), generator.kT()) : generator;
        return raw.sample(config.essSamples(), RandomStreams.of(config.seed(), RandomStreams.EVALUATION, 0)).normalizedEss();
    }

    /**
     * Writes the current state (after {@link #step()} steps) as the newest record of the checkpoint
     * at {@code checkpoint} ({@link TrainingCheckpoint}), after the checkpoint hooks, forced to the
     * disk (at most a few per run, so that a power cut never leaves the parameter file the hooks
     * forced without its checkpoint); the first checkpoint of a run at a path replaces an earlier
     * run's records there.
     */
    public void writeCheckpoint(Path checkpoint) throws IOException {
        for (CheckpointHook hook : checkpointHooks) hook.beforeCheckpoint(this);
        Map<String, INDArray> values = parameterValues();
        new TrainingCheckpoint(step, config, values, adam.stepCount(), adam.firstMoments(), adam.secondMoments(),
                minibatches == null ? 0 : (int) minibatches.data().size(0), dataFingerprint,
                minibatches == null ? new int[0] : minibatches.trainingRows(),
                minibatches == null ? new int[0] : minibatches.heldOutRows(),
                bestStep < 0 ? null : new TrainingCheckpoint.Best(bestStep, bestNll, bestParameters == null ? Map.of() : bestParameters),
                loss instanceof FabLoss fab ? fab.stateJson() : null, loss instanceof FabLoss fab ? fab.state() : Map.of())
                .write(checkpoint, ownCheckpoints.add(checkpoint.toAbsolutePath().normalize()));
    }

    /**
     * Writes the flow's current parameters as a parameter file ({@link ParameterArchive}), atomically;
     * its manifest names {@code format} and the step.
     */
    public void writeParameters(Path file, String format, int version) throws IOException {
        ParameterArchive.write(file, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("format", format).put("version", version).put("step", step), parameterValues());
    }

    private Map<String, INDArray> parameterValues() {
        Map<String, INDArray> values = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : adam.parameters().entrySet()) {
            values.put(e.getKey(), e.getValue().value());
        }
        return values;
    }
}
