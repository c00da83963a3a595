package org.boltzmann4j.bg.training;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.analysis.SampleWeights;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FAB's prioritised replay buffer (Midgley et al., ICLR 2023, Algorithm 2): AIS samples x_i with
 * their AIS log weights log w_i (towards p^2/q) and the flow's log q_old(x_i) at the time they
 * were last used, a fixed number of them, the oldest overwritten first.
 *
 * <p>Sampling draws indices with replacement with probability w_i / sum_j w_j, so a batch from
 * the buffer is (approximately) a batch from p^2/q_old, not from p^2/q for the flow q of now:
 * the two differ by the factor q_old/q, which the loss applies to each drawn sample ({@link
 * FabLoss}). After that gradient step the drawn points' log weights are corrected by
 * log q_old(x) - log q(x) and log q_old is set to log q(x) ({@link #adjust}): the paper's
 * w_i &lt;- w_i q_old(x_i) / q_theta(x_i); samples not drawn keep their stale weights until they are.
 */
public final class PrioritisedReplayBuffer {

    private final int dimension;
    private final int capacity;
    private final double[] x;
    private final double[] logW;
    private final double[] logQ;
    private int size;
    private int next; // where the next sample goes

    public PrioritisedReplayBuffer(int dimension, int capacity) {
        if (dimension < 1) throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
        if (capacity < 1) throw new IllegalArgumentException("buffer capacity must be >= 1, got " + capacity);
        this.dimension = dimension;
        this.capacity = capacity;
        this.x = new double[Math.multiplyExact(dimension, capacity)];
        this.logW = new double[capacity];
        this.logQ = new double[capacity];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public int dimension() {
        return dimension;
    }

    /** Adds m samples (x row-major, m * dimension), overwriting the oldest once full. */
    public void add(double[] xs, double[] logWs, double[] logQs) {
        int m = logWs.length;
        if (xs.length != (long) m * dimension || logQs.length != m)
            throw new IllegalArgumentException(m + " log weights, " + logQs.length + " log q and " + xs.length + " coordinates of " + dimension);
        for (int i = 0; i < m; i++) {
            System.arraycopy(xs, i * dimension, x, next * dimension, dimension);
            logW[next] = Double.isNaN(logWs[i]) ? Double.NEGATIVE_INFINITY : logWs[i];
            logQ[next] = logQs[i];
            next = (next + 1) % capacity;
            size = Math.min(capacity, size + 1);
        }
    }

    /** The sampling probability of each stored sample, w_i / sum_j w_j (size entries). */
    public double[] probabilities() {
        if (size == 0) throw new IllegalStateException("the replay buffer is empty");
        double[] p = KishEss.normalizedWeights(Arrays.copyOf(logW, size));
        if (Arrays.stream(p).allMatch(v -> v == 0))
            throw new IllegalStateException("every sample in the replay buffer has weight 0");
        return p;
    }

    /** n indices drawn with replacement with {@link #probabilities()}, from n uniforms of {@code random} in order. */
    public int[] sample(int n, RandomGenerator random) {
        return SampleWeights.resample(probabilities(), n, random);
    }

    /** The coordinates of the given samples, (indices.length, dimension) float64. */
    public INDArray x(int[] indices) {
        double[] out = new double[indices.length * dimension];
        for (int k = 0; k < indices.length; k++) System.arraycopy(x, check(indices[k]) * dimension, out, k * dimension, dimension);
        return Batches.matrix(out, indices.length, dimension, DataType.DOUBLE);
    }

    public double logWeight(int index) {
        return logW[check(index)];
    }

    public double logQ(int index) {
        return logQ[check(index)];
    }

    /**
     * The importance correction after the flow changed: for each distinct index,
     * log w += log q_old - log q_new and log q_old = log q_new (an index drawn twice is corrected
     * once; {@code logQNew[k]} belongs to {@code indices[k]}).
     */
    public void adjust(int[] indices, double[] logQNew) {
        if (indices.length != logQNew.length) throw new IllegalArgumentException(indices.length + " indices, " + logQNew.length + " log q");
        boolean[] done = new boolean[size];
        for (int k = 0; k < indices.length; k++) {
            int i = check(indices[k]);
            if (done[i]) continue;
            done[i] = true;
            double updated = logW[i] + logQ[i] - logQNew[k];
            logW[i] = Double.isNaN(updated) ? Double.NEGATIVE_INFINITY : updated;
            logQ[i] = logQNew[k];
        }
    }

    private int check(int index) {
        if (index < 0 || index >= size) throw new IndexOutOfBoundsException("buffer index " + index + " of " + size);
        return index;
    }

    /** The stored state as arrays (x (size, dimension), log_w, log_q (size), next (1)), for checkpoints. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put("buffer_x", Batches.matrix(Arrays.copyOf(x, size * dimension), size, dimension, DataType.DOUBLE));
        m.put("buffer_log_w", Batches.vector(Arrays.copyOf(logW, size)));
        m.put("buffer_log_q", Batches.vector(Arrays.copyOf(logQ, size)));
        m.put("buffer_next", Batches.vector(new double[] {next}));
        return m;
    }

    /** Restores what {@link #state()} gave. */
    public void restore(Map<String, INDArray> state) {
        INDArray bx = state.get("buffer_x"), bw = state.get("buffer_log_w"), bq = state.get("buffer_log_q"), bn = state.get("buffer_next");
        if (bx == null || bw == null || bq == null || bn == null) throw new IllegalArgumentException("replay buffer state incomplete: " + state.keySet());
        int n = (int) bw.length();
        if (n > capacity || bq.length() != n || bx.length() != (long) n * dimension || bn.length() != 1)
            throw new IllegalArgumentException("replay buffer state of " + n + " samples does not fit a buffer of " + capacity + " x " + dimension);
        int nx = (int) Batches.toDoubles(bn)[0];
        if (nx < 0 || nx >= capacity || (n < capacity && nx != n % capacity))
            throw new IllegalArgumentException("replay buffer insert position " + nx + " with " + n + " samples");
        System.arraycopy(Batches.toDoubles(bx), 0, x, 0, n * dimension);
        System.arraycopy(Batches.toDoubles(bw), 0, logW, 0, n);
        System.arraycopy(Batches.toDoubles(bq), 0, logQ, 0, n);
        size = n;
        next = nx;
    }
}
