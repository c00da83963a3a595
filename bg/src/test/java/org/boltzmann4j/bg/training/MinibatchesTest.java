package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MinibatchesTest {

    /** Row r of the data is (r, -r), so a batch row tells which data row it is. */
    private static INDArray numbered(int n) {
        double[] a = new double[2 * n];
        for (int r = 0; r < n; r++) {
            a[2 * r] = r;
            a[2 * r + 1] = -r;
        }
        return Nd4j.create(a, new long[] {n, 2}, DataType.DOUBLE);
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        Minibatches b = new Minibatches(numbered(103), 0.2, 10, 5);
        assertEquals(21, b.heldOutRows().length); // round(0.2 * 103)
        assertEquals(82, b.trainingRows().length);
        Set<Integer> all = new HashSet<>();
        IntStream.of(b.heldOutRows()).forEach(all::add);
        IntStream.of(b.trainingRows()).forEach(all::add);
        assertEquals(103, all.size());
        assertArrayEquals(b.heldOutRows(), new Minibatches(numbered(103), 0.2, 10, 5).heldOutRows());
        assertFalse(Arrays.equals(b.heldOutRows(), new Minibatches(numbered(103), 0.2, 10, 6).heldOutRows()));
        assertArrayEquals(new double[] {b.heldOutRows()[3], -b.heldOutRows()[3]},
                b.heldOut().getRow(3).dup().data().asDouble(), 0);
    }

    /** MD frames are in time order: held-out rows come in contiguous blocks, not as single rows between training rows. */
    @Test
    void heldOutRowsAreContiguousBlocksSpreadOverTheData() {
        Minibatches b = new Minibatches(numbered(30_000), 0.1, 256, 3);
        int[] held = b.heldOutRows();
        assertEquals(3000, held.length);
        int runs = 1;
        for (int i = 1; i < held.length; i++) {
            if (held[i] != held[i - 1] + 1) runs++;
        }
        // 10 blocks of 300 frames, one in each tenth of the data (two may touch and count as one run)
        assertTrue(runs >= 5 && runs <= 10, runs + " runs");
        for (int stripe = 0; stripe < 10; stripe++) {
            int lo = stripe * 3000, hi = lo + 3000;
            assertEquals(300, IntStream.of(held).filter(r -> r >= lo && r < hi).count(), "stripe " + stripe);
        }
        // a small data set: one block
        int[] small = new Minibatches(numbered(200), 0.1, 16, 3).heldOutRows();
        assertEquals(20, small.length);
        assertEquals(small[0] + 19, small[19]);
    }

    @Test
    void everyEpochVisitsDistinctTrainingRowsInANewOrder() {
        Minibatches b = new Minibatches(numbered(103), 0.2, 10, 5);
        assertEquals(8, b.batchesPerEpoch()); // 82 training rows, 10 per batch
        Set<Integer> training = new HashSet<>();
        IntStream.of(b.trainingRows()).forEach(training::add);
        double[] firstEpochFirstBatch = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            Set<Integer> seen = new HashSet<>();
            for (int k = 0; k < 8; k++) {
                INDArray batch = b.batch(epoch * 8L + k);
                assertEquals(10, batch.size(0));
                for (int r = 0; r < 10; r++) {
                    int row = (int) batch.getDouble(r, 0);
                    assertEquals(-row, batch.getDouble(r, 1), 0);
                    assertTrue(training.contains(row), "held-out row " + row + " in a batch");
                    seen.add(row);
                }
                if (epoch == 0 && k == 0) {
                    firstEpochFirstBatch = batch.dup().data().asDouble();
                }
            }
            assertEquals(80, seen.size(), "no row twice within an epoch");
        }
        assertFalse(Arrays.equals(firstEpochFirstBatch, b.batch(8).dup().data().asDouble()));
    }

    @Test
    void aBatchDependsOnlyOnTheSeedAndTheStep() {
        Minibatches straight = new Minibatches(numbered(50), 0.1, 7, 9);
        for (int s = 0; s < 30; s++) {
            straight.batch(s);
        }
        Minibatches fresh = new Minibatches(numbered(50), 0.1, 7, 9);
        assertArrayEquals(straight.batch(29).dup().data().asDouble(), fresh.batch(29).dup().data().asDouble(), 0);
        assertArrayEquals(straight.batch(3).dup().data().asDouble(), fresh.batch(3).dup().data().asDouble(), 0);
    }

    @Test
    void rejectsImpossibleSettings() {
        assertThrows(IllegalArgumentException.class, () -> new Minibatches(numbered(10), 0.5, 6, 1));
        assertThrows(IllegalArgumentException.class, () -> new Minibatches(numbered(10), 1.0, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new Minibatches(numbered(10).castTo(DataType.FLOAT), 0.1, 2, 1));
    }
}
