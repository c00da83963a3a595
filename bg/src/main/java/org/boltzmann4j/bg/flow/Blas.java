package org.boltzmann4j.bg.flow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The three matrix products of a dense layer h W, for batches held in Java arrays and weights held
 * in ND4J arrays: the forward product, and in backward the weight gradient h^T g (accumulated) and
 * the input gradient g W^T.
 *
 * <p>They call OpenBLAS's cblas_dgemm / cblas_sgemm (the library under ND4J's CPU backend) on
 * the weights' own memory and on per-thread scratch memory into which the batch is copied. That
 * skips what {@code Nd4j.gemm} adds to each product (an op object, shape checks, a result array
 * allocated and later freed by the garbage collector), which costs about as much as a 256 x 256
 * product itself. Results are those of the same BLAS routine, so they are deterministic for a
 * given thread count as before. Where OpenBLAS cannot be called directly, Nd4j.gemm does the work.
 */
final class Blas {

    private Blas() {}

    private static final boolean DIRECT = loadOpenBlas();

    private static boolean loadOpenBlas() {
        try {
            Nd4j.create(DataType.DOUBLE, 1); // the backend loads and configures OpenBLAS first
            openblas_nolapack.cblas_ddot(0, (DoublePointer) null, 1, (DoublePointer) null, 1);
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    /** out (n, fout) = x (n, fin) w (fin, fout); w dense, of the computation's type. */
    static void forward(double[] x, int n, int fin, INDArray w, int fout, double[] out) {
        if (n == 0) {
            return;
        }
        DataType type = w.dataType();
        if (!DIRECT || !HostArrays.dense(w)) {
            INDArray o = Nd4j.createUninitialized(type, n, fout);
            Nd4j.gemm(HostArrays.matrix(x, n, fin, type), w, o, false, false, 1.0, 0.0);
            copy(HostArrays.read(o), out);
            return;
        }
        Scratch s = Scratch.LOCAL.get();
        s.upload(0, x, (long) n * fin, type);
        s.reserve(1, (long) n * fout, type);
        if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans, n, fout, fin, 1.0, s.doublePointer(0), fin,
                    new DoublePointer(w.data().addressPointer()), fout, 0.0, s.doublePointer(1), fout);
        } else {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                    openblas_nolapack.CblasNoTrans, n, fout, fin, 1.0f, s.floatPointer(0), fin,
                    new FloatPointer(w.data().addressPointer()), fout, 0.0f, s.floatPointer(1), fout);
        }
        s.download(1, out, (long) n * fout, type);
    }

    /**
     * Backward of out = x w: wGrad (fin, fout) += x^T g, and gx (n, fin) = g w^T unless gx is null.
     */
    static void backward(double[] x, double[] g, int n, int fin, INDArray w, INDArray wGrad, int fout, double[] gx) {
        if (n == 0) {
            return;
        }
        DataType type = w.dataType();
        if (!DIRECT || !HostArrays.dense(w) || !HostArrays.dense(wGrad) || wGrad.dataType() != type) {
            INDArray gm = HostArrays.matrix(g, n, fout, type);
            Nd4j.gemm(HostArrays.matrix(x, n, fin, type), gm, wGrad, true, false, 1.0, 1.0);
            if (gx != null) {
                copy(HostArrays.read(gm.mmul(w.transpose())), gx);
            }
            return;
        }
        Scratch s = Scratch.LOCAL.get();
        s.upload(0, x, (long) n * fin, type);
        s.upload(1, g, (long) n * fout, type);
        if (gx != null) {
            s.reserve(2, (long) n * fin, type);
        }
        if (type == DataType.DOUBLE) {
            DoublePointer wp = new DoublePointer(w.data().addressPointer());
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                    openblas_nolapack.CblasNoTrans, fin, fout, n, 1.0, s.doublePointer(0), fin, s.doublePointer(1), fout,
                    1.0, new DoublePointer(wGrad.data().addressPointer()), fout);
            if (gx != null) {
                openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, n, fin, fout, 1.0, s.doublePointer(1), fout, wp, fout, 0.0,
                        s.doublePointer(2), fin);
            }
        } else {
            FloatPointer wp = new FloatPointer(w.data().addressPointer());
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
                    openblas_nolapack.CblasNoTrans, fin, fout, n, 1.0f, s.floatPointer(0), fin, s.floatPointer(1), fout,
                    1.0f, new FloatPointer(wGrad.data().addressPointer()), fout);
            if (gx != null) {
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, n, fin, fout, 1.0f, s.floatPointer(1), fout, wp, fout, 0.0f,
                        s.floatPointer(2), fin);
            }
        }
        if (gx != null) {
            s.download(2, gx, (long) n * fin, type);
        }
    }

    private static void copy(double[] from, double[] to) {
        System.arraycopy(from, 0, to, 0, from.length);
    }

    /**
     * Native memory for the operands of one product, per thread (a product runs on the calling
     * thread, so concurrent callers never share it). Slots only grow; they hold the largest batch
     * seen, which is freed with the thread.
     */
    private static final class Scratch {
        static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        private final BytePointer[] memory = new BytePointer[3];
        private final DoublePointer[] doubles = new DoublePointer[3];
        private final FloatPointer[] floats = new FloatPointer[3];
        private final DoubleBuffer[] doubleViews = new DoubleBuffer[3];
        private final FloatBuffer[] floatViews = new FloatBuffer[3];

        void reserve(int slot, long elements, DataType type) {
            long bytes = elements * (type == DataType.DOUBLE ? Double.BYTES : Float.BYTES);
            if (memory[slot] != null && memory[slot].capacity() >= bytes) {
                return;
            }
            if (memory[slot] != null) {
                memory[slot].deallocate();
            }
            BytePointer m = new BytePointer(Math.max(bytes, 64));
            memory[slot] = m;
            doubles[slot] = new DoublePointer(m);
            floats[slot] = new FloatPointer(m);
            ByteBuffer b = m.position(0).limit(m.capacity()).asByteBuffer().order(ByteOrder.nativeOrder());
            doubleViews[slot] = b.asDoubleBuffer();
            floatViews[slot] = b.asFloatBuffer();
        }

        // float32: converted in a Java array (a loop the JIT vectorises), then one bulk copy
        private float[] staging = new float[0];

        void upload(int slot, double[] from, long elements, DataType type) {
            reserve(slot, elements, type);
            int length = (int) elements;
            if (type == DataType.DOUBLE) {
                doubleViews[slot].put(0, from, 0, length);
            } else {
                float[] f = staging(length);
                for (int i = 0; i < length; i++) {
                    f[i] = (float) from[i];
                }
                floatViews[slot].put(0, f, 0, length);
            }
        }

        void download(int slot, double[] to, long elements, DataType type) {
            int length = (int) elements;
            if (type == DataType.DOUBLE) {
                doubleViews[slot].get(0, to, 0, length);
            } else {
                float[] f = staging(length);
                floatViews[slot].get(0, f, 0, length);
                for (int i = 0; i < length; i++) {
                    to[i] = f[i];
                }
            }
        }

        private float[] staging(int length) {
            if (staging.length < length) {
                staging = new float[length];
            }
            return staging;
        }

        DoublePointer doublePointer(int slot) {
            return doubles[slot];
        }

        FloatPointer floatPointer(int slot) {
            return floats[slot];
        }
    }
}
