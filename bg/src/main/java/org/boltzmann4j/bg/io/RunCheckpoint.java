package org.boltzmann4j.bg.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The checkpoint container of every resumable run of the library ({@code bg md}, {@code bg
 * hybrid}; a training run may put its archive in the body too): one record per checkpoint in the
 * two slots of {@link CheckpointSlots} (slot magic, sequence number, length, CRC-32), whose
 * payload is
 *
 * <pre>
 *   int32 (big endian)  n, the length of the header
 *   n bytes             JSON header {"format": NAME, "version": V, ...the run's settings and progress}
 *   the rest            the run's own binary body (OpenMM checkpoints, chain states, ...)
 * </pre>
 *
 * The header names the format and its version, so a file of one run kind is never read as
 * another, and holds the settings a resume must repeat ({@link Saved#requireSame}).
 */
public final class RunCheckpoint implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CheckpointSlots slots;
    private final String format;
    private final int version;

    private RunCheckpoint(CheckpointSlots slots, String format, int version) {
        this.slots = slots;
        this.format = format;
        this.version = version;
    }

    /** Opens the checkpoint {@code name} of a run folder for writing; {@code fresh} deletes an earlier one first. */
    public static RunCheckpoint open(Path dir, String name, String format, int version, boolean fresh) throws IOException {
        if (fresh) CheckpointSlots.delete(dir, name);
        return new RunCheckpoint(CheckpointSlots.open(dir, name), format, version);
    }

    /** A header with this checkpoint's format and version, for the run to add its fields to. */
    public ObjectNode header() {
        return JSON.createObjectNode().put("format", format).put("version", version);
    }

    /**
     * Writes a checkpoint record.
     *
     * @param durable also force it to the disk (a run's last checkpoint); without, a killed process
     *     keeps it and a power cut may not
     */
    public void write(ObjectNode header, byte[] body, boolean durable) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 + json.length + body.length);
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            data.writeInt(json.length);
            data.write(json);
            data.write(body);
        }
        slots.write(bytes.toByteArray(), durable);
    }

    @Override
    public void close() throws IOException {
        slots.close();
    }

    /**
     * Whether a run folder holds an intact checkpoint {@code name}. Slots that are missing or empty
     * (a run killed before its first checkpoint) hold none; so do written slots that are all
     * corrupt, which {@link #read} reports and {@link #unreadable} tells apart.
     */
    public static boolean exists(Path dir, String name) throws IOException {
        return CheckpointSlots.exists(dir, name);
    }

    /** Whether slots of {@code name} were written but hold no intact record (a torn or lost write). */
    public static boolean unreadable(Path dir, String name) throws IOException {
        return CheckpointSlots.written(dir, name) && !CheckpointSlots.exists(dir, name);
    }

    /**
     * Reads the newest intact record. Errors name the file: none to resume from
     * ({@link NoSuchFileException}), both slots corrupt, another format or a newer version
     * ({@link MolecularFileException}).
     */
    public static Saved read(Path dir, String name, String format, int version) throws IOException {
        Path file = dir.resolve(name);
        byte[] record = CheckpointSlots.readLatest(dir, name);
        if (record == null) {
            if (CheckpointSlots.written(dir, name))
                throw new MolecularFileException(file, "no intact checkpoint record (both slots corrupt)");
            throw new NoSuchFileException(file.toString(), null, "no checkpoint to resume from");
        }
        JsonNode header;
        int offset;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            int n = in.readInt();
            if (n < 0 || n > record.length - 4) throw new IOException("header length " + n);
            byte[] json = new byte[n];
            in.readFully(json);
            header = JSON.readTree(json);
            offset = 4 + n;
        } catch (IOException | RuntimeException e) {
            throw new MolecularFileException(file, "not a readable checkpoint (" + e.getMessage() + ")", e);
        }
        String was = header.path("format").asText("");
        int v = header.path("version").asInt(-1);
        if (!format.equals(was) || v < 1 || v > version)
            throw new MolecularFileException(file, "not a " + format + " checkpoint of version 1 to " + version
                    + " (it holds '" + was + "' version " + v + ")");
        return new Saved(file, header, Arrays.copyOfRange(record, offset, record.length));
    }

    /** A checkpoint record read back: its file (for messages), header and body. */
    public record Saved(Path file, JsonNode header, byte[] body) {
        public DataInputStream bodyStream() {
            return new DataInputStream(new ByteArrayInputStream(body));
        }

        /** The settings a resume must repeat: a difference is one line naming the option. */
        public void requireSame(String key, String option, long now) {
            long was = header.path(key).asLong();
            if (!header.has(key) || was != now) mismatch(option, header.path(key).asText(), Long.toString(now));
        }

        public void requireSame(String key, String option, double now) {
            double was = header.path(key).asDouble();
            if (!header.has(key) || was != now) mismatch(option, Double.toString(was), Double.toString(now));
        }

        public void requireSame(String key, String option, String now) {
            String was = header.path(key).asText();
            if (!header.has(key) || !was.equals(now)) mismatch(option, was, now);
        }

        private void mismatch(String option, String was, String now) {
            throw new IllegalArgumentException(file + ": the run was made with " + option + " " + was + ", not " + now
                    + "; resume with the same settings");
        }

        /** An error in the body: the file, what is wrong. */
        public MolecularFileException corrupt(Exception cause) {
            return new MolecularFileException(file, "not a readable checkpoint (" + cause.getMessage() + ")", cause);
        }
    }
}
