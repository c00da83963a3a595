package org.boltzmann4j.bg.training;

import java.util.SplittableRandom;

/**
 * Counter-based randomness for training: the generator of a purpose (split, epoch order, latent
 * batch of a step) is derived from (seed, purpose, index) alone, so a run resumed at step s draws
 * exactly what the uninterrupted run drew, with no generator state to save.
 *
 * <p>The derivation hashes the three numbers with the SplitMix64 finaliser (Steele, Lea and Flood
 * 2014), whose avalanche makes neighbouring counters give unrelated seeds.
 */
final class RandomStreams {

    static final long SPLIT = 1;
    static final long EPOCH = 2;
    static final long LATENT = 3;
    static final long EVALUATION = 4;

    private RandomStreams() {}

    static SplittableRandom of(long seed, long purpose, long index) {
        return new SplittableRandom(derive(seed, purpose, index));
    }

    static long derive(long seed, long purpose, long index) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ (purpose * 0xBF58476D1CE4E5B9L));
        return mix(h ^ (index * 0x94D049BB133111EBL));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
