package org.boltzmann4j.bg.coordinates;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * INDArray boundaries of the double[] kernels. Coordinates are float64 only (the project's design notes); other
 * types are rejected rather than converted. (The flow package has its own package-private copy of
 * these few lines; if a third caller appears, they belong in one public place.)
 */
final class Batches {

    private Batches() {}

    static int requireBatch(INDArray a, int columns, String who) {
        if (a == null) {
            throw new IllegalArgumentException(who + ": input is null");
        }
        if (a.rank() != 2 || a.size(1) != columns) {
            throw new IllegalArgumentException(who + ": expected shape (n, " + columns + "), got "
                    + Arrays.toString(a.shape()));
        }
        if (a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(who + ": expected DOUBLE input, got " + a.dataType()
                    + " (convert explicitly with castTo)");
        }
        return (int) a.size(0);
    }

    /** Row-major copy of all entries whatever the array's order, offset or view status. */
    static double[] read(INDArray a) {
        INDArray c = a;
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length()) {
            c = a.dup('c');
        }
        return c.data().asDouble();
    }

    /** A gradient argument as double[rows * columns]; null means zero. */
    static double[] readGradient(INDArray g, int rows, int columns, String who) {
        if (g == null) {
            return new double[rows * columns];
        }
        if (g.length() != (long) rows * columns || (columns > 1 && (g.rank() != 2 || g.size(0) != rows))) {
            throw new IllegalArgumentException(who + ": expected " + (columns > 1 ? "shape (" + rows + ", "
                    + columns + ")" : "length " + rows) + ", got " + Arrays.toString(g.shape()));
        }
        return read(g.dataType() == DataType.DOUBLE ? g : g.castTo(DataType.DOUBLE));
    }

    static INDArray matrix(double[] data, int rows, int columns) {
        return Nd4j.create(data, new long[] {rows, columns}, DataType.DOUBLE);
    }

    static INDArray vector(double[] data) {
        return Nd4j.create(data, new long[] {data.length}, DataType.DOUBLE);
    }
}
