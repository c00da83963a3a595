package org.boltzmann4j.bg.flow;

import org.boltzmann4j.bg.tensor.Batches;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products of dense layers, c = alpha op(a) op(b) + beta c, on the arrays' own native
 * memory: OpenBLAS's cblas_dgemm / cblas_sgemm (the library under ND4J's CPU backend), called
 * directly. That skips what {@code Nd4j.gemm} adds to each product (an op object, shape checks, a
 * result array), which costs about as much as a 256 x 256 product itself; the arithmetic is the
 * same BLAS routine, deterministic for a given thread count.
 *
 * <p>There is one path and no fallback: if OpenBLAS cannot be called, the first use fails with
 * the reason, rather than running a slower untested path in silence.
 */
final class Blas {

    private Blas() {}

    static {
        try {
            Nd4j.create(DataType.DOUBLE, 1); // the backend loads and configures OpenBLAS first
            openblas_nolapack.cblas_ddot(0, (DoublePointer) null, 1, (DoublePointer) null, 1);
        } catch (Throwable e) {
            throw new IllegalStateException("OpenBLAS (org.bytedeco:openblas) cannot be called on this machine, "
                    + "and the flows' matrix products need it: " + e, e);
        }
    }

    /**
     * c (m, n) = alpha op(a) op(b) + beta c, op(x) = x or x^T; all dense row-major and of one type
     * (float64 or float32).
     */
    static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        DataType type = c.dataType();
        if (a.dataType() != type || b.dataType() != type || !Batches.dense(a) || !Batches.dense(b) || !Batches.dense(c)
                || a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("Blas.gemm: dense row-major matrices of one type expected, got "
                    + a.shapeInfoToString() + ", " + b.shapeInfoToString() + ", " + c.shapeInfoToString());
        }
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (transA ? a.size(0) : a.size(1));
        if ((transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(1) : b.size(0)) != k
                || (transB ? b.size(0) : b.size(1)) != n) {
            throw new IllegalArgumentException("Blas.gemm: shapes do not agree: " + java.util.Arrays.toString(a.shape())
                    + (transA ? "^T" : "") + " x " + java.util.Arrays.toString(b.shape()) + (transB ? "^T" : "")
                    + " -> " + java.util.Arrays.toString(c.shape()));
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            c.muli(beta);
            return;
        }
        int ta = transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int tb = transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
        int lda = (int) a.size(1);
        int ldb = (int) b.size(1);
        if (type == DataType.DOUBLE) {
            openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, alpha,
                    new DoublePointer(a.data().addressPointer()), lda, new DoublePointer(b.data().addressPointer()), ldb,
                    beta, new DoublePointer(c.data().addressPointer()), n);
        } else if (type == DataType.FLOAT) {
            openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, m, n, k, (float) alpha,
                    new FloatPointer(a.data().addressPointer()), lda, new FloatPointer(b.data().addressPointer()), ldb,
                    (float) beta, new FloatPointer(c.data().addressPointer()), n);
        } else {
            throw new IllegalArgumentException("Blas.gemm: DOUBLE or FLOAT, not " + type);
        }
        // the pointers hold addresses only: keep the arrays allocated until BLAS has returned
        java.lang.ref.Reference.reachabilityFence(a);
        java.lang.ref.Reference.reachabilityFence(b);
        java.lang.ref.Reference.reachabilityFence(c);
    }
}
