package org.boltzmann4j.bg.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Checks, views and conversions of batches: the one place where an {@link INDArray} meets plain
 * memory.
 *
 * <p>A dense array ({@link #dense}) is row-major at offset 0 of a buffer of exactly its length, so
 * its native memory is its entries in order. Kernels work on such arrays in place through
 * {@link #doubles}/{@link #floats} (direct NIO buffers over the memory: the JIT compiles their
 * indexed get/put to plain loads and stores) or through {@link #segment} (a {@link MemorySegment}
 * over the memory, for native calls such as OpenMM's). Arrays that are not dense (views, column-major,
 * offsets) are made dense by {@link #contiguous}, the one copy a kernel may need on input.
 *
 * <p>Copies between Java arrays and ND4J ({@link #toDoubles}, {@link #matrix}, {@link #vector})
 * are for the edges: files, options, small parameter vectors, tests.
 */
public final class Batches {

    private Batches() {}

    /** Rejects anything but an (n, columns) matrix of the expected type; returns n. */
    public static int requireBatch(INDArray x, int columns, DataType type, String who) {
        if (x == null) {
            throw new IllegalArgumentException(who + ": input is null");
        }
        if (x.rank() != 2 || x.size(1) != columns) {
            throw new IllegalArgumentException(who + ": expected shape (n, " + columns + "), got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dataType() != type) {
            throw new IllegalArgumentException(who + ": expected " + type + " input, got " + x.dataType()
                    + " (convert explicitly with castTo)");
        }
        return (int) x.size(0);
    }

    /** Flows and their kernels run in float64 or float32, nothing else. */
    public static void requireType(DataType type) {
        if (type != DataType.DOUBLE && type != DataType.FLOAT) {
            throw new IllegalArgumentException("flows run in DOUBLE or FLOAT, not " + type);
        }
    }

    /** Row-major, at offset 0 of a buffer of exactly its length: its memory is its entries in order. */
    public static boolean dense(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
    }

    /** The array itself when {@link #dense}, otherwise a dense copy. */
    public static INDArray contiguous(INDArray a) {
        return dense(a) ? a : a.dup('c');
    }

    /** The array itself when dense and of the given type, otherwise a dense copy converted to it. */
    public static INDArray contiguous(INDArray a, DataType type) {
        if (a.dataType() != type) {
            return a.castTo(type).dup('c');
        }
        return contiguous(a);
    }

    /**
     * The entries of a dense float64 array, in place: writes go to the array. The buffer does not
     * keep the array allocated (ND4J frees it once the array is collected): the caller keeps the
     * array reachable while it uses the buffer (a local used afterwards, or
     * {@link java.lang.ref.Reference#reachabilityFence}), or uses {@link Values}, which does.
     */
    public static DoubleBuffer doubles(INDArray a) {
        requireDense(a, DataType.DOUBLE);
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    /** The entries of a dense float32 array, in place: writes go to the array; kept allocated by the caller, as for {@link #doubles}. */
    public static FloatBuffer floats(INDArray a) {
        requireDense(a, DataType.FLOAT);
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The native memory of a dense array (float64 or float32), for native code that reads or writes
     * it in place. The segment is valid while the array is reachable.
     */
    public static MemorySegment segment(INDArray a) {
        if (!dense(a)) {
            throw new IllegalArgumentException("not a dense row-major array: " + a.shapeInfoToString());
        }
        if (a.length() == 0) {
            return MemorySegment.NULL;
        }
        return MemorySegment.ofBuffer(a.data().asNio());
    }

    private static void requireDense(INDArray a, DataType type) {
        if (a.dataType() != type || !dense(a)) {
            throw new IllegalArgumentException("expected a dense row-major " + type + " array, got "
                    + a.shapeInfoToString());
        }
    }

    /** An uninitialised dense (rows, columns) matrix. */
    public static INDArray uninitialized(DataType type, int rows, int columns) {
        return (long) rows * columns == 0 ? Nd4j.create(type, rows, columns) : Nd4j.createUninitialized(type, rows, columns);
    }

    /** A zero-filled dense float64 vector of length n. */
    public static INDArray zeros(int n) {
        return Nd4j.zeros(DataType.DOUBLE, n);
    }

    /** Row-major copy of all entries, whatever the array's order, offset or type (an edge). */
    public static double[] toDoubles(INDArray a) {
        INDArray c = contiguous(a);
        int length = (int) c.length();
        double[] out = new double[length];
        if (length == 0) {
            return out;
        }
        if (c.dataType() != DataType.DOUBLE && c.dataType() != DataType.FLOAT) {
            return c.data().asDouble();
        }
        // a bulk copy through the view (which keeps c, often a temporary, allocated): DataBuffer.asDouble() moves one element per call
        Values.of(c).get(0, out, 0, length);
        return out;
    }

    /** A dense (rows, columns) matrix of the given type holding a copy of {@code data} (an edge). */
    public static INDArray matrix(double[] data, int rows, int columns, DataType type) {
        INDArray m = uninitialized(type, rows, columns);
        if ((long) rows * columns > 0) {
            write(m, data);
        }
        return m;
    }

    /** A float64 vector holding a copy of {@code data} (an edge). */
    public static INDArray vector(double[] data) {
        if (data.length == 0) {
            return Nd4j.create(DataType.DOUBLE, 0);
        }
        INDArray v = Nd4j.createUninitialized(DataType.DOUBLE, data.length);
        doubles(v).put(0, data, 0, data.length);
        return v;
    }

    /** Overwrites all entries of a dense array with {@code data}, rounded to its type. */
    public static void write(INDArray target, double[] data) {
        int length = (int) target.length();
        if (!dense(target) || data.length < length) {
            throw new IllegalArgumentException("cannot write " + data.length + " values into " + target.shapeInfoToString());
        }
        Values.of(target).put(0, data, 0, length); // DOUBLE or FLOAT, rounded to the type
    }

    /**
     * A gradient argument of a backward pass as a dense array of the given type and shape
     * (rows, columns), or a dense length-rows vector when columns is 0; null means zero. The
     * argument itself when it already is one (no copy).
     */
    public static INDArray gradient(INDArray g, int rows, int columns, DataType type, String who) {
        if (g == null) {
            return columns == 0 ? Nd4j.zeros(type, rows) : Nd4j.zeros(type, rows, columns);
        }
        boolean ok = columns == 0 ? g.length() == rows : g.rank() == 2 && g.size(0) == rows && g.size(1) == columns;
        if (!ok) {
            throw new IllegalArgumentException(who + ": expected gradient " + (columns == 0 ? "of length " + rows
                    : "of shape (" + rows + ", " + columns + ")") + ", got " + Arrays.toString(g.shape()));
        }
        // a dense array's memory is its entries in order whatever its rank, so a (n, 1) or (1, n)
        // gradient of a log-det serves as it is
        return contiguous(g, type);
    }
}
