package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Dgemm} on slices of heap arrays against a triple loop: all four transpositions, offsets,
 * leading dimensions wider than the slice, beta, and products large enough to be cut into pieces
 * along the rows (m >= k) or along the inner dimension (k > m).
 */
class DgemmTest {

    @ParameterizedTest
    @CsvSource({"3,4,5", "70,64,64", "700,64,64", "64,64,700", "16,128,128", "40,128,128", "128,128,900"})
    void matchesLoops(int m, int n, int k) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k + (ta ? 1 : 0) + (tb ? 2 : 0));
                int ao = 3;
                int bo = 5;
                int co = 2;
                int lda = (ta ? m : k) + 2;
                int ldb = (tb ? k : n) + 1;
                int ldc = n + 3;
                double[] a = random((ta ? k : m) * lda + ao, rng);
                double[] b = random((tb ? n : k) * ldb + bo, rng);
                double[] c = random(m * ldc + co, rng);
                double[] expected = c.clone();
                double alpha = 0.7;
                double beta = -0.4;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            double x = ta ? a[ao + p * lda + i] : a[ao + i * lda + p];
                            double y = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
                            s += x * y;
                        }
                        expected[co + i * ldc + j] = alpha * s + beta * c[co + i * ldc + j];
                    }
                }
                Dgemm.gemm(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
                for (int q = 0; q < c.length; q++) {
                    assertEquals(expected[q], c[q], 1e-12 * Math.sqrt(k) * 4, "entry " + q + " ta=" + ta + " tb=" + tb);
                }
            }
        }
    }

    private static double[] random(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int q = 0; q < n; q++) {
            v[q] = rng.nextGaussian();
        }
        return v;
    }
}
