package org.boltzmann4j.bg.random;

import java.util.SplittableRandom;

/**
 * Counter-based randomness, the one seed-derivation scheme of the library: the generator of a
 * purpose (a training split, an epoch's order, the latent batch of a step, a chain's move) is
 * derived from (seed, purpose, index) alone, so a run resumed at step s draws exactly what the
 * uninterrupted run drew, with no generator state to save, and work split over threads draws the
 * same numbers whatever the thread count or order.
 *
 * <p>The derivation hashes the three numbers with the SplitMix64 finaliser (Steele, Lea and Flood
 * 2014), whose avalanche makes neighbouring counters give unrelated seeds. A stream family with
 * more than one index (chain c, move k) derives a seed per outer index first:
 * {@code of(derive(seed, CHAIN, c), LOCAL_MOVE, k)}.
 */
public final class RandomStreams {

    // Training (training/Minibatches, training/Trainer).
    public static final long SPLIT = 1;
    public static final long EPOCH = 2;
    public static final long LATENT = 3;
    public static final long EVALUATION = 4;

    // Annealed importance sampling (sampling/AnnealedImportanceSampling: a batch's chains) and
    // FAB's replay-buffer draws (training/FabLoss).
    public static final long AIS = 40;
    public static final long REPLAY = 41;

    /** Transferable BG: every draw of flow-matching step s (peptides, frames, prior partners, times, path noise). */
    public static final long TBG_BATCH = 42;
    /** Transferable BG: the prior draws of sampling chunk c. */
    public static final long TBG_SAMPLE = 43;

    // Sampling (sampling/*): a chain's or replica's own seed, then streams within it.
    public static final long CHAIN = 16;
    public static final long START_VELOCITIES = 17;
    public static final long LOCAL_MOVE = 18;
    public static final long FLOW_ACCEPT = 19;
    public static final long FLOW_DRAW = 20;
    public static final long INTEGRATOR = 21;

    private RandomStreams() {}

    public static SplittableRandom of(long seed, long purpose, long index) {
        return new SplittableRandom(derive(seed, purpose, index));
    }

    public static long derive(long seed, long purpose, long index) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ (purpose * 0xBF58476D1CE4E5B9L));
        return mix(h ^ (index * 0x94D049BB133111EBL));
    }

    /**
     * A seed for OpenMM's integrators, which take a positive int (0 means "pick one at random").
     */
    public static int openMMSeed(long seed, long purpose, long index) {
        int s = (int) (derive(seed, purpose, index) & 0x7fffffff);
        return s == 0 ? 1 : s;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
