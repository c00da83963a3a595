package org.boltzmann4j.bg.training;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training data cut into a held-out part and shuffled minibatches, all determined by a seed.
 *
 * <p>The split holds out round(fraction * n) rows as contiguous blocks of frames, one block at a
 * seeded position in each of k equal stripes of the data (k = held / 100, between 1 and 10), and
 * trains on the rest (each part in ascending row order). Rows are MD frames in time order (0.1 ps
 * apart, or replicas one after another), so random rows would be held out next to training rows
 * that are nearly the same configuration, and the held-out NLL would measure memory, not
 * generalisation; a block of held / k frames is correlated with training frames only at its ends. Training rows are visited in
 * epochs; epoch e is a permutation of the training rows drawn from (seed, e) alone, cut into
 * floor(n_train / batchSize) full batches (the few rows left over sit out that epoch, and differ
 * between epochs). So batch k of the run is a function of (seed, k): a resumed run sees the same
 * batches without any saved generator state.
 *
 * <p>The data are held once: the array passed in (when it is dense; otherwise one dense copy), not
 * a copy of it, so the caller must not change it while training. A minibatch is a gather of its
 * rows into one reused buffer (native row copies, no allocation per step).
 */
public final class Minibatches {

    private final INDArray data;
    private final int batchSize;
    private final long seed;
    private final int[] train;
    private final int[] heldOut;
    private final int batchesPerEpoch;
    private long cachedEpoch = -1;
    private int[] order;
    private INDArray buffer;

    /**
     * @param data float64 (n, dim), held (not copied) when dense
     * @param heldOutFraction in [0, 1)
     */
    public Minibatches(INDArray data, double heldOutFraction, int batchSize, long seed) {
        if (data.rank() != 2 || data.size(0) == 0) {
            throw new IllegalArgumentException("data must be a non-empty (n, dim) matrix, got "
                    + Arrays.toString(data.shape()));
        }
        if (data.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("data must be DOUBLE, got " + data.dataType());
        }
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("held-out fraction must lie in [0, 1): " + heldOutFraction);
        }
        this.data = Batches.contiguous(data);
        this.batchSize = batchSize;
        this.seed = seed;
        int n = (int) data.size(0);
        this.heldOut = heldOutBlocks(n, (int) Math.round(heldOutFraction * n), RandomStreams.of(seed, RandomStreams.SPLIT, 0));
        this.train = new int[n - heldOut.length];
        for (int r = 0, h = 0, t = 0; r < n; r++) {
            if (h < heldOut.length && heldOut[h] == r) h++;
            else train[t++] = r;
        }
        if (batchSize <= 0 || batchSize > train.length) {
            throw new IllegalArgumentException("batch size " + batchSize + " must lie in [1, " + train.length
                    + "] (the training rows)");
        }
        this.batchesPerEpoch = train.length / batchSize;
    }

    /** Rows of the data that train, ascending. */
    public int[] trainingRows() {
        return train.clone();
    }

    /** Rows of the data held out, ascending. */
    public int[] heldOutRows() {
        return heldOut.clone();
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    public long seed() {
        return seed;
    }

    /** The whole data matrix (n, dim). */
    public INDArray data() {
        return data;
    }

    /** The held-out rows (m, dim) (a copy), or null when nothing is held out. */
    public INDArray heldOut() {
        return heldOut.length == 0 ? null : data.getRows(heldOut);
    }

    /** The training rows (n_train, dim) (a copy). */
    public INDArray training() {
        return data.getRows(train);
    }

    /**
     * The batch of step {@code step} (0, 1, ...), (batchSize, dim): a buffer this object reuses, valid
     * until the next call (dup it to keep it).
     */
    public INDArray batch(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("negative step " + step);
        }
        long epoch = step / batchesPerEpoch;
        int k = (int) (step % batchesPerEpoch);
        if (epoch != cachedEpoch) {
            int[] p = permutation(train.length, RandomStreams.of(seed, RandomStreams.EPOCH, epoch));
            order = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                order[i] = train[p[i]];
            }
            cachedEpoch = epoch;
        }
        int dim = (int) data.size(1);
        if (buffer == null) {
            buffer = Batches.uninitialized(DataType.DOUBLE, batchSize, dim);
        }
        MemorySegment from = Batches.segment(data);
        MemorySegment to = Batches.segment(buffer);
        long rowBytes = (long) dim * Double.BYTES;
        for (int r = 0; r < batchSize; r++) {
            MemorySegment.copy(from, order[k * batchSize + r] * rowBytes, to, r * rowBytes, rowBytes);
        }
        return buffer;
    }

    /** {@code held} rows of 0..n-1 in ascending order: one contiguous block at a random offset in each of k equal stripes. */
    private static int[] heldOutBlocks(int n, int held, SplittableRandom rng) {
        int k = Math.max(1, Math.min(10, held / 100));
        int[] rows = new int[held];
        int taken = 0;
        for (int b = 0; b < k; b++) {
            int stripeStart = (int) ((long) b * n / k), stripeEnd = (int) ((long) (b + 1) * n / k);
            int length = (int) ((long) (b + 1) * held / k) - (int) ((long) b * held / k);
            int start = stripeStart + rng.nextInt(stripeEnd - stripeStart - length + 1);
            for (int r = start; r < start + length; r++) rows[taken++] = r;
        }
        return rows;
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates, Durstenfeld's in-place form). */
    private static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
