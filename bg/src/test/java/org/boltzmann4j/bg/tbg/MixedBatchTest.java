package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batch composition: peptides drawn uniformly whatever their MD length, grouped by peptide, reproducible from the stream. */
class MixedBatchTest {

    @Test
    void groupsByPeptideInOrderAndCountsCoordinates() {
        int[] frames = {5, 1000, 3};
        MixedBatch b = MixedBatch.draw(frames, 64, new SplittableRandom(3));
        assertEquals(64, b.size());
        int previous = -1;
        for (MixedBatch.Group g : b.groups()) {
            assertTrue(g.molecule() > previous, "groups in peptide order, each once");
            previous = g.molecule();
            assertTrue(g.frames().length > 0);
            for (int f : g.frames()) assertTrue(f >= 0 && f < frames[g.molecule()]);
        }
        int[] atoms = {22, 30, 10};
        long expected = 0;
        for (MixedBatch.Group g : b.groups()) expected += 3L * atoms[g.molecule()] * g.frames().length;
        assertEquals(expected, b.coordinates(atoms));
    }

    @Test
    void sameStreamSameBatch() {
        int[] frames = {7, 9};
        MixedBatch a = MixedBatch.draw(frames, 16, new SplittableRandom(11)), b = MixedBatch.draw(frames, 16, new SplittableRandom(11));
        assertEquals(a.groups().size(), b.groups().size());
        for (int i = 0; i < a.groups().size(); i++) {
            assertEquals(a.groups().get(i).molecule(), b.groups().get(i).molecule());
            assertArrayEquals(a.groups().get(i).frames(), b.groups().get(i).frames());
        }
    }

    /**
     * Each of 4 peptides (of very different MD lengths) gets a quarter of the draws: over 2000 batches of 32
     * (64000 draws, binomial sd about 110 per peptide) every count is within 5 sd of 16000; a rule that drew
     * frames uniformly over all frames would give the long peptide about 63000 and fail.
     */
    @Test
    void peptidesAreDrawnUniformly() {
        int[] frames = {10, 10_000, 50, 200};
        long[] counts = new long[4];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++)
            for (MixedBatch.Group g : MixedBatch.draw(frames, 32, rng).groups()) counts[g.molecule()] += g.frames().length;
        double sd = Math.sqrt(64000 * 0.25 * 0.75);
        for (long c : counts) assertEquals(16000, c, 5 * sd, java.util.Arrays.toString(counts));
    }
}
