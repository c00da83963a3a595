package org.boltzmann4j.bg.flow;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The standard normal density N(0, I) on R^d. */
public record StandardNormal(int dimension) implements Distribution {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    public StandardNormal {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be positive: " + dimension);
        }
    }

    @Override
    public INDArray logProb(INDArray x) {
        int n = rows(x);
        Values a = Values.of(Batches.contiguous(x));
        INDArray lp = Nd4j.createUninitialized(DataType.DOUBLE, n);
        Values l = Values.of(lp);
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int j = 0; j < dimension; j++) {
                double v = a.get(r * dimension + j);
                s += v * v;
            }
            l.set(r, -0.5 * s - 0.5 * dimension * LOG_2PI);
        }
        return lp;
    }

    @Override
    public INDArray gradLogProb(INDArray x) {
        rows(x);
        return Batches.contiguous(x, DataType.DOUBLE).neg();
    }

    @Override
    public INDArray sample(int n, RandomGenerator rng) {
        double[] a = new double[n * dimension];
        for (int k = 0; k < a.length; k++) {
            a[k] = rng.nextGaussian();
        }
        return Batches.matrix(a, n, dimension, DataType.DOUBLE);
    }

    private int rows(INDArray x) {
        if (x.rank() != 2 || x.size(1) != dimension) {
            throw new IllegalArgumentException("expected (n, " + dimension + "), got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return (int) x.size(0);
    }
}
