package org.boltzmann4j.bg.tbg;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.boltzmann4j.bg.cnf.Egnn;
import org.boltzmann4j.bg.cnf.LinearPath;
import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.io.RunCheckpoint;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.training.Adam;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a TBG by conditional flow matching (Lipman et al. 2023; Klein and Noe 2024): each step draws a batch
 * of frames mixed over the training peptides ({@link MixedBatch}), pairs every frame x1 (mean-free, divided by
 * the coordinate scale) with an independent prior sample x0 (optionally rotating, and permuting among equivalent
 * atoms, x1 onto x0 by {@link Alignment}), draws t ~ U(0, 1) and x_t = (1 - t) x0 + t x1 + sigma eps on the
 * {@link LinearPath}, and regresses the EGNN's v(x_t, t) on u = x1 - x0: the loss is the mean of (v - u)^2 over
 * every coordinate of the batch, one {@link Egnn#trainingPass} per peptide, whose gradients add up. AdamW updates
 * the weights, and their {@link ExponentialMovingAverage} is what the model folder keeps for sampling.
 *
 * <p>Every random draw of step s comes from {@code RandomStreams.of(seed, RandomStreams.TBG_BATCH, s)}, and the checkpoint holds
 * the raw weights, the EMA and Adam's moments and step count exactly, so a run resumed from a checkpoint takes
 * the same steps as one that was never stopped, bit for bit.
 */
public final class FlowMatchingTrainer {
    /** The stream of a TBG training step's draws (peptides, frames, prior, times, path noise). */
    public static final String CHECKPOINT = "checkpoint";
    static final String CHECKPOINT_FORMAT = "boltzmann4j-tbg-training";
    static final int CHECKPOINT_VERSION = 1;

    /** Called after every step with the step count done, the step's loss and its learning rate. */
    public interface Listener {
        void step(long step, double loss, double learningRate);
    }

    /** The run's end: steps done and the mean loss of this run's last {@code recentSteps} (at most 100) steps. */
    public record Result(long steps, double recentLoss, int recentSteps, TbgModel.Manifest manifest) {}

    private final TrainingData data;
    private final TbgSettings settings;
    private final TbgModel.Manifest manifest;
    private final Egnn network;
    private final Adam adam;
    private final ExponentialMovingAverage ema;
    private final LinearPath path;
    private final INDArray[] features;
    private final Alignment[] alignments;
    private final int[] atoms, frames;
    private final TargetPeptide molecule;
    private long step;

    private FlowMatchingTrainer(TrainingData data, TbgSettings settings, TbgModel.Manifest manifest, TargetPeptide molecule) {
        this.data = data;
        this.settings = settings;
        this.manifest = manifest;
        this.molecule = molecule;
        this.network = new Egnn(manifest.architecture(), settings.seed());
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : network.parameters()) byName.put(p.name(), p);
        this.adam = new Adam(byName, Adam.Settings.defaults().withWeightDecay(settings.weightDecay()));
        this.ema = new ExponentialMovingAverage(network.parameters(), settings.emaDecay());
        this.path = new LinearPath(manifest.pathSigmaNm() / manifest.coordinateScaleNm());
        int m = data.molecules().size();
        features = new INDArray[m];
        alignments = new Alignment[m];
        atoms = new int[m];
        frames = new int[m];
        for (int k = 0; k < m; k++) {
            TrainingMolecule mol = data.molecules().get(k);
            features[k] = manifest.vocabulary().features(mol.topology());
            atoms[k] = mol.atoms();
            frames[k] = mol.frames();
            alignments[k] = switch (settings.alignment()) {
                case "none" -> null;
                case "rotation" -> new Alignment(mol.atoms(), new int[0][]);
                default -> new Alignment(mol.atoms(), manifest.vocabulary().equivalentGroups(mol.topology()));
            };
        }
    }

    /**
     * A new model of this data: the vocabulary covering its peptides, the coordinate scale (the settings' or the
     * data's RMS), the EGNN initialised from the seed.
     *
     * @param molecule the System of a single-molecule model (kept in the folder), or null
     */
    public static FlowMatchingTrainer create(TrainingData data, TbgSettings settings, TargetPeptide molecule) {
        List<Topology> topologies = data.molecules().stream().map(TrainingMolecule::topology).toList();
        AtomVocabulary vocabulary = AtomVocabulary.covering(topologies);
        double scale = settings.coordinateScaleNm() > 0 ? settings.coordinateScaleNm() : data.rmsNm();
        var manifest = new TbgModel.Manifest(new Egnn.Architecture(vocabulary.width(), settings.width(), settings.layers()), vocabulary, scale,
                settings.priorSigma(), settings.pathSigmaNm(), data.system(), data.sequences(), settings, 0);
        return new FlowMatchingTrainer(data, settings, manifest, molecule);
    }

    /**
     * Continues the run saved in {@code dir}: the same data (checked by fingerprint), the same settings (those that
     * change the weights' trajectory; --steps may grow unless the schedule depends on it).
     */
    public static FlowMatchingTrainer resume(Path dir, TrainingData data, TbgSettings settings, TargetPeptide molecule) throws IOException {
        RunCheckpoint.Saved saved = RunCheckpoint.read(dir, CHECKPOINT, CHECKPOINT_FORMAT, CHECKPOINT_VERSION);
        saved.requireSame("settings", "the training settings", settings.trajectoryKey());
        if (settings.schedule().equals("cosine")) saved.requireSame("total_steps", "--steps (the cosine schedule's length)", settings.steps());
        saved.requireSame("data", "training data (fingerprint of the sequences and frames)", fingerprint(data));
        TbgModel.Manifest manifest = TbgModel.readManifest(dir);
        // the scale is not in trajectoryKey (0 means "the data's RMS", fixed when the run began), so a resume may leave it at 0
        // but not name another value: the run would silently go on with the old one
        if (settings.coordinateScaleNm() > 0 && settings.coordinateScaleNm() != manifest.coordinateScaleNm())
            throw new IllegalArgumentException(dir + ": the run was made with --scale-nm " + manifest.coordinateScaleNm() + ", not "
                    + settings.coordinateScaleNm() + "; resume with the same --scale-nm (or leave it out)");
        settings = settings.withCoordinateScaleNm(manifest.settings().coordinateScaleNm());
        manifest = new TbgModel.Manifest(manifest.architecture(), manifest.vocabulary(), manifest.coordinateScaleNm(), manifest.priorSigma(),
                manifest.pathSigmaNm(), manifest.system(), manifest.trainingSequences(), settings, manifest.steps());
        FlowMatchingTrainer trainer = new FlowMatchingTrainer(data, settings, manifest, molecule);
        try (DataInputStream in = saved.bodyStream()) {
            long step = in.readLong();
            long adamSteps = in.readLong();
            Map<String, INDArray> raw = readArrays(in), average = readArrays(in), m = readArrays(in), v = readArrays(in);
            for (Parameter p : trainer.network.parameters()) {
                INDArray value = raw.get(p.name());
                if (value == null || value.length() != p.size()) throw new IOException("parameter " + p.name() + " missing or of another size");
                p.value().assign(value.reshape(p.value().shape()));
            }
            trainer.ema.restore(reshaped(average, trainer.ema.weights()));
            trainer.adam.restore(adamSteps, reshaped(m, trainer.ema.weights()), reshaped(v, trainer.ema.weights()));
            trainer.step = step;
        } catch (IOException | RuntimeException e) {
            throw saved.corrupt(e);
        }
        return trainer;
    }

    public long step() {
        return step;
    }

    public Egnn network() {
        return network;
    }

    public TbgModel.Manifest manifest() {
        return manifest.withSteps(step);
    }

    /** Trains to settings.steps(), checkpointing into {@code dir} (and writing the model folder) as the settings say and at the end. */
    public Result train(Path dir, boolean fresh, Listener listener) throws IOException {
        Files.createDirectories(dir);
        double recent = 0;
        int recentCount = 0;
        long lastCheckpointNs = System.nanoTime();
        try (RunCheckpoint checkpoint = RunCheckpoint.open(dir, CHECKPOINT, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, fresh)) {
            if (fresh) save(dir, checkpoint, false);
            while (step < settings.steps()) {
                double lr = settings.learningRateAt(step);
                double loss = step(lr);
                step++;
                if (settings.steps() - step < 100) {
                    recent += loss;
                    recentCount++;
                }
                listener.step(step, loss, lr);
                boolean bySteps = settings.checkpointEverySteps() > 0 && step % settings.checkpointEverySteps() == 0;
                boolean bySeconds = settings.checkpointEverySeconds() > 0 && System.nanoTime() - lastCheckpointNs >= settings.checkpointEverySeconds() * 1e9;
                if (step == settings.steps() || bySteps || bySeconds) {
                    save(dir, checkpoint, step == settings.steps());
                    lastCheckpointNs = System.nanoTime();
                }
            }
        }
        return new Result(step, recentCount == 0 ? Double.NaN : recent / recentCount, recentCount, manifest());
    }

    /** One optimizer step at this learning rate; returns the batch's loss (mean (v - u)^2 over its coordinates). */
    public double step(double learningRate) {
        SplittableRandom rng = RandomStreams.of(settings.seed(), RandomStreams.TBG_BATCH, step);
        MixedBatch batch = MixedBatch.draw(frames, settings.batch(), rng);
        double count = batch.coordinates(atoms);
        for (Parameter p : network.parameters()) p.zeroGrad();
        double sum = 0;
        double scale = manifest.coordinateScaleNm();
        for (MixedBatch.Group g : batch.groups()) {
            int k = g.molecule(), n = g.frames().length, dim = 3 * atoms[k];
            TrainingMolecule mol = data.molecules().get(k);
            double[] rows = new double[n * dim];
            for (int i = 0; i < n; i++) mol.copyFrame(g.frames()[i], scale, rows, i * dim);
            INDArray x1 = Batches.matrix(rows, n, dim, DataType.DOUBLE);
            INDArray x0 = new MeanFreeNormal(atoms[k], manifest.priorSigma()).sample(n, rng);
            if (alignments[k] != null) x1 = alignments[k].align(x1, x0);
            double[] times = new double[n];
            for (int i = 0; i < n; i++) times[i] = rng.nextDouble();
            INDArray t = Batches.vector(times);
            LinearPath.Point point = path.sample(x0, x1, t, rng, true);
            Egnn.TrainingPass pass = network.trainingPass(features[k], point.xt(), t);
            INDArray diff = pass.velocity().sub(point.target());
            sum += diff.mul(diff).sumNumber().doubleValue();
            pass.backward(diff.muli(2 / count));
        }
        adam.step(learningRate);
        ema.update();
        return sum / count;
    }

    private void save(Path dir, RunCheckpoint checkpoint, boolean durable) throws IOException {
        var header = checkpoint.header();
        header.put("step", step).put("settings", settings.trajectoryKey()).put("total_steps", settings.steps()).put("data", fingerprint(data));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(step);
            out.writeLong(adam.stepCount());
            Map<String, INDArray> raw = new LinkedHashMap<>();
            for (Parameter p : network.parameters()) raw.put(p.name(), p.value());
            writeArrays(out, raw);
            writeArrays(out, ema.weights());
            writeArrays(out, adam.firstMoments());
            writeArrays(out, adam.secondMoments());
        }
        // the model folder first: a checkpoint never runs ahead of the weights a user samples with
        TbgModel.write(dir, manifest(), ema.weights(), molecule);
        checkpoint.write(header, bytes.toByteArray(), durable);
    }

    /** The training data's identity: CRC-32 of every sequence name and float32 frame, in order. */
    static String fingerprint(TrainingData data) {
        CRC32 crc = new CRC32();
        for (TrainingMolecule m : data.molecules()) {
            crc.update(m.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * m.meanFreeRows().length);
            b.asFloatBuffer().put(m.meanFreeRows());
            crc.update(b);
        }
        return String.format("%08x:%d", crc.getValue(), data.frames());
    }

    static void writeArrays(DataOutputStream out, Map<String, INDArray> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            double[] values = Batches.toDoubles(e.getValue());
            out.writeUTF(e.getKey());
            out.writeInt(values.length);
            for (double v : values) out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    static Map<String, INDArray> readArrays(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) throw new IOException("array count " + n);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int length = in.readInt();
            if (length < 0 || length > 1 << 28) throw new IOException("array " + name + " of length " + length);
            double[] values = new double[length];
            for (int j = 0; j < length; j++) values[j] = Double.longBitsToDouble(in.readLong());
            out.put(name, Batches.vector(values));
        }
        return out;
    }

    private static Map<String, INDArray> reshaped(Map<String, INDArray> flat, Map<String, INDArray> like) throws IOException {
        if (!flat.keySet().equals(like.keySet())) throw new IOException("holds arrays " + new ArrayList<>(flat.keySet()) + ", the network has " + like.keySet());
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : like.entrySet()) {
            INDArray f = flat.get(e.getKey());
            if (f.length() != e.getValue().length()) throw new IOException("array " + e.getKey() + " has " + f.length() + " values, expected " + e.getValue().length());
            out.put(e.getKey(), f.reshape(e.getValue().shape()).dup());
        }
        return out;
    }

}
