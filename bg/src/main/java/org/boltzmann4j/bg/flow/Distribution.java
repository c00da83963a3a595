package org.boltzmann4j.bg.flow;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A base (latent) density of a flow. Points are matrices (n, dimension()); log-densities, their
 * gradients and samples are float64 whatever the type of the input (cast samples explicitly for a
 * float32 flow).
 */
public interface Distribution {

    int dimension();

    /** log p(x) per sample, float64 (n). */
    INDArray logProb(INDArray x);

    /** d log p / dx, float64 (n, dimension()), for backpropagation through the base density. */
    INDArray gradLogProb(INDArray x);

    /** n independent samples, float64 (n, dimension()), drawing from {@code rng} in a fixed order. */
    INDArray sample(int n, RandomGenerator rng);

    default INDArray sample(int n, long seed) {
        return sample(n, new SplittableRandom(seed));
    }

    /** Unit-variance normal on R^d: log p = -|x|^2 / 2 - (d / 2) log(2 pi). */
    static StandardNormal standardNormal(int dimension) {
        return new StandardNormal(dimension);
    }

    /** Uniform on the torus [-pi, pi)^d: log p = -d log(2 pi). */
    static UniformCircle uniformCircle(int dimension) {
        return new UniformCircle(dimension);
    }
}
