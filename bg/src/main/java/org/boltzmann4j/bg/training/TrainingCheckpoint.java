package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.boltzmann4j.bg.flow.ParameterArchive;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.RunCheckpoint;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything needed to continue a training run exactly where it stopped.
 *
 * <p>It is kept in the checkpoint container of every resumable run of the library
 * ({@link RunCheckpoint}: two slots {@code NAME.a}, {@code NAME.b} written in turn, each record
 * with its CRC-32, so a kill or a power cut during a write keeps the previous checkpoint). The
 * record's JSON header holds
 * <pre>
 *   {"format": "boltzmann4j-training-checkpoint", "version": 2, "step", "config", "adam": {"steps"},
 *    "data": {"rows", "crc32", "training_rows", "held_out_rows"}, "rng",
 *    "early_stopping": {"best_step", "best_nll", "parameters"}   (once a held-out NLL was evaluated)
 *    "loss": {...}}                                              (a loss that keeps state: FAB)
 * </pre>
 * and its body is a {@link ParameterArchive} (a zip that Python reads with {@code zipfile} and
 * {@code numpy.load}) of
 * <pre>
 *   parameters/NAME.npy       parameter values, by the model's parameter names
 *   adam/m/NAME.npy           Adam's first moments
 *   adam/v/NAME.npy           Adam's second moments
 *   split/training-rows.npy   int32 rows of the data that train
 *   split/held-out-rows.npy   int32 rows held out
 *   best/NAME.npy             with early stopping: the parameters of the best held-out NLL so far
 *   loss/NAME.npy             state of a loss that keeps one (FAB: its replay buffer and AIS step
 *                             sizes), described by the header's "loss" object
 * </pre>
 * Arrays are .npy, little endian, in the parameters' own dtype, so values round-trip bit for
 * bit. No random-generator state is stored: every random draw of a run is derived from (seed,
 * purpose, step) (see {@link Minibatches}), so the step number is the generator state. A corrupt
 * byte anywhere is an error naming the file rather than a silently different model.
 *
 * @param step optimizer steps done
 * @param dataRows rows of the training data (0 when training by energy only)
 * @param dataFingerprint CRC-32 of the data's float64 values, hex; null without data
 * @param best early stopping's best evaluation so far, or null (no early stopping, or no
 *     held-out NLL yet)
 * @param lossState the header's "loss" object ({@link FabLoss#stateJson()}), null for a loss without state
 * @param lossArrays the arrays of that state
 */
