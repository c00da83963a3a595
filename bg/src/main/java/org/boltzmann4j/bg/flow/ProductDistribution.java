package org.boltzmann4j.bg.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
        INDArray a = Batches.contiguous(x);
        INDArray lp = Nd4j.zeros(DataType.DOUBLE, n);
        for (Block b : blocks) {
            lp.addi(b.distribution().logProb(gather(a, n, b.dims())));
        }
        return lp;
    }

    @Override
    public INDArray gradLogProb(INDArray x) {
        int n = rows(x);
        INDArray a = Batches.contiguous(x);
        INDArray g = Batches.uninitialized(DataType.DOUBLE, n, dimension);
        for (Block b : blocks) {
            scatter(b.distribution().gradLogProb(gather(a, n, b.dims())), n, b.dims(), g);
        }
        return g;
    }

    @Override
    public INDArray sample(int n, RandomGenerator rng) {
        INDArray out = Batches.uninitialized(DataType.DOUBLE, n, dimension);
        for (Block b : blocks) {
            scatter(b.distribution().sample(n, rng), n, b.dims(), out);
        }
        return out;
    }

    /** The columns dims of a dense (n, dimension) array, as a dense (n, dims) float64 array. */
    private INDArray gather(INDArray a, int n, int[] dims) {
        Values in = Values.of(a);
        INDArray g = Batches.uninitialized(DataType.DOUBLE, n, dims.length);
        Values out = Values.of(g);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < dims.length; j++) {
                out.set(r * dims.length + j, in.get(r * dimension + dims[j]));
            }
        }
        return g;
    }

    /** Writes a (n, dims) block into the columns dims of a dense (n, dimension) array. */
    private void scatter(INDArray part, int n, int[] dims, INDArray target) {
        Values in = Values.of(Batches.contiguous(part, DataType.DOUBLE));
        Values out = Values.of(target);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < dims.length; j++) {
                out.set(r * dimension + dims[j], in.get(r * dims.length + j));
            }
        }
    }

    private int rows(INDArray x) {
        if (x.rank() != 2 || x.size(1) != dimension) {
            throw new IllegalArgumentException("expected (n, " + dimension + "), got "
                    + java.util.Arrays.toString(x.shape()));
        }
        return (int) x.size(0);
    }
}
