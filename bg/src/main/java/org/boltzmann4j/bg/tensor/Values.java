package org.boltzmann4j.bg.tensor;

import java.lang.ref.Reference;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Indexed access, in float64 arithmetic, to the native memory of a dense float64 or float32 array
 * (row-major index r * columns + c), so that one kernel serves both types: reads widen float32 to
 * float64, writes round to the array's type. Reads and writes go to the array itself; absolute
 * access only, so threads may share one instance as long as they write disjoint entries.
 *
 * <p>A view keeps its array allocated: ND4J frees an array's native memory once the array is
 * collected, and the NIO buffer over it does not refer to the array, so a view over an array that
 * nothing else refers to (a temporary, or one kept from a forward pass for backward) would read and
 * write freed memory. Each access ends in {@link Reference#reachabilityFence} of the array, which
 * keeps it reachable for as long as the view is used, also in compiled loops that no longer hold
 * the view itself.
 */
public abstract sealed class Values permits Values.Float64, Values.Float32 {

    /** A view of a dense array ({@link Batches#dense}) of type DOUBLE or FLOAT. */
    public static Values of(INDArray a) {
        return switch (a.dataType()) {
            case DOUBLE -> new Float64(Batches.doubles(a), a);
            case FLOAT -> new Float32(Batches.floats(a), a);
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
        private final INDArray owner;

        Float64(DoubleBuffer b, INDArray owner) {
            this.b = b;
            this.owner = owner;
        }

        @Override
        public double get(int i) {
            double v = b.get(i);
            Reference.reachabilityFence(owner);
            return v;
        }

        @Override
        public void set(int i, double v) {
            b.put(i, v);
            Reference.reachabilityFence(owner);
        }

        @Override
        public void get(int index, double[] to, int offset, int length) {
            b.get(index, to, offset, length);
            Reference.reachabilityFence(owner);
        }

        @Override
        public void put(int index, double[] from, int offset, int length) {
            b.put(index, from, offset, length);
            Reference.reachabilityFence(owner);
        }
    }

    static final class Float32 extends Values {
        private final FloatBuffer b;
        private final INDArray owner;

        Float32(FloatBuffer b, INDArray owner) {
            this.b = b;
            this.owner = owner;
        }

        @Override
        public double get(int i) {
            double v = b.get(i);
            Reference.reachabilityFence(owner);
            return v;
        }

        @Override
        public void set(int i, double v) {
            b.put(i, (float) v);
            Reference.reachabilityFence(owner);
        }

        @Override
        public void get(int index, double[] to, int offset, int length) {
            for (int k = 0; k < length; k++) {
                to[offset + k] = b.get(index + k);
            }
            Reference.reachabilityFence(owner);
        }

        @Override
        public void put(int index, double[] from, int offset, int length) {
            for (int k = 0; k < length; k++) {
                b.put(index + k, (float) from[offset + k]);
            }
            Reference.reachabilityFence(owner);
        }
    }
}
