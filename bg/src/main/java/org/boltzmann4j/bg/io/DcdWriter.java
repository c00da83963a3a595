package org.boltzmann4j.bg.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a DCD file frame by frame, for MD runs and samplers that produce frames over time.
 *
 * <p>After every frame the file is a complete, valid DCD: each frame goes to the file at once
 * (no buffering in Java), and only then does the header's frame count (NSET) and last step get
 * updated in place. A killed run therefore leaves a header that matches the frames before the
 * one being written; readers ignore any partial frame after them. {@link #sync()} forces the
 * data to disk as well, for surviving a power cut rather than a killed process.
 *
 * <p>A new file's header is written atomically ({@link AtomicFile}); an existing one can be
 * reopened to append, after truncating it to the frames a resumed run wants to keep. Not
 * thread-safe.
 */
public final class DcdWriter implements Closeable {

    private final FileChannel channel;
    private final String source;
    private final ByteOrder order;
    private final boolean charmm;
    private final int atoms;
    private final boolean unitCell;
    private final long firstFrameOffset;
    private final ByteBuffer frame;
    private int frames;
    private int startStep;
    private int interval;
    private double timestepPs;

    private DcdWriter(FileChannel channel, String source, Dcd.Layout layout, int frames) {
        Dcd.Header h = layout.header();
        this.channel = channel;
        this.source = source;
        this.order = layout.order();
        this.charmm = layout.charmm();
        this.atoms = h.atoms();
        this.unitCell = h.hasUnitCell();
        this.firstFrameOffset = layout.firstFrameOffset();
        this.frame = ByteBuffer.allocate(Math.toIntExact(layout.frameBytes())).order(order);
        this.frames = frames;
        this.startStep = h.startStep();
        this.interval = Math.max(1, h.interval());
        this.timestepPs = h.timestepPs();
    }

    /**
     * Creates (or replaces) {@code file} with a header for {@code atoms} atoms and no frames.
     *
     * @param unitCell whether every frame will carry a unit cell (periodic systems)
     */
    public static DcdWriter create(Path file, int atoms, boolean unitCell, Dcd.Timing timing) throws IOException {
        if (atoms <= 0) {
            throw new IllegalArgumentException("a DCD needs at least one atom, got " + atoms);
        }
        ByteBuffer header = Dcd.encodeHeader(atoms, unitCell, timing, 0, ByteOrder.LITTLE_ENDIAN);
        AtomicFile.writeBytes(file, Arrays.copyOf(header.array(), header.limit()));
        return open(file, atoms, -1);
    }

    /**
     * Opens an existing DCD to append after the frames its header counts (dropping a partial frame
     * a killed writer left).
     */
    public static DcdWriter append(Path file, int atoms) throws IOException {
        return open(file, atoms, -1);
    }

    /**
     * Opens an existing DCD to append after its first {@code keepFrames} frames; later frames are
     * cut off. A resumed MD run passes the number of frames its checkpoint had written.
     */
    public static DcdWriter append(Path file, int atoms, int keepFrames) throws IOException {
        if (keepFrames < 0) {
            throw new IllegalArgumentException("keepFrames must be >= 0, got " + keepFrames);
        }
        return open(file, atoms, keepFrames);
    }

    private static DcdWriter open(Path file, int atoms, int keepFrames) throws IOException {
        String source = file.toString();
        FileChannel channel = FileInput.open(file, StandardOpenOption.WRITE);
        try {
            Dcd.Layout layout = Dcd.Layout.read(channel, source);
            if (layout.header().atoms() != atoms) {
                throw new MolecularFileException(source, "holds " + layout.header().atoms() + " atoms, not " + atoms);
            }
            long complete = layout.completeFrames(channel.size());
            int declared = layout.header().frames();
            long keep;
            if (keepFrames >= 0) {
                if (keepFrames > complete) {
                    throw new MolecularFileException(source, "cannot keep " + keepFrames + " frames: it holds "
                            + complete + " complete frames");
                }
                keep = keepFrames;
            } else if (declared > complete) {
                throw new MolecularFileException(source, "truncated at frame " + (complete + 1) + " of " + declared
                        + " (" + complete + " complete frames); append with an explicit frame count to keep them");
            } else {
                keep = declared > 0 ? declared : complete;
            }
            DcdWriter writer = new DcdWriter(channel, source, layout, Math.toIntExact(keep));
            channel.truncate(layout.frameOffset(keep));
            writer.updateHeader();
            return writer;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Frames in the file so far. */
    public int frames() {
        return frames;
    }

    public int atoms() {
        return atoms;
    }

    /** Whether frames carry a unit cell. */
    public boolean hasUnitCell() {
        return unitCell;
    }

    /** Appends a frame without a unit cell; {@code xyz} is atoms * 3 coordinates in nm. */
    public void write(double[] xyz) throws IOException {
        write(xyz, null);
    }

    /** Appends a frame; {@code cell} must be given exactly when the file has unit cells. */
    public void write(double[] xyz, UnitCell cell) throws IOException {
        if (xyz.length != 3 * atoms) {
            throw new IllegalArgumentException("a frame of " + atoms + " atoms has " + 3 * atoms
                    + " coordinates, got " + xyz.length);
        }
        if ((cell != null) != unitCell) {
            throw new IllegalArgumentException(unitCell ? source + " has a unit cell in every frame; give one"
                    : source + " has no unit cells; write frames without one");
        }
        if (frames == Integer.MAX_VALUE) {
            throw new MolecularFileException(source, "a DCD holds at most 2^31 - 1 frames");
        }
        frame.clear();
        Dcd.encodeFrame(frame, xyz, 0, atoms, cell);
        frame.flip();
        long position = firstFrameOffset + frames * (long) frame.capacity();
        while (frame.hasRemaining()) {
            position += channel.write(frame, position);
        }
        frames++;
        updateHeader();
    }

    /** Appends every frame of {@code frames}; {@code cells} is empty or one per frame. */
    public void write(Frames frames, List<UnitCell> cells) throws IOException {
        if (frames.atoms() != atoms || (!cells.isEmpty() && cells.size() != frames.frames())) {
            throw new IllegalArgumentException(frames + " with " + cells.size() + " cells do not fit " + source);
        }
        for (int f = 0; f < frames.frames(); f++) {
            write(frames.frame(f), cells.isEmpty() ? null : cells.get(f));
        }
    }

    /** Forces everything written so far to the disk. */
    public void sync() throws IOException {
        channel.force(false);
    }

    private void updateHeader() throws IOException {
        if (Dcd.lastStep(startStep, frames, interval) > Integer.MAX_VALUE && interval > 1) {
            // Like OpenMM: past 2^31 steps, count in frames instead, so that the header's step
            // fields stay 32-bit and the total time (steps * time step) stays right.
            startStep /= interval;
            timestepPs *= interval;
            interval = 1;
            ByteBuffer timing = ByteBuffer.allocate(8).order(order);
            timing.putInt(0, startStep).putInt(4, interval);
            writeAt(timing, Dcd.ISTART_OFFSET);
            ByteBuffer delta = ByteBuffer.allocate(charmm ? 4 : 8).order(order);
            if (charmm) {
                delta.putFloat(0, (float) (timestepPs / Dcd.AKMA_PS));
            } else {
                delta.putDouble(0, timestepPs / Dcd.AKMA_PS);
            }
            writeAt(delta, Dcd.DELTA_OFFSET);
        }
        ByteBuffer count = ByteBuffer.allocate(4).order(order).putInt(0, frames);
        writeAt(count, Dcd.NSET_OFFSET);
        long last = Math.min(Integer.MAX_VALUE, Dcd.lastStep(startStep, frames, interval));
        writeAt(ByteBuffer.allocate(4).order(order).putInt(0, (int) last), Dcd.NSTEP_OFFSET);
    }

    private void writeAt(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            position += channel.write(b, position);
        }
    }

    /** Forces the file to disk and closes it. */
    @Override
    public void close() throws IOException {
        try (channel) {
            channel.force(false);
        }
    }
}
