package org.boltzmann4j.bg.cnf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * c = alpha op(a) op(b) + beta c on slices of Java double arrays (row-major, leading dimensions as
 * in CBLAS), by OpenBLAS's cblas_dgemm (the library under ND4J's CPU backend) through a critical
 * foreign downcall that reads and writes the arrays in place: the EGNN's kernels keep their
 * activations in heap arrays, where the JIT vectorises the elementwise loops, and multiply them
 * without a copy. flow/Blas is the same routine for whole INDArrays.
 *
 * <p>Every product is cut into pieces whose m n k is at most OpenBLAS's threshold for threading
 * itself (65536 x GEMM_MULTITHREAD_THRESHOLD): each piece then runs on the calling thread alone, so
 * that the callers' own threads (one sample each) run in parallel instead of queueing for
 * OpenBLAS's one thread pool, and the arithmetic does not depend on the machine's thread count.
 */
final class Dgemm {

    private static final long SINGLE_THREAD_MNK = 65536L * openblas_nolapack.OPENBLAS_GEMM_MULTITHREAD_THRESHOLD;
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final MethodHandle DGEMM;

    static {
        try {
            Nd4j.create(DataType.DOUBLE, 1); // the backend loads and configures OpenBLAS first
            Loader.load(openblas_nolapack.class);
            Pointer symbol = Loader.addressof("cblas_dgemm");
            if (symbol == null || symbol.isNull()) {
                throw new IllegalStateException("symbol cblas_dgemm not found");
            }
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            ValueLayout.OfDouble d = ValueLayout.JAVA_DOUBLE;
            FunctionDescriptor fd = FunctionDescriptor.ofVoid(i, i, i, i, i, i, d, ValueLayout.ADDRESS, i,
                    ValueLayout.ADDRESS, i, d, ValueLayout.ADDRESS, i);
            DGEMM = Linker.nativeLinker().downcallHandle(MemorySegment.ofAddress(symbol.address()), fd,
                    Linker.Option.critical(true));
        } catch (Throwable e) {
            throw new IllegalStateException("OpenBLAS's cblas_dgemm cannot be called on this machine, "
                    + "and the EGNN's matrix products need it: " + e, e);
        }
    }

    private Dgemm() {}

    /**
     * c[co ..] (m, n; row stride ldc) = alpha op(a) op(b) + beta c, with op(a) (m, k) read from a[ao ..]
     * (stored (m, k) with stride lda, or (k, m) when transA) and op(b) (k, n) from b[bo ..] likewise.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int ao, int lda,
            double[] b, int bo, int ldb, double beta, double[] c, int co, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if ((long) m * n * k <= SINGLE_THREAD_MNK || k == 0) {
            call(transA, transB, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
        } else if (m >= k) {
            int rows = (int) Math.max(1, SINGLE_THREAD_MNK / ((long) n * k));
            for (int r = 0; r < m; r += rows) {
                int mr = Math.min(rows, m - r);
                call(transA, transB, mr, n, k, alpha, a, ao + (transA ? r : r * lda), lda, b, bo, ldb, beta, c,
                        co + r * ldc, ldc);
            }
        } else {
            // long inner dimension (a weight gradient summed over edges): slices of k, accumulated
            int depth = (int) Math.max(1, SINGLE_THREAD_MNK / ((long) m * n));
            for (int q = 0; q < k; q += depth) {
                int kq = Math.min(depth, k - q);
                call(transA, transB, m, n, kq, alpha, a, ao + (transA ? q * lda : q), lda, b, bo + (transB ? q : q * ldb),
                        ldb, q == 0 ? beta : 1.0, c, co, ldc);
            }
        }
    }

    private static void call(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int ao,
            int lda, double[] b, int bo, int ldb, double beta, double[] c, int co, int ldc) {
        if (k == 0) {
            for (int r = 0; r < m; r++) {
                for (int j = 0; j < n; j++) {
                    c[co + r * ldc + j] *= beta;
                }
            }
            return;
        }
        try {
            DGEMM.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha,
                    MemorySegment.ofArray(a).asSlice(8L * ao), lda, MemorySegment.ofArray(b).asSlice(8L * bo), ldb,
                    beta, MemorySegment.ofArray(c).asSlice(8L * co), ldc);
        } catch (Throwable e) {
            throw new IllegalStateException("cblas_dgemm failed: " + e, e);
        }
    }
}
