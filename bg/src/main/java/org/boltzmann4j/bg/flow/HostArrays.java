package org.boltzmann4j.bg.flow;

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
        INDArray c = a;
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length()) {
            c = a.dup('c');
        }
        return c.data().asDouble();
    }

    /** A row-major (rows, cols) matrix of the given type holding {@code data}. */
    static INDArray matrix(double[] data, int rows, int cols, DataType type) {
        INDArray m = Nd4j.create(data, new long[] {rows, cols}, DataType.DOUBLE);
        return type == DataType.DOUBLE ? m : m.castTo(type);
    }

    static INDArray vector(double[] data) {
        return Nd4j.create(data, new long[] {data.length}, DataType.DOUBLE);
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
