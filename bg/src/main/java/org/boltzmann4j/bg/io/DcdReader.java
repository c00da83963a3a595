package org.boltzmann4j.bg.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Reads a DCD file one frame at a time, so a trajectory larger than memory can be streamed;
 * frames can also be read in any order, since every frame has the same size. Not thread-safe.
 *
 * <p>Iterating wraps read errors in {@link UncheckedIOException} (an Iterator cannot throw
 * checked exceptions); the cause is the {@link MolecularFileException}.
 */
public final class DcdReader implements Closeable, Iterable<Dcd.Frame> {

    private final FileChannel channel;
    private final String source;
    private final Dcd.Layout layout;
    private final int frames;
    private final ByteBuffer buffer;

    private DcdReader(FileChannel channel, String source, Dcd.Layout layout, int frames) {
        this.channel = channel;
        this.source = source;
        this.layout = layout;
        this.frames = frames;
        this.buffer = ByteBuffer.allocate(Math.toIntExact(layout.frameBytes())).order(layout.order());
    }

    static DcdReader open(Path file, boolean completeFramesOnly) throws IOException {
        FileChannel channel = FileInput.open(file);
        try {
            String source = file.toString();
            Dcd.Layout layout = Dcd.Layout.read(channel, source);
            long complete = layout.completeFrames(channel.size());
            int declared = layout.header().frames();
            long frames;
            if (declared <= 0) {
                frames = complete;
            } else if (complete < declared) {
                if (!completeFramesOnly) {
                    throw new MolecularFileException(source, "truncated at frame " + (complete + 1) + " of "
                            + declared + " (" + complete + " complete frames)");
                }
                frames = complete;
            } else {
                frames = declared;
            }
            if (frames > Integer.MAX_VALUE) {
                throw new MolecularFileException(source, "more than 2^31 frames");
            }
            return new DcdReader(channel, source, layout, (int) frames);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Dcd.Header header() {
        return layout.header();
    }

    /** Number of frames this reader gives (the header's count, or the complete frames present). */
    public int frames() {
        return frames;
    }

    /** Reads frame {@code index} (0-based). */
    public Dcd.Frame read(int index) throws IOException {
        double[] xyz = new double[layout.header().atoms() * 3];
        Optional<UnitCell> cell = readInto(index, xyz, 0);
        return new Dcd.Frame(index, xyz, cell);
    }

    /** Reads frame {@code index} into {@code xyz[offset .. offset + 3 * atoms]}, nm. */
    Optional<UnitCell> readInto(int index, double[] xyz, int offset) throws IOException {
        if (index < 0 || index >= frames) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + frames);
        }
        buffer.clear();
        int got = FileInput.readFully(channel, buffer, layout.frameOffset(index));
        if (got < buffer.capacity()) {
            throw new MolecularFileException(source, "truncated at frame " + (index + 1) + " of " + frames);
        }
        int atoms = layout.header().atoms();
        int position = 0;
        Optional<UnitCell> cell = Optional.empty();
        if (layout.header().hasUnitCell()) {
            checkMarkers(position, 48, index, "unit cell");
            cell = decodeCell(buffer, position + 4);
            position += 56;
        }
        String[] axis = {"x", "y", "z"};
        for (int k = 0; k < 3; k++) {
            checkMarkers(position, 4 * atoms, index, axis[k] + " coordinates");
            int base = position + 4;
            for (int a = 0; a < atoms; a++) {
                xyz[offset + 3 * a + k] = buffer.getFloat(base + 4 * a) / 10.0;
            }
            position += 8 + 4 * atoms;
        }
        return cell;
    }

    private void checkMarkers(int position, int length, int index, String what) throws MolecularFileException {
        int before = buffer.getInt(position);
        int after = buffer.getInt(position + 4 + length);
        if (before != length || after != length) {
            throw new MolecularFileException(source, "frame " + (index + 1) + ": bad record markers around the "
                    + what + " (" + before + " and " + after + ", expected " + length + ")");
        }
    }

    private static Optional<UnitCell> decodeCell(ByteBuffer b, int at) {
        double a = b.getDouble(at) / 10;
        double gamma = b.getDouble(at + 8);
        double bLength = b.getDouble(at + 16) / 10;
        double beta = b.getDouble(at + 24);
        double alpha = b.getDouble(at + 32);
        double c = b.getDouble(at + 40) / 10;
        if (Math.abs(alpha) <= 1 && Math.abs(beta) <= 1 && Math.abs(gamma) <= 1) {
            // CHARMM since c34, NAMD and OpenMM store cosines; older CHARMM stored degrees.
            alpha = degreesFromCosine(alpha);
            beta = degreesFromCosine(beta);
            gamma = degreesFromCosine(gamma);
        }
        try {
            return Optional.of(new UnitCell(a, bLength, c, alpha, beta, gamma));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // some writers set the flag and leave the cell zero
        }
    }

    private static double degreesFromCosine(double cos) {
        return cos == 0 ? 90 : Math.toDegrees(Math.acos(cos));
    }

    @Override
    public Iterator<Dcd.Frame> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < frames;
            }

            @Override
            public Dcd.Frame next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                try {
                    return read(next++);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
