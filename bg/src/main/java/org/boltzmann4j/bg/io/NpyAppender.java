package org.boltzmann4j.bg.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A float64 .npy file that grows by rows, for values a long run produces one at a time (the
 * energy of each saved MD frame). Appending costs O(row), not O(file).
 *
 * <p>The header NumPy writes reserves room for the first dimension to grow (see
 * {@link Npy}), so its length does not change with the row count and is rewritten in place after
 * each row's values: a killed writer leaves a file whose header counts only complete rows, the
 * same guarantee {@link DcdWriter} gives for frames.
 */
public final class NpyAppender implements Closeable {
    private final FileChannel channel;
    private final String source;
    private final int[] rowShape;
    private final int rowValues;
    private final long dataOffset;
    private final ByteBuffer buffer;
    private int rows;

    private NpyAppender(FileChannel channel, String source, int[] rowShape, long dataOffset, int rows) {
        this.channel = channel;
        this.source = source;
        this.rowShape = rowShape.clone();
        this.rowValues = Arrays.stream(rowShape).reduce(1, (a, b) -> a * b);
        this.dataOffset = dataOffset;
        this.buffer = ByteBuffer.allocate(8 * Math.max(1, rowValues)).order(ByteOrder.LITTLE_ENDIAN);
        this.rows = rows;
    }

    /** Creates (or replaces, atomically) a float64 file of shape (0, rowShape...). */
    public static NpyAppender create(Path file, int... rowShape) throws IOException {
        AtomicFile.writeBytes(file, Npy.header(NpyArray.DType.FLOAT64, shape(0, rowShape)));
        return open(file, 0, rowShape);
    }

    /** Opens an existing float64 file to append after its first {@code keepRows} rows (later ones are cut). */
    public static NpyAppender append(Path file, int keepRows, int... rowShape) throws IOException {
        return open(file, keepRows, rowShape);
    }

    private static NpyAppender open(Path file, int keepRows, int[] rowShape) throws IOException {
        FileChannel channel = FileInput.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            NpyArray existing = Npy.read(file);
            int[] shape = existing.shape();
            if (existing.dtype() != NpyArray.DType.FLOAT64 || shape.length != rowShape.length + 1
                    || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), rowShape)) {
                throw new MolecularFileException(file, "is " + existing.dtype() + " " + Arrays.toString(shape)
                        + ", not float64 rows of shape " + Arrays.toString(rowShape));
            }
            if (keepRows > shape[0]) throw new MolecularFileException(file, "holds " + shape[0] + " rows, cannot keep " + keepRows);
            long header = Npy.header(NpyArray.DType.FLOAT64, shape(shape[0], rowShape)).length;
            NpyAppender appender = new NpyAppender(channel, file.toString(), rowShape, header, keepRows);
            channel.truncate(header + 8L * appender.rowValues * keepRows);
            appender.writeHeader();
            return appender;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static int[] shape(int rows, int[] rowShape) {
        int[] shape = new int[rowShape.length + 1];
        shape[0] = rows;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return shape;
    }

    /** Appends one row (rowShape's values in C order). */
    public void append(double... row) throws IOException {
        if (row.length != rowValues) throw new IllegalArgumentException(source + ": a row holds " + rowValues + " values, got " + row.length);
        buffer.clear();
        for (double v : row) buffer.putDouble(v);
        buffer.flip();
        long position = dataOffset + 8L * rowValues * rows;
        while (buffer.hasRemaining()) position += channel.write(buffer, position);
        rows++;
        writeHeader();
    }

    /** Appends several rows at once (their values in C order), rewriting the header once. */
    public void appendRows(double[] values, int count) throws IOException {
        if (count < 0 || (long) count * rowValues > values.length)
            throw new IllegalArgumentException(source + ": " + count + " rows need " + (long) count * rowValues + " values, got " + values.length);
        if (count == 0) return;
        ByteBuffer b = ByteBuffer.allocate(8 * rowValues * count).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count * rowValues; i++) b.putDouble(values[i]);
        b.flip();
        long position = dataOffset + 8L * rowValues * rows;
        while (b.hasRemaining()) position += channel.write(b, position);
        rows += count;
        writeHeader();
    }

    public int rows() {
        return rows;
    }

    private void writeHeader() throws IOException {
        byte[] header = Npy.header(NpyArray.DType.FLOAT64, shape(rows, rowShape));
        if (header.length != dataOffset) throw new IllegalStateException(source + ": the .npy header changed length");
        ByteBuffer b = ByteBuffer.wrap(header);
        long position = 0;
        while (b.hasRemaining()) position += channel.write(b, position);
    }

    /** Forces the rows written so far to the disk. */
    public void sync() throws IOException {
        channel.force(false);
    }

    /** Forces the file to disk and closes it. */
    @Override
    public void close() throws IOException {
        try (channel) {
            channel.force(false);
        }
    }
}
