package org.boltzmann4j.bg.cnf;

import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conditional flow-matching path of the TBG: x_t = (1 - t) x0 + t x1 + sigma eps, target u = x1 - x0
 * (eps mean-free when {@code atoms} > 0, so x_t stays centre-of-mass free). CONTRACT SKELETON (cnf branch).
 */
public final class LinearPath {

    public LinearPath(double sigma) {
        throw new UnsupportedOperationException("LinearPath: contract skeleton, filled by the cnf branch");
    }

    public double sigma() {
        throw new UnsupportedOperationException();
    }

    /** x_t and u for rows x0, x1 (B, D) at per-row times t (B). */
    public Point sample(INDArray x0, INDArray x1, INDArray t, RandomGenerator rng, boolean meanFreeNoise) {
        throw new UnsupportedOperationException();
    }

    /** A point on the path and the target velocity there. */
    public record Point(INDArray xt, INDArray target) {}
}
