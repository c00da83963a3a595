package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one path of {@link Blas}: OpenBLAS's gemm on the arrays' own memory, in both types and all
 * four transposition cases, against a triple loop in float64 (the independent reference).
 */
class BlasTest {

    private static double[] random(int length, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[length];
        for (int k = 0; k < length; k++) {
            a[k] = rng.nextGaussian();
        }
        return a;
    }

    /** op(a) (m, k) op(b) (k, n) by loops, a stored (ra, ca) and b (rb, cb) row-major. */
    private static double[] reference(double[] a, int ca, boolean ta, double[] b, int cb, boolean tb, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * ca + i] : a[i * ca + p];
                    double y = tb ? b[j * cb + p] : b[p * cb + j];
                    s += x * y;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @ParameterizedTest
    @CsvSource({"DOUBLE,false,false", "DOUBLE,true,false", "DOUBLE,false,true", "DOUBLE,true,true",
        "FLOAT,false,false", "FLOAT,true,false", "FLOAT,false,true", "FLOAT,true,true"})
    void gemmMatchesLoops(DataType type, boolean ta, boolean tb) {
        int m = 7, k = 5, n = 3;
        double[] a = random(m * k, 1);
        double[] b = random(k * n, 2);
        double[] c0 = random(m * n, 3);
        INDArray am = ta ? Batches.matrix(a, k, m, type) : Batches.matrix(a, m, k, type);
        INDArray bm = tb ? Batches.matrix(b, n, k, type) : Batches.matrix(b, k, n, type);
        // the same values as the arrays hold (float32 rounds them)
        double[] ar = Batches.toDoubles(am), br = Batches.toDoubles(bm), cr = Batches.toDoubles(Batches.matrix(c0, m, n, type));
        double[] expected = reference(ar, ta ? m : k, ta, br, tb ? k : n, tb, m, k, n);
        INDArray c = Batches.matrix(c0, m, n, type);
        Blas.gemm(am, ta, bm, tb, c, 2.0, 0.5);
        double[] got = Batches.toDoubles(c);
        double tol = type == DataType.DOUBLE ? 1e-13 : 1e-5;
        for (int e = 0; e < expected.length; e++) {
            double want = 2.0 * expected[e] + 0.5 * cr[e];
            assertEquals(want, got[e], tol * (1 + Math.abs(want)), "entry " + e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void refusesViewsMixedTypesAndWrongShapes(DataType type) {
        INDArray a = Batches.matrix(random(12, 4), 4, 3, type);
        INDArray b = Batches.matrix(random(6, 5), 3, 2, type);
        INDArray c = Batches.uninitialized(type, 4, 2);
        Blas.gemm(a, false, b, false, c, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> Blas.gemm(a.transpose(), false, b, false, c, 1, 0));
        DataType other = type == DataType.DOUBLE ? DataType.FLOAT : DataType.DOUBLE;
        assertThrows(IllegalArgumentException.class, () -> Blas.gemm(a.castTo(other), false, b, false, c, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Blas.gemm(a, true, b, false, c, 1, 0));
    }
}
