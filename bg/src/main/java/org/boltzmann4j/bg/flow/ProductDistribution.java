package org.boltzmann4j.bg.flow;

import org.boltzmann4j.bg.tensor.Batches;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Independent densities on disjoint blocks of dimensions, log p(x) = sum over blocks of log
 * p_b(x[block]); e.g. a normal for bonds and angles and a uniform circle for torsions. Every
 * dimension belongs to exactly one block; a block lists its dimensions in the order its
 * distribution sees them. Sampling draws block after block, in the order given.
 */
public final class ProductDistribution implements Distribution {

    /** A distribution over the listed dimensions. */
    public record Block(int[] dims, Distribution distribution) {
        public Block {
            dims = dims.clone();
            if (dims.length != distribution.dimension()) {
                throw new IllegalArgumentException("block of " + dims.length + " dimensions, distribution of "
                        + distribution.dimension());
            }
        }
    }

    private final int dimension;
    private final List<Block> blocks;

    public ProductDistribution(int dimension, List<Block> blocks) {
        boolean[] covered = new boolean[dimension];
        for (Block b : blocks) {
            for (int i : b.dims()) {
                if (i < 0 || i >= dimension || covered[i]) {
                    throw new IllegalArgumentException("dimension " + i + " is out of range or in two blocks");
                }
                covered[i] = true;
            }
        }
        for (int i = 0; i < dimension; i++) {
            if (!covered[i]) {
                throw new IllegalArgumentException("dimension " + i + " is in no block");
            }
        }
        this.dimension = dimension;
        this.blocks = List.copyOf(blocks);
    }

    /**
     * Standard normal on the non-circular dimensions and uniform on [-pi, pi) on the circular
     * ones, the usual base density of a flow over internal coordinates.
     */
    public static ProductDistribution normalAndCircle(boolean[] circular) {
        List<Integer> lin = new ArrayList<>();
        List<Integer> circ = new ArrayList<>();
        for (int i = 0; i < circular.length; i++) {
            (circular[i] ? circ : lin).add(i);
        }
        List<Block> blocks = new ArrayList<>();
        if (!lin.isEmpty()) {
            blocks.add(new Block(lin.stream().mapToInt(Integer::intValue).toArray(), new StandardNormal(lin.size())));
        }
        if (!circ.isEmpty()) {
            blocks.add(new Block(circ.stream().mapToInt(Integer::intValue).toArray(), new UniformCircle(circ.size())));
        }
        return new ProductDistribution(circular.length, blocks);
    }

    public List<Block> blocks() {
        return blocks;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public INDArray logProb(INDArray x) {
        int n = rows(x);
        double[] a = Batches.toDoubles(x);
        double[] lp = new double[n];
        for (Block b : blocks) {
            double[] part = Batches.toDoubles(b.distribution().logProb(gather(a, n, b.dims())));
            for (int r = 0; r < n; r++) {
                lp[r] += part[r];
            }
        }
        return Batches.vector(lp);
    }

    @Override
    public INDArray gradLogProb(INDArray x) {
        int n = rows(x);
        double[] a = Batches.toDoubles(x);
        double[] g = new double[n * dimension];
        for (Block b : blocks) {
            int[] dims = b.dims();
            double[] part = Batches.toDoubles(b.distribution().gradLogProb(gather(a, n, dims)));
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < dims.length; j++) {
                    g[r * dimension + dims[j]] = part[r * dims.length + j];
                }
            }
        }
        return Batches.matrix(g, n, dimension, DataType.DOUBLE);
    }

    @Override
    public INDArray sample(int n, RandomGenerator rng) {
        double[] out = new double[n * dimension];
        for (Block b : blocks) {
            int[] dims = b.dims();
            double[] part = Batches.toDoubles(b.distribution().sample(n, rng));
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < dims.length; j++) {
                    out[r * dimension + dims[j]] = part[r * dims.length + j];
                }
            }
        }
        return Batches.matrix(out, n, dimension, DataType.DOUBLE);
    }

    private INDArray gather(double[] a, int n, int[] dims) {
        double[] g = new double[n * dims.length];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < dims.length; j++) {
                g[r * dims.length + j] = a[r * dimension + dims[j]];
            }
        }
        return Batches.matrix(g, n, dims.length, DataType.DOUBLE);
    }

    private int rows(INDArray x) {
        if (x.rank() != 2 || x.size(1) != dimension) {
            throw new IllegalArgumentException("expected (n, " + dimension + "), got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return (int) x.size(0);
    }
}
