package org.boltzmann4j.bg.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * A checkpoint written often and cheaply, yet never lost half-written: two slot files
 * ({@code NAME.a}, {@code NAME.b}) kept open and overwritten in turn, each record carrying a
 * sequence number, its length and a CRC-32. A run killed while writing one slot leaves the other
 * with the previous checkpoint; {@link #readLatest} returns the newest record whose CRC matches.
 *
 * <p>Why not {@link AtomicFile}: creating and renaming a file per checkpoint costs about half a
 * millisecond here, as much as fifty MD steps of a small molecule, and a run checkpoints at every
 * saved frame. Overwriting an open file costs microseconds.
 */
public final class CheckpointSlots implements Closeable {
    private static final byte[] MAGIC = "B4JSLOT1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 8 + 4 + 4;

    private final FileChannel[] slots = new FileChannel[2];
    private final Path[] paths;
    private long sequence;

    private CheckpointSlots(Path[] paths, long nextSequence) throws IOException {
        this.paths = paths;
        this.sequence = nextSequence;
        for (int i = 0; i < 2; i++) {
            slots[i] = FileChannel.open(paths[i], StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
    }

    /** Opens the slots {@code NAME.a} and {@code NAME.b} in {@code dir}, continuing after any record there. */
    public static CheckpointSlots open(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Latest latest = latest(dir, name);
        return new CheckpointSlots(slotPaths(dir, name), latest == null ? 0 : latest.sequence() + 1);
    }

    /** Whether {@code dir} holds a valid record of {@code name}. */
    public static boolean exists(Path dir, String name) throws IOException {
        return latest(dir, name) != null;
    }

    /**
     * Whether any slot of {@code name} holds bytes. Slots are created empty when a run opens them,
     * so a run killed before its first checkpoint leaves empty slots: never written, not corrupt.
     */
    public static boolean written(Path dir, String name) throws IOException {
        for (Path p : slotPaths(dir, name)) {
            if (Files.isRegularFile(p) && Files.size(p) > 0) return true;
        }
        return false;
    }

    /** The newest valid record's payload, or null when there is none. */
    public static byte[] readLatest(Path dir, String name) throws IOException {
        Latest latest = latest(dir, name);
        return latest == null ? null : latest.payload();
    }

    /** Deletes both slots (a run starting anew). */
    public static void delete(Path dir, String name) throws IOException {
        for (Path p : slotPaths(dir, name)) Files.deleteIfExists(p);
    }

    /**
     * Writes a record into the older slot.
     *
     * @param durable also force it to the disk (the last checkpoint of a run); without, a killed
     *     process keeps it, a power cut may not
     */
    public void write(byte[] payload, boolean durable) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        record.put(MAGIC).putLong(sequence).putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        FileChannel slot = slots[(int) (sequence & 1)];
        long position = 0;
        while (record.hasRemaining()) position += slot.write(record, position);
        if (durable) slot.force(true);
        sequence++;
    }

    @Override
    public void close() throws IOException {
        try (FileChannel a = slots[0]; FileChannel b = slots[1]) {
            // closes both
        }
    }

    private record Latest(long sequence, byte[] payload) {}

    private static Path[] slotPaths(Path dir, String name) {
        return new Path[] {dir.resolve(name + ".a"), dir.resolve(name + ".b")};
    }

    private static Latest latest(Path dir, String name) throws IOException {
        Latest best = null;
        for (Path p : slotPaths(dir, name)) {
            Latest r = read(p);
            if (r != null && (best == null || r.sequence() > best.sequence())) best = r;
        }
        return best;
    }

    /** A slot's record, or null if the slot is missing, empty, torn or corrupt. */
    private static Latest read(Path p) throws IOException {
        if (!Files.isRegularFile(p)) return null;
        byte[] bytes = Files.readAllBytes(p);
        if (bytes.length < HEADER) return null;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) return null;
        long sequence = b.getLong();
        int length = b.getInt();
        int crc = b.getInt();
        if (length < 0 || length > bytes.length - HEADER) return null;
        byte[] payload = new byte[length];
        b.get(payload);
        CRC32 check = new CRC32();
        check.update(payload);
        return (int) check.getValue() == crc ? new Latest(sequence, payload) : null;
    }
}
