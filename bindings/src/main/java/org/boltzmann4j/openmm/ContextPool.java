package org.boltzmann4j.openmm;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Evaluates a batch on all cores: one {@link Context} per thread (an OpenMM Context is not
 * thread-safe), each taking a contiguous slice of the batch. The slices are fixed by the batch
 * size and thread count, so results do not depend on scheduling.
 *
 * <p>One batch at a time: concurrent callers are serialised.
 */
public final class ContextPool implements EnergyEvaluator {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final List<Context> contexts;
    private final ExecutorService workers;
    private final int numParticles;
    private boolean closed;

    /**
     * @param threads number of contexts and threads; 0 means one per available processor
     */
    public ContextPool(OpenMMSystem system, String platform, Map<String, String> properties, int threads) {
        int count = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        List<Context> made = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) made.add(Context.forEnergies(system, platform, properties));
        } catch (RuntimeException e) {
            made.forEach(Context::close);
            throw e;
        }
        contexts = List.copyOf(made);
        numParticles = system.numParticles();
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        workers = count == 1 ? null : Executors.newFixedThreadPool(count - 1, r -> {
            Thread t = new Thread(r, "openmm-pool-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return contexts.size();
    }

    public String platformName() {
        return contexts.getFirst().platformName();
    }

    @Override
    public int numParticles() {
        return numParticles;
    }

    @Override
    public void evaluate(double[] x, int n, double[] e, double[] f) {
        EnergyEvaluator.checkBatch(numParticles, x, n, e, f);
        evaluate(MemorySegment.ofArray(x), n, MemorySegment.ofArray(e), f == null ? null : MemorySegment.ofArray(f));
    }

    /**
     * Native segments (a tensor's buffer) are evaluated in place, each context on its own slice, so
     * they must be accessible from the pool's threads (global, automatic or shared memory, not a
     * confined arena's).
     */
    @Override
    public synchronized void evaluate(MemorySegment x, int n, MemorySegment e, MemorySegment f) {
        if (closed) throw new IllegalStateException("ContextPool is closed");
        EnergyEvaluator.checkBatch(numParticles, x, n, e, f);
        int slices = Math.min(contexts.size(), n);
        if (slices <= 1) {
            contexts.getFirst().evaluate(x, 0, n, e, f);
            return;
        }
        List<Future<?>> pending = new ArrayList<>(slices - 1);
        for (int s = 1; s < slices; s++) {
            Context context = contexts.get(s);
            int from = start(s, slices, n), to = start(s + 1, slices, n);
            pending.add(workers.submit(() -> context.evaluate(x, from, to - from, e, f)));
        }
        RuntimeException failure = null;
        try {
            contexts.getFirst().evaluate(x, 0, start(1, slices, n), e, f);
        } catch (RuntimeException ex) {
            failure = ex;
        }
        for (Future<?> future : pending) {
            try {
                future.get();
            } catch (ExecutionException ex) {
                if (failure == null) failure = ex.getCause() instanceof RuntimeException r ? r : new OpenMMException(ex.getCause().toString(), ex.getCause());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = new OpenMMException("interrupted while evaluating a batch", ex);
            }
        }
        if (failure != null) throw failure;
    }

    /** First configuration of slice s of n configurations in k slices. */
    private static int start(int s, int k, int n) {
        return (int) ((long) n * s / k);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (workers != null) workers.shutdownNow();
        contexts.forEach(Context::close);
    }
}
