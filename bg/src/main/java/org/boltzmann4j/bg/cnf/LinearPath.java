package org.boltzmann4j.bg.cnf;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conditional flow-matching path of the TBG (Klein and Noe 2024; Tong et al. 2023):
 * x_t = (1 - t) x0 + t x1 + sigma eps with eps ~ N(0, I), and the regression target u = x1 - x0,
 * x0 a prior sample and x1 a data sample. A field trained on it approaches the marginal velocity
 * E[u | x_t = x], whose flow carries the prior to the data (smoothed by sigma). With
 * {@code meanFreeNoise} each row's eps has its per-axis mean over atoms removed (rows of 3N
 * atom-major coordinates), so that x_t stays centre-of-mass free when x0 and x1 are; each noise
 * component then has variance sigma^2 (1 - 1/N).
 */
public final class LinearPath {

    private final double sigma;

    public LinearPath(double sigma) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("path sigma must be >= 0 and finite, got " + sigma);
        }
        this.sigma = sigma;
    }

    public double sigma() {
        return sigma;
    }

    /**
     * x_t and u for rows x0, x1 (B, D) at per-row times t (B) in [0, 1]. The noise is B x D normals
     * drawn row by row from {@code rng} (none when sigma is 0).
     */
    public Point sample(INDArray x0, INDArray x1, INDArray t, RandomGenerator rng, boolean meanFreeNoise) {
        if (x0 == null || x1 == null || t == null) {
            throw new IllegalArgumentException("LinearPath.sample: x0, x1 and t are required");
        }
        int d = (int) x0.size(x0.rank() - 1);
        int n = Batches.requireBatch(x0, d, DataType.DOUBLE, "LinearPath x0");
        if (Batches.requireBatch(x1, d, DataType.DOUBLE, "LinearPath x1") != n) {
            throw new IllegalArgumentException("LinearPath: x0 has " + n + " rows and x1 " + x1.size(0));
        }
        if (t.length() != n || t.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("LinearPath: expected " + n + " float64 times, got " + t.length()
                    + " of " + t.dataType());
        }
        if (meanFreeNoise && d % 3 != 0) {
            throw new IllegalArgumentException("LinearPath: mean-free noise needs rows of 3N coordinates, got " + d);
        }
        Values a = Values.of(Batches.contiguous(x0));
        Values b = Values.of(Batches.contiguous(x1));
        Values tv = Values.of(Batches.contiguous(t));
        INDArray xt = Batches.uninitialized(DataType.DOUBLE, n, d);
        INDArray target = Batches.uninitialized(DataType.DOUBLE, n, d);
        Values xv = Values.of(xt);
        Values uv = Values.of(target);
        double[] eps = new double[d];
        for (int r = 0; r < n; r++) {
            double tr = tv.get(r);
            if (!(tr >= 0 && tr <= 1)) {
                throw new IllegalArgumentException("LinearPath: times must be in [0, 1], row " + r + " has " + tr);
            }
            if (sigma > 0) {
                for (int c = 0; c < d; c++) {
                    eps[c] = rng.nextGaussian();
                }
                if (meanFreeNoise) {
                    MeanFreeNormal.removeMean(eps, d);
                }
            }
            for (int c = 0; c < d; c++) {
                int i = r * d + c;
                double p = a.get(i);
                double q = b.get(i);
                xv.set(i, (1 - tr) * p + tr * q + sigma * eps[c]);
                uv.set(i, q - p);
            }
        }
        return new Point(xt, target);
    }

    /** A point on the path and the target velocity there. */
    public record Point(INDArray xt, INDArray target) {}
}
