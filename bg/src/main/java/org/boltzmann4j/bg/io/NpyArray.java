package org.boltzmann4j.bg.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional NumPy array in C (row-major) order: a dtype, a shape and the values.
 *
 * <p>Immutable: the factories take ownership of the array they are given (it is not copied, so
 * do not change it afterwards; a trajectory can be large) and every accessor returns a fresh
 * copy. The values are kept in the Java type that holds the dtype exactly (double[] for float64,
 * float[] for float32, long[] for int64, int[] for int32, byte[] for uint8 and bool), so a read
 * and a write give back the same bytes.
 */
public final class NpyArray {

    /** The element types this package reads and writes. */
    public enum DType {
        FLOAT64('f', 8),
        FLOAT32('f', 4),
        INT64('i', 8),
        INT32('i', 4),
        UINT8('u', 1),
        BOOL('b', 1);

        private final char kind;
        private final int itemSize;

        DType(char kind, int itemSize) {
            this.kind = kind;
            this.itemSize = itemSize;
        }

        /** Bytes per element. */
        public int itemSize() {
            return itemSize;
        }

        /** NumPy's type string as written to a header: '&lt;f8', '|u1'. */
        public String descr() {
            return (itemSize == 1 ? "|" : "<") + kind + itemSize;
        }

        /** The dtype for a NumPy type string without its byte-order mark ("f8", "b1"), or null. */
        static DType ofKindAndSize(char kind, int size) {
            for (DType t : values()) {
                if (t.kind == kind && t.itemSize == size) {
                    return t;
                }
            }
            return null;
        }

        boolean isFloating() {
            return kind == 'f';
        }
    }

    private final DType dtype;
    private final int[] shape;
    private final Object data;

    private NpyArray(DType dtype, int[] shape, Object data, int length) {
        this.dtype = dtype;
        this.shape = shape.clone();
        long size = 1;
        for (int d : this.shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        if (size != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " values, the data has " + length);
        }
        this.data = data;
    }

    /** A float64 array; without a shape it is 1-D. */
    public static NpyArray ofDoubles(double[] data, int... shape) {
        return new NpyArray(DType.FLOAT64, shapeOr1d(shape, data.length), data, data.length);
    }

    /** A float32 array; without a shape it is 1-D. */
    public static NpyArray ofFloats(float[] data, int... shape) {
        return new NpyArray(DType.FLOAT32, shapeOr1d(shape, data.length), data, data.length);
    }

    /** An int64 array; without a shape it is 1-D. */
    public static NpyArray ofLongs(long[] data, int... shape) {
        return new NpyArray(DType.INT64, shapeOr1d(shape, data.length), data, data.length);
    }

    /** An int32 array; without a shape it is 1-D. */
    public static NpyArray ofInts(int[] data, int... shape) {
        return new NpyArray(DType.INT32, shapeOr1d(shape, data.length), data, data.length);
    }

    /** A uint8 array (values 0..255 stored as Java's signed bytes). */
    public static NpyArray ofUnsignedBytes(byte[] data, int... shape) {
        return new NpyArray(DType.UINT8, shapeOr1d(shape, data.length), data, data.length);
    }

    /** A bool array. */
    public static NpyArray ofBooleans(boolean[] data, int... shape) {
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            bytes[i] = (byte) (data[i] ? 1 : 0);
        }
        return new NpyArray(DType.BOOL, shapeOr1d(shape, data.length), bytes, data.length);
    }

    /** Wraps storage of the Java type that {@code dtype} is kept in. */
    static NpyArray ofStorage(DType dtype, int[] shape, Object storage) {
        return new NpyArray(dtype, shape, storage, java.lang.reflect.Array.getLength(storage));
    }

    static Object newStorage(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT64 -> new double[size];
            case FLOAT32 -> new float[size];
            case INT64 -> new long[size];
            case INT32 -> new int[size];
            case UINT8, BOOL -> new byte[size];
        };
    }

    private static int[] shapeOr1d(int[] shape, int length) {
        return shape.length == 0 ? new int[] {length} : shape;
    }

    public DType dtype() {
        return dtype;
    }

    /** The shape (a copy); empty for a 0-d array, which holds one value. */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Length of one axis. */
    public int dim(int axis) {
        return shape[axis];
    }

    /** Number of values. */
    public int size() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** The values as float64, converting from any dtype (int64 beyond 2^53 rounds). */
    public double[] asDoubles() {
        return switch (data) {
            case double[] d -> d.clone();
            case float[] f -> {
                double[] out = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    out[i] = f[i];
                }
                yield out;
            }
            case long[] l -> Arrays.stream(l).asDoubleStream().toArray();
            case int[] n -> Arrays.stream(n).asDoubleStream().toArray();
            case byte[] b -> {
                double[] out = new double[b.length];
                for (int i = 0; i < b.length; i++) {
                    out[i] = b[i] & 0xff;
                }
                yield out;
            }
            default -> throw new AssertionError(data.getClass());
        };
    }

    /** The values as float32, converting (and for float64 rounding) from any dtype. */
    public float[] asFloats() {
        if (data instanceof float[] f) {
            return f.clone();
        }
        double[] d = asDoubles();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /**
     * The values as int64; only for integer and bool dtypes, since silently truncating
     * coordinates to integers is never what a caller meant.
     */
    public long[] asLongs() {
        return switch (data) {
            case long[] l -> l.clone();
            case int[] n -> Arrays.stream(n).asLongStream().toArray();
            case byte[] b -> {
                long[] out = new long[b.length];
                for (int i = 0; i < b.length; i++) {
                    out[i] = b[i] & 0xff;
                }
                yield out;
            }
            default -> throw new IllegalStateException("a " + dtype + " array has no integer values");
        };
    }

    /** The values as int32; only for integer and bool dtypes, and only if every value fits. */
    public int[] asInts() {
        if (data instanceof int[] n) {
            return n.clone();
        }
        long[] l = asLongs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i]) {
                throw new ArithmeticException("value " + l[i] + " at index " + i + " does not fit in an int");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** The storage itself, for this package's writers; never handed out. */
    Object storage() {
        return data;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other
                && dtype == other.dtype
                && Arrays.equals(shape, other.shape)
                && Objects.deepEquals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype.name().toLowerCase(java.util.Locale.ROOT) + " " + Arrays.toString(shape) + "]";
    }
}
