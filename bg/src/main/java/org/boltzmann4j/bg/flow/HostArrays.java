package org.boltzmann4j.bg.flow;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves batches between ND4J and plain Java arrays. Elementwise work (splines, gathers, feature
 * maps) runs in Java loops over double[] because a chain of small ND4J ops costs more in per-op
 * overhead than the arithmetic itself.
 */
final class HostArrays {

    private HostArrays() {}

    /** Row-major copy of all entries, whatever the array's order, offset or type. */
    static double[] read(INDArray a) {
        INDArray c = dense(a) ? a : a.dup('c');
        int length = (int) c.length();
        double[] out = new double[length];
        if (length == 0) {
            return out;
        }
        switch (c.dataType()) {
            // bulk copies through a direct buffer over the native memory: DataBuffer.asDouble()
            // and Nd4j.create(double[]) move one element per call and cost ten times as much
            case DOUBLE -> doubles(c).get(0, out, 0, length);
            case FLOAT -> {
                float[] f = new float[length];
                floats(c).get(0, f, 0, length);
                for (int i = 0; i < length; i++) {
                    out[i] = f[i];
                }
            }
            default -> {
                return c.data().asDouble();
            }
        }
        return out;
    }

    /** A row-major (rows, cols) matrix of the given type holding {@code data}. */
    static INDArray matrix(double[] data, int rows, int cols, DataType type) {
        if ((long) rows * cols == 0) {
            return Nd4j.create(type, rows, cols);
        }
        INDArray m = Nd4j.createUninitialized(type, rows, cols);
        write(m, data);
        return m;
    }

    static INDArray vector(double[] data) {
        if (data.length == 0) {
            return Nd4j.create(DataType.DOUBLE, 0);
        }
        INDArray v = Nd4j.createUninitialized(DataType.DOUBLE, data.length);
        write(v, data);
        return v;
    }

    /** Overwrites all entries of a dense array (as {@link #dense}) with {@code data}, rounded to its type. */
    static void write(INDArray target, double[] data) {
        int length = (int) target.length();
        if (!dense(target) || data.length < length) {
            throw new IllegalArgumentException("cannot write " + data.length + " values into " + target.shapeInfoToString());
        }
        switch (target.dataType()) {
            case DOUBLE -> doubles(target).put(0, data, 0, length);
            case FLOAT -> {
                float[] f = new float[length];
                for (int i = 0; i < length; i++) {
                    f[i] = (float) data[i];
                }
                floats(target).put(0, f, 0, length);
            }
            default -> throw new IllegalArgumentException("flows run in DOUBLE or FLOAT, not " + target.dataType());
        }
    }

    /** Adds {@code data} to every entry of a dense array, in place (gradient accumulation). */
    static void add(INDArray target, double[] data) {
        int length = (int) target.length();
        if (!dense(target) || data.length < length) {
            throw new IllegalArgumentException("cannot add " + data.length + " values to " + target.shapeInfoToString());
        }
        switch (target.dataType()) {
            case DOUBLE -> {
                DoubleBuffer d = doubles(target);
                for (int i = 0; i < length; i++) {
                    d.put(i, d.get(i) + data[i]);
                }
            }
            case FLOAT -> {
                FloatBuffer f = floats(target);
                for (int i = 0; i < length; i++) {
                    f.put(i, (float) (f.get(i) + data[i]));
                }
            }
            default -> throw new IllegalArgumentException("flows run in DOUBLE or FLOAT, not " + target.dataType());
        }
    }

    /** Row-major, at offset 0 of a buffer of exactly its length: its memory is its entries in order. */
    static boolean dense(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length();
    }

    private static DoubleBuffer doubles(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    private static FloatBuffer floats(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Rejects anything but an (n, dimension) matrix of the expected type. */
    static int requireBatch(INDArray x, int dimension, DataType type, String who) {
        if (x == null) {
            throw new IllegalArgumentException(who + ": input is null");
        }
        if (x.rank() != 2 || x.size(1) != dimension) {
            throw new IllegalArgumentException(who + ": expected shape (n, " + dimension + "), got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dataType() != type) {
            throw new IllegalArgumentException(who + ": expected " + type + " input, got " + x.dataType()
                    + " (convert explicitly with castTo)");
        }
        return (int) x.size(0);
    }

    /** dL/d(logDet) as a double[n]; null means zero. */
    static double[] readLogDetGrad(INDArray g, int n) {
        if (g == null) {
            return new double[n];
        }
        if (g.length() != n) {
            throw new IllegalArgumentException("gradLogDet: expected length " + n + ", got " + g.length());
        }
        return read(g);
    }

    /** dL/d(output) as a double[n * d]; null means zero. */
    static double[] readOutputGrad(INDArray g, int n, int d) {
        if (g == null) {
            return new double[n * d];
        }
        if (g.rank() != 2 || g.size(0) != n || g.size(1) != d) {
            throw new IllegalArgumentException("gradOutput: expected shape (" + n + ", " + d + "), got "
                    + Arrays.toString(g.shape()));
        }
        return read(g);
    }

    static void requireType(DataType type) {
        if (type != DataType.DOUBLE && type != DataType.FLOAT) {
            throw new IllegalArgumentException("flows run in DOUBLE or FLOAT, not " + type);
        }
    }
}