public record TrainingCheckpoint(long step, TrainingConfig config, Map<String, INDArray> parameters, long adamSteps,
        Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments, int dataRows, String dataFingerprint,
        int[] trainingRows, int[] heldOutRows, Best best, JsonNode lossState, Map<String, INDArray> lossArrays) {

    /** The step of the lowest held-out NLL so far, that NLL and the parameters after that step. */
    public record Best(long step, double heldOutNll, Map<String, INDArray> parameters) {
        public Best {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    /** A checkpoint without early-stopping state and without loss state. */
    public TrainingCheckpoint(long step, TrainingConfig config, Map<String, INDArray> parameters, long adamSteps,
            Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments, int dataRows, String dataFingerprint,
            int[] trainingRows, int[] heldOutRows) {
        this(step, config, parameters, adamSteps, firstMoments, secondMoments, dataRows, dataFingerprint, trainingRows, heldOutRows, null, null, Map.of());
    }

    public static final String FORMAT = "boltzmann4j-training-checkpoint";
    /** 2: in the {@link RunCheckpoint} container (version 1 was a zip file of its own). */
    public static final int VERSION = 2;

    public TrainingCheckpoint {
        lossArrays = Collections.unmodifiableMap(new LinkedHashMap<>(lossArrays == null ? Map.of() : lossArrays));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        firstMoments = Collections.unmodifiableMap(new LinkedHashMap<>(firstMoments));
        secondMoments = Collections.unmodifiableMap(new LinkedHashMap<>(secondMoments));
        trainingRows = trainingRows.clone();
        heldOutRows = heldOutRows.clone();
    }

    @Override
    public int[] trainingRows() {
        return trainingRows.clone();
    }

    @Override
    public int[] heldOutRows() {
        return heldOutRows.clone();
    }

    /** The CRC-32 of a data matrix's float64 values in row-major order, as hex. */
    public static String fingerprint(INDArray data) {
        CRC32 crc = new CRC32();
        INDArray c = Batches.contiguous(data, DataType.DOUBLE);
        if (c.length() > 0) {
            // the CRC of the little-endian float64 bytes, read from the array's own memory (no copy of
            // a data set that may be large); the platforms ND4J runs on are little endian
            if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
                throw new IllegalStateException("data fingerprints assume a little-endian machine");
            }
            crc.update(c.data().asNio());
            java.lang.ref.Reference.reachabilityFence(c); // c may be a cast copy that only the buffer refers to
        }
        return String.format("%08x", crc.getValue());
    }

    /**
     * Writes the checkpoint as the newest record of the container at {@code checkpoint} (slots
     * {@code checkpoint.a} and {@code .b}), forced to the disk.
     *
     * @param fresh delete an earlier run's records first (a new run at this path)
     */
    public void write(Path checkpoint, boolean fresh) throws IOException {
        try (RunCheckpoint container = RunCheckpoint.open(folder(checkpoint), name(checkpoint), FORMAT, VERSION, fresh)) {
            ObjectNode header = container.header().put("step", step);
            header.set("config", config.toJson());
            header.set("adam", JsonNodeFactory.instance.objectNode().put("steps", adamSteps));
            ObjectNode data = header.putObject("data").put("rows", dataRows);
            if (dataFingerprint == null) {
                data.putNull("crc32");
            } else {
                data.put("crc32", dataFingerprint);
            }
            data.put("training_rows", trainingRows.length).put("held_out_rows", heldOutRows.length);
            header.put("rng", "none stored: java.util.SplittableRandom streams derived from (seed, purpose, step)");
            if (best != null)
                header.putObject("early_stopping").put("best_step", best.step()).put("best_nll", best.heldOutNll())
                        .put("parameters", !best.parameters().isEmpty());
            if (lossState != null) header.set("loss", lossState);
            Map<String, byte[]> further = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : firstMoments.entrySet()) further.put("adam/m/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            for (Map.Entry<String, INDArray> e : secondMoments.entrySet()) further.put("adam/v/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            further.put("split/training-rows.npy", ParameterArchive.npy(NpyArray.ofInts(trainingRows.clone())));
            further.put("split/held-out-rows.npy", ParameterArchive.npy(NpyArray.ofInts(heldOutRows.clone())));
            if (best != null)
                for (Map.Entry<String, INDArray> e : best.parameters().entrySet()) further.put("best/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            for (Map.Entry<String, INDArray> e : lossArrays.entrySet()) further.put("loss/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            ObjectNode manifest = JsonNodeFactory.instance.objectNode().put("format", FORMAT + "-arrays").put("step", step);
            container.write(header, ParameterArchive.archive(manifest, parameters, further), true);
        }
    }

    /** Whether {@code checkpoint} holds an intact training checkpoint record to resume from. */
    public static boolean exists(Path checkpoint) throws IOException {
        return RunCheckpoint.exists(folder(checkpoint), name(checkpoint));
    }

    /**
     * Reads the newest intact checkpoint at {@code checkpoint}. Every problem (no checkpoint, both
     * slots corrupt, another format or a newer version, a corrupt or missing entry) is a
     * {@link MolecularFileException} whose message starts with the path.
     */
    public static TrainingCheckpoint read(Path checkpoint) throws IOException {
        RunCheckpoint.Saved saved = saved(checkpoint);
        JsonNode header = saved.header();
        try (ParameterArchive.Reader entries = ParameterArchive.Reader.of(saved.body(), checkpoint, "training checkpoint")) {
            try {
                TrainingConfig config = TrainingConfig.fromJson(header.path("config"));
                Map<String, INDArray> parameters = entries.parameters();
                Map<String, INDArray> m = new LinkedHashMap<>();
                Map<String, INDArray> v = new LinkedHashMap<>();
                for (String name : parameters.keySet()) {
                    m.put(name, entries.array("adam/m/" + name + ".npy"));
                    v.put(name, entries.array("adam/v/" + name + ".npy"));
                }
                JsonNode data = header.path("data");
                JsonNode crc = data.path("crc32");
                Best best = null;
                JsonNode stopping = header.get("early_stopping");
                if (stopping != null) {
                    Map<String, INDArray> b = new LinkedHashMap<>();
                    if (stopping.path("parameters").asBoolean(false))
                        for (String name : parameters.keySet()) b.put(name, entries.array("best/" + name + ".npy"));
                    best = new Best(stopping.path("best_step").asLong(-1), stopping.path("best_nll").asDouble(Double.NaN), b);
                }
                JsonNode loss = header.get("loss");
                Map<String, INDArray> lossArrays = new LinkedHashMap<>();
                if (loss != null) {
                    for (String name : FabLoss.stateArrays(loss)) lossArrays.put(name, entries.array("loss/" + name + ".npy"));
                }
                return new TrainingCheckpoint(header.path("step").asLong(-1), config, parameters,
                        header.path("adam").path("steps").asLong(-1), m, v, data.path("rows").asInt(-1),
                        crc.isTextual() ? crc.asText() : null,
                        entries.ints("split/training-rows.npy"), entries.ints("split/held-out-rows.npy"), best, loss, lossArrays);
            } catch (IllegalArgumentException e) {
                throw new MolecularFileException(checkpoint, "bad checkpoint header: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The configuration of the run a checkpoint holds (its steps, schedule, seed), read from the
     * record's header, without decoding the parameters, optimizer state and buffers {@link #read}
     * loads; problems are reported as by {@link #read}.
     */
    public static TrainingConfig readConfig(Path checkpoint) throws IOException {
        try {
            return TrainingConfig.fromJson(saved(checkpoint).header().path("config"));
        } catch (IllegalArgumentException e) {
            throw new MolecularFileException(checkpoint, "bad checkpoint header: " + e.getMessage(), e);
        }
    }

    private static Path folder(Path checkpoint) {
        return checkpoint.toAbsolutePath().getParent();
    }

    private static String name(Path checkpoint) {
        return checkpoint.getFileName().toString();
    }

    /** The newest intact record at {@code checkpoint}, of this format and a version this build reads. */
    private static RunCheckpoint.Saved saved(Path checkpoint) throws IOException {
        try {
            return RunCheckpoint.read(folder(checkpoint), name(checkpoint), FORMAT, VERSION);
        } catch (NoSuchFileException e) {
            throw new MolecularFileException(checkpoint, "no training checkpoint to resume from (no intact "
                    + checkpoint.getFileName() + ".a or .b)", e);
        }
    }
}
