package org.boltzmann4j.bg.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 */
public record TrainingCheckpoint(long step, TrainingConfig config, Map<String, INDArray> parameters, long adamSteps,
        Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments, int dataRows, String dataFingerprint,
        int[] trainingRows, int[] heldOutRows) {

    public static final String FORMAT = "boltzmann4j-training-checkpoint";
    public static final int VERSION = 1;

    private static final String MANIFEST = "manifest.json";
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public TrainingCheckpoint {
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
        double[] values = data.dup('c').data().asDouble();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8 * 4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        for (int i = 0; i < values.length; i++) {
            bytes.putDouble(values[i]);
            if (!bytes.hasRemaining() || i == values.length - 1) {
                bytes.flip();
                crc.update(bytes);
                bytes.clear();
            }
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
        ArrayNode list = manifest.putArray("parameters");
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            requireName(e.getKey());
            ObjectNode p = list.addObject().put("name", e.getKey());
            ArrayNode shape = p.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            p.put("dtype", e.getValue().dataType() == DataType.DOUBLE ? "float64" : "float32");
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            putStored(zip, MANIFEST, manifestBytes);
            for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
                putStored(zip, "parameters/" + e.getKey() + ".npy", npy(e.getValue()));
            }
            for (Map.Entry<String, INDArray> e : firstMoments.entrySet()) {
                putStored(zip, "adam/m/" + e.getKey() + ".npy", npy(e.getValue()));
            }
            for (Map.Entry<String, INDArray> e : secondMoments.entrySet()) {
                putStored(zip, "adam/v/" + e.getKey() + ".npy", npy(e.getValue()));
            }
            putStored(zip, "split/training-rows.npy", npy(NpyArray.ofInts(trainingRows.clone())));
            putStored(zip, "split/held-out-rows.npy", npy(NpyArray.ofInts(heldOutRows.clone())));
            zip.finish();
        });
    }

    /**
     * Reads a checkpoint. Every problem (missing file, not a zip, truncated, a corrupt entry, a
     * newer format version, a missing entry) is a {@link MolecularFileException} whose message
     * starts with the file.
     */
    public static TrainingCheckpoint read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new MolecularFileException(file, "no such file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Entries entries = new Entries(zip, file);
            JsonNode manifest;
            try {
                manifest = JSON.readTree(entries.bytes(MANIFEST));
            } catch (JsonProcessingException e) {
                throw new MolecularFileException(file, MANIFEST + " is not valid JSON (" + e.getOriginalMessage() + ")");
            }
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
            try {
                TrainingConfig config = TrainingConfig.fromJson(manifest.path("config"));
                Map<String, INDArray> parameters = new LinkedHashMap<>();
                Map<String, INDArray> m = new LinkedHashMap<>();
                Map<String, INDArray> v = new LinkedHashMap<>();
                for (JsonNode p : manifest.path("parameters")) {
                    String name = p.path("name").asText();
                    parameters.put(name, entries.array("parameters/" + name + ".npy"));
                    m.put(name, entries.array("adam/m/" + name + ".npy"));
                    v.put(name, entries.array("adam/v/" + name + ".npy"));
                }
                JsonNode data = manifest.path("data");
                JsonNode crc = data.path("crc32");
                return new TrainingCheckpoint(manifest.path("step").asLong(-1), config, parameters,
                        manifest.path("adam").path("steps").asLong(-1), m, v, data.path("rows").asInt(-1),
                        crc.isTextual() ? crc.asText() : null,
                        entries.ints("split/training-rows.npy"), entries.ints("split/held-out-rows.npy"));
            } catch (IllegalArgumentException e) {
                throw new MolecularFileException(file, "bad checkpoint manifest: " + e.getMessage(), e);
            }
        } catch (ZipException e) {
            throw new MolecularFileException(file, "not a readable training checkpoint (truncated, corrupt or not a "
                    + "zip archive: " + e.getMessage() + ")", e);
        }
    }

    /** Reads entries, checking each one's CRC-32. */
    private record Entries(ZipFile zip, Path file) {

        byte[] bytes(String name) throws IOException {
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw new MolecularFileException(file, "checkpoint has no entry " + name);
            }
            byte[] bytes;
            try (InputStream in = zip.getInputStream(entry)) {
                bytes = in.readAllBytes();
            } catch (ZipException | java.io.EOFException e) {
                throw new MolecularFileException(file, "entry " + name + " is corrupt (" + e.getMessage() + ")", e);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (bytes.length != entry.getSize() || crc.getValue() != entry.getCrc()) {
                throw new MolecularFileException(file, "entry " + name + " is corrupt (CRC-32 or size mismatch)");
            }
            return bytes;
        }

        NpyArray npy(String name) throws IOException {
            return Npy.read(new ByteArrayInputStream(bytes(name)), file + "[" + name + "]");
        }

        INDArray array(String name) throws IOException {
            NpyArray a = npy(name);
            long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
            return switch (a.dtype()) {
                case FLOAT64 -> Nd4j.create(a.asDoubles(), shape, DataType.DOUBLE);
                case FLOAT32 -> Nd4j.create(a.asFloats(), shape, 'c');
                default -> throw new MolecularFileException(file, "entry " + name + " has dtype " + a.dtype()
                        + ", expected float64 or float32");
            };
        }

        int[] ints(String name) throws IOException {
            return npy(name).asInts();
        }
    }

    private static void requireName(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.contains("..")) {
            throw new IllegalArgumentException("parameter name '" + name + "' cannot name a checkpoint entry");
        }
    }

    private static byte[] npy(INDArray a) throws IOException {
        int[] shape = Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray();
        INDArray c = a.dup('c');
        NpyArray array = switch (a.dataType()) {
            case DOUBLE -> NpyArray.ofDoubles(c.data().asDouble(), shape);
            case FLOAT -> NpyArray.ofFloats(c.data().asFloat(), shape);
            default -> throw new IllegalArgumentException("cannot store a " + a.dataType() + " array in a checkpoint");
        };
        return npy(array);
    }

    private static byte[] npy(NpyArray array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, array);
        return out.toByteArray();
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }
}
