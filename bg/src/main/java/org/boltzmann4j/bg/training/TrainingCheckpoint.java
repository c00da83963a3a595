package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipException;
import java.util.zip.ZipOutputStream;
import org.boltzmann4j.bg.flow.ParameterArchive;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything needed to continue a training run exactly where it stopped, in one versioned file.
 *
 * <p>The file is a zip archive (written atomically: {@link AtomicFile}) that Python can read with
 * {@code zipfile} and {@code numpy.load}:
 * <pre>
 *   manifest.json             {"format": "boltzmann4j-training-checkpoint", "version": 1,
 *                              "step", "config", "adam": {"steps"}, "data": {...},
 *                              "parameters": [{"name", "shape", "dtype"}, ...], "rng": ...}
 *   parameters/NAME.npy       parameter values, by the model's parameter names
 *   adam/m/NAME.npy           Adam's first moments
 *   adam/v/NAME.npy           Adam's second moments
 *   split/training-rows.npy   int32 rows of the data that train
 *   split/held-out-rows.npy   int32 rows held out
 *   best/NAME.npy             with early stopping: the parameters of the best held-out NLL so far
 *                             (manifest "early_stopping": {"best_step", "best_nll", "parameters"},
 *                             present once a held-out NLL was evaluated)
 *   loss/NAME.npy             state of a loss that keeps one (FAB: its replay buffer and AIS step
 *                             sizes), described by the manifest's "loss" object
 * </pre>
 * Arrays are .npy, little endian, in the parameters' own dtype, so values round-trip bit for
 * bit. No random-generator state is stored: every random draw of a run is derived from (seed,
 * purpose, step) (see {@link Minibatches}), so the step number is the generator state. Entries
 * are stored uncompressed with their CRC-32, which reading checks, so a corrupt byte anywhere
 * is an error naming the file and the entry rather than a silently different model.
 *
 * @param step optimizer steps done
 * @param dataRows rows of the training data (0 when training by energy only)
 * @param dataFingerprint CRC-32 of the data's float64 values, hex; null without data
 * @param best early stopping's best evaluation so far, or null (no early stopping, or no
 *     held-out NLL yet)
 * @param lossState the manifest's "loss" object ({@link FabLoss#stateJson()}), null for a loss without state
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
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    /** Writes the checkpoint atomically. */
    public void write(Path file) throws IOException {
        ObjectNode manifest = JsonNodeFactory.instance.objectNode();
        manifest.put("format", FORMAT).put("version", VERSION).put("step", step);
        manifest.set("config", config.toJson());
        manifest.set("adam", JsonNodeFactory.instance.objectNode().put("steps", adamSteps));
        ObjectNode data = manifest.putObject("data").put("rows", dataRows);
        if (dataFingerprint == null) {
            data.putNull("crc32");
        } else {
            data.put("crc32", dataFingerprint);
        }
        data.put("training_rows", trainingRows.length).put("held_out_rows", heldOutRows.length);
        manifest.put("rng", "none stored: java.util.SplittableRandom streams derived from (seed, purpose, step)");
        ParameterArchive.describe(manifest, parameters);
        if (best != null)
            manifest.putObject("early_stopping").put("best_step", best.step()).put("best_nll", best.heldOutNll())
                    .put("parameters", !best.parameters().isEmpty());
        if (lossState != null) manifest.set("loss", lossState);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            ParameterArchive.putStored(zip, ParameterArchive.MANIFEST, manifestBytes);
            for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
                ParameterArchive.putStored(zip, ParameterArchive.entry(e.getKey()), ParameterArchive.npy(e.getValue()));
            }
            for (Map.Entry<String, INDArray> e : firstMoments.entrySet()) {
                ParameterArchive.putStored(zip, "adam/m/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            }
            for (Map.Entry<String, INDArray> e : secondMoments.entrySet()) {
                ParameterArchive.putStored(zip, "adam/v/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            }
            ParameterArchive.putStored(zip, "split/training-rows.npy", ParameterArchive.npy(NpyArray.ofInts(trainingRows.clone())));
            ParameterArchive.putStored(zip, "split/held-out-rows.npy", ParameterArchive.npy(NpyArray.ofInts(heldOutRows.clone())));
            if (best != null) {
                for (Map.Entry<String, INDArray> e : best.parameters().entrySet()) {
                    ParameterArchive.putStored(zip, "best/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
                }
            }
            for (Map.Entry<String, INDArray> e : lossArrays.entrySet()) {
                ParameterArchive.putStored(zip, "loss/" + e.getKey() + ".npy", ParameterArchive.npy(e.getValue()));
            }
            zip.finish();
        });
    }

    /**
     * Reads a checkpoint. Every problem (missing file, not a zip, truncated, a corrupt entry, a
     * newer format version, a missing entry) is a {@link MolecularFileException} whose message
     * starts with the file.
     */
    public static TrainingCheckpoint read(Path file) throws IOException {
        try (ParameterArchive.Reader entries = ParameterArchive.Reader.open(file, "training checkpoint")) {
            JsonNode manifest = manifest(entries, file);
            try {
                TrainingConfig config = TrainingConfig.fromJson(manifest.path("config"));
                Map<String, INDArray> parameters = entries.parameters();
                Map<String, INDArray> m = new LinkedHashMap<>();
                Map<String, INDArray> v = new LinkedHashMap<>();
                for (String name : parameters.keySet()) {
                    m.put(name, entries.array("adam/m/" + name + ".npy"));
                    v.put(name, entries.array("adam/v/" + name + ".npy"));
                }
                JsonNode data = manifest.path("data");
                JsonNode crc = data.path("crc32");
                Best best = null;
                JsonNode stopping = manifest.get("early_stopping");
                if (stopping != null) {
                    Map<String, INDArray> b = new LinkedHashMap<>();
                    if (stopping.path("parameters").asBoolean(false))
                        for (String name : parameters.keySet()) b.put(name, entries.array("best/" + name + ".npy"));
                    best = new Best(stopping.path("best_step").asLong(-1), stopping.path("best_nll").asDouble(Double.NaN), b);
                }
                JsonNode loss = manifest.get("loss");
                Map<String, INDArray> lossArrays = new LinkedHashMap<>();
                if (loss != null) {
                    for (String name : FabLoss.stateArrays(loss)) lossArrays.put(name, entries.array("loss/" + name + ".npy"));
                }
                return new TrainingCheckpoint(manifest.path("step").asLong(-1), config, parameters,
                        manifest.path("adam").path("steps").asLong(-1), m, v, data.path("rows").asInt(-1),
                        crc.isTextual() ? crc.asText() : null,
                        entries.ints("split/training-rows.npy"), entries.ints("split/held-out-rows.npy"), best, loss, lossArrays);
            } catch (IllegalArgumentException e) {
                throw new MolecularFileException(file, "bad checkpoint manifest: " + e.getMessage(), e);
            }
        } catch (ZipException e) {
            throw ParameterArchive.Reader.unreadable(file, "training checkpoint", e);
        }
    }

    /**
     * The configuration of the run a checkpoint holds (its steps, schedule, seed), read from the
     * manifest alone, without the parameters, optimizer state and buffers {@link #read} loads;
     * problems are reported as by {@link #read}.
     */
    public static TrainingConfig readConfig(Path file) throws IOException {
        try (ParameterArchive.Reader entries = ParameterArchive.Reader.open(file, "training checkpoint")) {
            JsonNode manifest = manifest(entries, file);
            try {
                return TrainingConfig.fromJson(manifest.path("config"));
            } catch (IllegalArgumentException e) {
                throw new MolecularFileException(file, "bad checkpoint manifest: " + e.getMessage(), e);
            }
        } catch (ZipException e) {
            throw ParameterArchive.Reader.unreadable(file, "training checkpoint", e);
        }
    }

    /** The manifest of an open checkpoint, of this format and a version this build reads. */
    private static JsonNode manifest(ParameterArchive.Reader entries, Path file) throws IOException {
        JsonNode manifest = entries.manifest();
        String format = manifest.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new MolecularFileException(file, "not a training checkpoint (format '" + format + "', expected '"
                    + FORMAT + "')");
        }
        int version = manifest.path("version").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new MolecularFileException(file, "checkpoint format version " + version
                    + " is not supported (this build reads versions 1 to " + VERSION + ")");
        }
        return manifest;
    }
}
