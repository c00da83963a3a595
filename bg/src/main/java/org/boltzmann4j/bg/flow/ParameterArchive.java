package org.boltzmann4j.bg.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameter file format: a zip archive (entries stored uncompressed, each with its CRC-32,
 * which reading checks) with a {@code manifest.json} whose {@code "parameters"} list names each
 * parameter with its shape and dtype, and one {@code parameters/NAME.npy} per parameter (little
 * endian, in the parameter's own dtype, so values round-trip bit for bit). Python reads it with
 * {@code zipfile} and {@code numpy.load}.
 *
 * <p>A model folder's {@code parameters.zip} is such an archive ({@link #write}); a training
 * checkpoint's body is one too, with more entries (optimizer state, data split), kept in the
 * checkpoint container of every run ({@link org.boltzmann4j.bg.io.RunCheckpoint}) and read back
 * with {@link Reader#of}. Whoever only needs a model's parameters (a generator loading a trained
 * model) reads them here, without knowing how it was trained.
 */
public final class ParameterArchive {

    /** The manifest entry. */
    public static final String MANIFEST = "manifest.json";

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParameterArchive() {}

    /** Entry name of a parameter's values. */
    public static String entry(String parameter) {
        if (parameter.isEmpty() || parameter.contains("/") || parameter.contains("\\") || parameter.contains("..")) {
            throw new IllegalArgumentException("parameter name '" + parameter + "' cannot name an archive entry");
        }
        return "parameters/" + parameter + ".npy";
    }

    /** Adds the manifest's "parameters" list (name, shape, dtype of each, in order). */
    public static void describe(ObjectNode manifest, Map<String, INDArray> parameters) {
        ArrayNode list = manifest.putArray("parameters");
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            entry(e.getKey());
            ObjectNode p = list.addObject().put("name", e.getKey());
            ArrayNode shape = p.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            p.put("dtype", e.getValue().dataType() == DataType.DOUBLE ? "float64" : "float32");
        }
    }

    /** Writes one stored (uncompressed) entry with its size and CRC-32 and a fixed time stamp. */
    public static void putStored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
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

    /**
     * Writes a parameter file atomically: {@code manifest} (the caller's format, version and
     * whatever else it records) with the parameter list added, and one entry per parameter.
     */
    public static void write(Path file, ObjectNode manifest, Map<String, INDArray> parameters) throws IOException {
        org.boltzmann4j.bg.io.AtomicFile.writeBytes(file, archive(manifest, parameters, Map.of()));
    }

    /**
     * An archive in memory: {@code manifest} with the parameter list added, the parameters, then
     * the further entries (name to bytes) in their order.
     */
    public static byte[] archive(ObjectNode manifest, Map<String, INDArray> parameters, Map<String, byte[]> further) throws IOException {
        ObjectNode m = manifest.deepCopy();
        describe(m, parameters);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            putStored(zip, MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            for (Map.Entry<String, INDArray> e : parameters.entrySet()) putStored(zip, entry(e.getKey()), npy(e.getValue()));
            for (Map.Entry<String, byte[]> e : further.entrySet()) putStored(zip, e.getKey(), e.getValue());
        }
        return bytes.toByteArray();
    }

    /** A float64 or float32 array as .npy bytes. */
    public static byte[] npy(INDArray a) throws IOException {
        int[] shape = Arrays.stream(a.shape()).mapToInt(Math::toIntExact).toArray();
        INDArray c = Batches.contiguous(a);
        NpyArray array = switch (a.dataType()) {
            case DOUBLE -> NpyArray.ofDoubles(Batches.toDoubles(c), shape);
            case FLOAT -> {
                float[] f = new float[(int) c.length()];
                Batches.floats(c).get(0, f);
                java.lang.ref.Reference.reachabilityFence(c);
                yield NpyArray.ofFloats(f, shape);
            }
            default -> throw new IllegalArgumentException("cannot store a " + a.dataType() + " array in a parameter archive");
        };
        return npy(array);
    }

    /** Any .npy array as bytes. */
    public static byte[] npy(NpyArray array) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, array);
        return out.toByteArray();
    }

    /**
     * The parameters an archive holds, by name in manifest order. Every problem (missing file, not
     * a zip, a corrupt entry, no parameter list) is a {@link MolecularFileException} naming the file.
     */
    public static Map<String, INDArray> read(Path file) throws IOException {
        try (Reader r = Reader.open(file, "parameter archive")) {
            return r.parameters();
        }
    }

    /**
     * Copies the parameters saved in an archive into {@code into}, by name and shape: the names
     * must match exactly (another architecture would not), and each shape too.
     */
    public static void load(Path file, Map<String, Parameter> into) throws IOException {
        Map<String, INDArray> saved = read(file);
        if (!saved.keySet().equals(into.keySet())) {
            throw new MolecularFileException(file, "holds parameters " + saved.size() + " that do not match the model's "
                    + into.size() + " (another architecture?)");
        }
        for (Map.Entry<String, Parameter> entry : into.entrySet()) {
            INDArray value = saved.get(entry.getKey());
            INDArray target = entry.getValue().value();
            if (!Arrays.equals(value.shape(), target.shape())) {
                throw new MolecularFileException(file, "parameter " + entry.getKey() + " has shape "
                        + Arrays.toString(value.shape()) + ", the model " + Arrays.toString(target.shape()));
            }
            target.assign(value);
        }
    }

    /**
     * An open archive, a file or one in memory, whose entries are read with their size and CRC-32
     * checked, so that a corrupt byte is an error naming the file and the entry. A file's entries
     * are read when asked for (a parameter file written by an earlier version, which was also its
     * training checkpoint, loads its parameters without reading the rest).
     */
    public static final class Reader implements AutoCloseable {
        /** The bytes of an entry, or null when there is none. */
        private interface Source extends AutoCloseable {
            byte[] read(String name) throws IOException;

            @Override
            void close() throws IOException;
        }

        private final Source source;
        private final Path file;
        private final String kind;
        private final JsonNode manifest;

        private Reader(Source source, Path file, String kind) throws IOException {
            this.source = source;
            this.file = file;
            this.kind = kind;
            try {
                this.manifest = JSON.readTree(bytes(MANIFEST));
            } catch (JsonProcessingException e) {
                throw new MolecularFileException(file, MANIFEST + " is not valid JSON (" + e.getOriginalMessage() + ")");
            }
        }

        /**
         * @param kind what the file is meant to be, for messages ("parameter archive")
         */
        public static Reader open(Path file, String kind) throws IOException {
            if (!Files.exists(file)) {
                throw new MolecularFileException(file, "no such file");
            }
            ZipFile zip;
            try {
                zip = new ZipFile(file.toFile());
            } catch (ZipException e) {
                throw unreadable(file, kind, e);
            }
            Source source = new Source() {
                @Override
                public byte[] read(String name) throws IOException {
                    ZipEntry entry = zip.getEntry(name);
                    if (entry == null) return null;
                    try (InputStream in = zip.getInputStream(entry)) {
                        return checked(file, entry, in.readAllBytes());
                    } catch (ZipException | java.io.EOFException e) {
                        throw new MolecularFileException(file, "entry " + name + " is corrupt (" + e.getMessage() + ")", e);
                    }
                }

                @Override
                public void close() throws IOException {
                    zip.close();
                }
            };
            try {
                return new Reader(source, file, kind);
            } catch (IOException | RuntimeException e) {
                zip.close();
                throw e;
            }
        }

        /**
         * An archive held in memory (a checkpoint's body), read whole; {@code file} is where it was
         * read from, for messages.
         */
        public static Reader of(byte[] archive, Path file, String kind) throws IOException {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new ByteArrayInputStream(archive))) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    byte[] bytes;
                    try {
                        bytes = zip.readAllBytes();
                    } catch (ZipException | java.io.EOFException e) {
                        throw new MolecularFileException(file, "entry " + entry.getName() + " is corrupt (" + e.getMessage() + ")", e);
                    }
                    entries.put(entry.getName(), checked(file, entry, bytes));
                }
            } catch (ZipException | java.io.EOFException e) {
                throw unreadable(file, kind, e instanceof ZipException z ? z : new ZipException(e.getMessage()));
            }
            if (entries.isEmpty()) throw unreadable(file, kind, new ZipException("no entries"));
            return new Reader(new Source() {
                @Override
                public byte[] read(String name) {
                    return entries.get(name);
                }

                @Override
                public void close() {}
            }, file, kind);
        }

        private static byte[] checked(Path file, ZipEntry entry, byte[] bytes) throws MolecularFileException {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if ((entry.getSize() >= 0 && bytes.length != entry.getSize()) || (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc())) {
                throw new MolecularFileException(file, "entry " + entry.getName() + " is corrupt (CRC-32 or size mismatch)");
            }
            return bytes;
        }

        /** The error for a file that is no zip archive, or a truncated or corrupt one. */
        public static MolecularFileException unreadable(Path file, String kind, ZipException e) {
            return new MolecularFileException(file, "not a readable " + kind + " (truncated, corrupt or not a "
                    + "zip archive: " + e.getMessage() + ")", e);
        }

        public Path file() {
            return file;
        }

        public JsonNode manifest() {
            return manifest;
        }

        public byte[] bytes(String name) throws IOException {
            byte[] bytes = source.read(name);
            if (bytes == null) {
                throw new MolecularFileException(file, kind + " has no entry " + name);
            }
            return bytes;
        }

        public NpyArray npy(String name) throws IOException {
            return Npy.read(new ByteArrayInputStream(bytes(name)), file + "[" + name + "]");
        }

        /** A float64 or float32 entry as an array of its own type. */
        public INDArray array(String name) throws IOException {
            NpyArray a = npy(name);
            long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
            return switch (a.dtype()) {
                case FLOAT64 -> Nd4j.create(a.asDoubles(), shape, DataType.DOUBLE);
                case FLOAT32 -> Nd4j.create(a.asFloats(), shape, 'c');
                default -> throw new MolecularFileException(file, "entry " + name + " has dtype " + a.dtype()
                        + ", expected float64 or float32");
            };
        }

        public int[] ints(String name) throws IOException {
            return npy(name).asInts();
        }

        /** The names of the manifest's parameter list, in order. */
        public java.util.List<String> parameterNames() throws IOException {
            JsonNode list = manifest.path("parameters");
            if (!list.isArray()) {
                throw new MolecularFileException(file, MANIFEST + " has no parameter list");
            }
            java.util.List<String> names = new java.util.ArrayList<>();
            for (JsonNode p : list) {
                names.add(p.path("name").asText());
            }
            return names;
        }

        public Map<String, INDArray> parameters() throws IOException {
            Map<String, INDArray> parameters = new LinkedHashMap<>();
            for (String name : parameterNames()) {
                parameters.put(name, array(entry(name)));
            }
            return parameters;
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
