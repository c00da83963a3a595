package org.boltzmann4j.bg.cnf;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.flow.Distribution;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The isotropic Gaussian of N atoms restricted to mean-free configurations (the mean over atoms of
 * each Cartesian axis is 0; 3N - 3 dimensions), standard deviation s:
 * log p(z) = -|z|^2 / (2 s^2) - ((3N - 3) / 2) log(2 pi s^2). CONTRACT SKELETON (cnf branch).
 */
public final class MeanFreeNormal implements Distribution {

    public MeanFreeNormal(int atoms, double sigma) {
        throw new UnsupportedOperationException("MeanFreeNormal: contract skeleton, filled by the cnf branch");
    }

    public int atoms() {
        throw new UnsupportedOperationException();
    }

    public double sigma() {
        throw new UnsupportedOperationException();
    }

    @Override
    public int dimension() {
        throw new UnsupportedOperationException();
    }

    @Override
    public INDArray logProb(INDArray x) {
        throw new UnsupportedOperationException();
    }

    @Override
    public INDArray gradLogProb(INDArray x) {
        throw new UnsupportedOperationException();
    }

    @Override
    public INDArray sample(int n, RandomGenerator rng) {
        throw new UnsupportedOperationException();
    }

    /** Subtracts each row's per-axis mean over atoms in place (rows (B, 3N)). */
    public static void removeMean(INDArray x) {
        throw new UnsupportedOperationException();
    }
}
