package org.boltzmann4j.bg.tensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Indexed access, in float64 arithmetic, to the native memory of a dense float64 or float32 array
 * (row-major index r * columns + c), so that one kernel serves both types: reads widen float32 to
 * float64, writes round to the array's type. Reads and writes go to the array itself; absolute
 * access only, so threads may share one instance as long as they write disjoint entries.
 */
public abstract sealed class Values permits Values.Float64, Values.Float32 {

    /** A view of a dense array ({@link Batches#dense}) of type DOUBLE or FLOAT. */
    public static Values of(INDArray a) {
        return switch (a.dataType()) {
            case DOUBLE -> new Float64(Batches.doubles(a));
            case FLOAT -> new Float32(Batches.floats(a));
            default -> throw new IllegalArgumentException("flows run in DOUBLE or FLOAT, not " + a.dataType());
        };
    }

    public abstract double get(int i);

    public abstract void set(int i, double v);

    /** Copies entries [index, index + length) into to[offset ..]. */
    public abstract void get(int index, double[] to, int offset, int length);

    /** Writes from[offset .. offset + length) into entries [index, index + length). */
    public abstract void put(int index, double[] from, int offset, int length);

    public void add(int i, double v) {
        set(i, get(i) + v);
    }

    static final class Float64 extends Values {
        private final DoubleBuffer b;

        Float64(DoubleBuffer b) {
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(i);
        }

        @Override
        public void set(int i, double v) {
            b.put(i, v);
        }

        @Override
        public void get(int index, double[] to, int offset, int length) {
            b.get(index, to, offset, length);
        }

        @Override
        public void put(int index, double[] from, int offset, int length) {
            b.put(index, from, offset, length);
        }
    }

    static final class Float32 extends Values {
        private final FloatBuffer b;

        Float32(FloatBuffer b) {
            this.b = b;
        }

        @Override
        public double get(int i) {
            return b.get(i);
        }

        @Override
        public void set(int i, double v) {
            b.put(i, (float) v);
        }

        @Override
        public void get(int index, double[] to, int offset, int length) {
            for (int k = 0; k < length; k++) {
                to[offset + k] = b.get(index + k);
            }
        }

        @Override
        public void put(int index, double[] from, int offset, int length) {
            for (int k = 0; k < length; k++) {
                b.put(index + k, (float) from[offset + k]);
            }
        }
    }
}
