package org.boltzmann4j.bg.flow;

import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fixed reordering of dimensions, output[:, i] = input[:, order[i]]; volume preserving (log det
 * 0). Between couplings it lets every dimension be transformed and conditioned on in turn.
 *
 * <p>Per-dimension flags such as "is circular" move with the dimensions: {@link #permute(boolean[])}
 * gives the flags of the output dimensions, for building the next coupling.
 */
public final class Permutation implements Transform {

    private final int[] order;
    private final int[] inverseOrder;
    private final DataType type;

    public Permutation(int[] order, DataType type) {
        Batches.requireType(type);
        this.order = order.clone();
        this.inverseOrder = new int[order.length];
        boolean[] used = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            int j = order[i];
            if (j < 0 || j >= order.length || used[j]) {
                throw new IllegalArgumentException("not a permutation: " + java.util.Arrays.toString(order));
            }
            used[j] = true;
            inverseOrder[j] = i;
        }
        this.type = type;
    }

    public Permutation(int[] order) {
        this(order, DataType.DOUBLE);
    }

    /** Uniformly random order (Fisher-Yates) from a seed. */
    public static Permutation random(int dimension, long seed) {
        int[] order = identityOrder(dimension);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = dimension - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Permutation(order);
    }

    public static Permutation reverse(int dimension) {
        int[] order = new int[dimension];
        for (int i = 0; i < dimension; i++) {
            order[i] = dimension - 1 - i;
        }
        return new Permutation(order);
    }

    /** Exchanges dimensions i and j. */
    public static Permutation swap(int dimension, int i, int j) {
        int[] order = identityOrder(dimension);
        order[i] = j;
        order[j] = i;
        return new Permutation(order);
    }

    /** Moves the first {@code k} dimensions behind the others (RealNVP's swap of halves for k = d/2). */
    public static Permutation swapBlocks(int dimension, int k) {
        int[] order = new int[dimension];
        for (int i = 0; i < dimension; i++) {
            order[i] = (i + k) % dimension;
        }
        return new Permutation(order);
    }

    /** The same order on another data type. */
    public Permutation withDataType(DataType newType) {
        return new Permutation(order, newType);
    }

    private static int[] identityOrder(int dimension) {
        int[] order = new int[dimension];
        for (int i = 0; i < dimension; i++) {
            order[i] = i;
        }
        return order;
    }

    /** output[:, i] = input[:, order()[i]]. */
    public int[] order() {
        return order.clone();
    }

    /** The flags of the output dimensions given those of the input dimensions. */
    public boolean[] permute(boolean[] inputFlags) {
        if (inputFlags.length != order.length) {
            throw new IllegalArgumentException("expected " + order.length + " flags, got " + inputFlags.length);
        }
        boolean[] out = new boolean[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = inputFlags[order[i]];
        }
        return out;
    }

    @Override
    public int dimension() {
        return order.length;
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Pass forwardPass(INDArray z) {
        return run(z, order, inverseOrder);
    }

    @Override
    public Pass inversePass(INDArray x) {
        return run(x, inverseOrder, order);
    }

    private Pass run(INDArray input, int[] gatherFrom, int[] backFrom) {
        int n = Batches.requireBatch(input, order.length, type, "Permutation");
        INDArray out = gather(Batches.contiguous(input), n, gatherFrom);
        return Pass.of(out, Nd4j.zeros(DataType.DOUBLE, n), (gradOutput, gradLogDet) ->
                // the transpose of a permutation matrix is its inverse
                gather(Batches.gradient(gradOutput, n, order.length, type, "Permutation"), n, backFrom));
    }

    /** out[r, i] = in[r, from[i]], into a new dense array of the input's type. */
    private static INDArray gather(INDArray in, int n, int[] from) {
        int d = from.length;
        INDArray out = Batches.uninitialized(in.dataType(), n, d);
        Values a = Values.of(in);
        Values o = Values.of(out);
        for (int r = 0; r < n; r++) {
            int base = r * d;
            for (int i = 0; i < d; i++) {
                o.set(base + i, a.get(base + from[i]));
            }
        }
        return out;
    }
}
