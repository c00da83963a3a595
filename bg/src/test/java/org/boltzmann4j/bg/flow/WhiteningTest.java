package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class WhiteningTest {

    private static final double[] MEAN = {1.0, -2.0, 0.5};
    private static final double[][] SIGMA = {{2.0, 0.6, -0.3}, {0.6, 1.0, 0.2}, {-0.3, 0.2, 0.5}};
    private static final int M = 5000;

    private static double[] gaussianSamples(long seed) {
        RealMatrix l = new CholeskyDecomposition(new Array2DRowRealMatrix(SIGMA)).getL();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[M * 3];
        for (int r = 0; r < M; r++) {
            double[] e = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double[] v = l.operate(e);
            for (int j = 0; j < 3; j++) {
                x[r * 3 + j] = MEAN[j] + v[j];
            }
        }
        return x;
    }

    private static double[][] covariance(double[] x, int m, int d) {
        double[] mean = new double[d];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[r * d + j] / m;
            }
        }
        double[][] c = new double[d][d];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    c[i][j] += (x[r * d + i] - mean[i]) * (x[r * d + j] - mean[j]) / (m - 1);
                }
            }
        }
        return c;
    }

    @ParameterizedTest
    @EnumSource(Whitening.Method.class)
    void whitenedSamplesHaveIdentityCovarianceAndExactLogDet(Whitening.Method method) {
        double[] x = gaussianSamples(3);
        INDArray data = Batches.matrix(x, M, 3, DataType.DOUBLE);
        Whitening w = Whitening.fit(data, method, DataType.DOUBLE);
        Transform.Result white = w.inverse(data);
        double[] z = Batches.toDoubles(white.output());
        double[][] cz = covariance(z, M, 3);
        for (int i = 0; i < 3; i++) {
            double mean = 0;
            for (int r = 0; r < M; r++) {
                mean += z[r * 3 + i] / M;
            }
            assertEquals(0, mean, 1e-10, "whitened mean");
            for (int j = 0; j < 3; j++) {
                assertEquals(i == j ? 1 : 0, cz[i][j], 1e-10, "whitened covariance " + i + "," + j);
            }
        }
        double[][] sigmaHat = covariance(x, M, 3);
        double expected = -0.5 * Math.log(new LUDecomposition(new Array2DRowRealMatrix(sigmaHat)).getDeterminant());
        for (double ld : Batches.toDoubles(white.logDet())) {
            assertEquals(expected, ld, 1e-10, "log det of whitening = -1/2 log det Sigma_hat");
        }
        assertEquals(-expected, w.logDetForward(), 1e-10);
        // the fitted covariance estimates the true one: 5 standard errors, se^2 = (s_ii s_jj + s_ij^2) / m
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double se = Math.sqrt((SIGMA[i][i] * SIGMA[j][j] + SIGMA[i][j] * SIGMA[i][j]) / M);
                assertEquals(SIGMA[i][j], sigmaHat[i][j], 5 * se, "Sigma_hat " + i + "," + j);
            }
        }
        FiniteDifferences.assertArrayClose(data, w.forward(white.output()).output(), 1e-10, "colouring undoes whitening");
    }

    @Test
    void singularCovarianceIsRejected() {
        double[] x = new double[100 * 2];
        for (int r = 0; r < 100; r++) {
            x[2 * r] = r;
            x[2 * r + 1] = 2 * r;
        }
        INDArray data = Batches.matrix(x, 100, 2, DataType.DOUBLE);
        for (Whitening.Method m : Whitening.Method.values()) {
            assertThrows(IllegalArgumentException.class, () -> Whitening.fit(data, m, DataType.DOUBLE));
        }
    }
}
