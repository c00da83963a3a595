package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The assignment solver against brute force over every permutation, and a certificate of optimality for larger cases. */
class LinearAssignmentTest {

    static double bruteForce(double[] cost, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        double best = Double.POSITIVE_INFINITY;
        do {
            double s = 0;
            for (int i = 0; i < n; i++) s += cost[i * n + p[i]];
            best = Math.min(best, s);
        } while (Permutations.next(p));
        return best;
    }

    private static void assertPermutation(int[] columnOfRow) {
        boolean[] seen = new boolean[columnOfRow.length];
        for (int c : columnOfRow) {
            assertFalse(seen[c], "column " + c + " twice in " + Arrays.toString(columnOfRow));
            seen[c] = true;
        }
    }

    @Test
    void everyRandomCaseUpToSevenMatchesBruteForce() {
        SplittableRandom random = new SplittableRandom(5);
        for (int n = 1; n <= 7; n++) {
            for (int trial = 0; trial < 40; trial++) {
                double[] cost = new double[n * n];
                int kind = trial % 4;
                for (int c = 0; c < cost.length; c++) {
                    cost[c] = switch (kind) {
                        case 0 -> random.nextDouble();                 // uniform
                        case 1 -> random.nextInt(3);                   // many ties
                        case 2 -> random.nextDouble(-1e3, 1e3);       // negative costs
                        default -> Math.pow(random.nextDouble(), 8) * 1e6; // widely spread
                    };
                }
                LinearAssignment.Result r = LinearAssignment.solve(cost, n);
                assertPermutation(r.columnOfRow());
                double sum = 0;
                for (int i = 0; i < n; i++) sum += cost[i * n + r.columnOfRow()[i]];
                assertEquals(sum, r.cost(), 0, "reported cost is the cost of the permutation");
                assertEquals(bruteForce(cost, n), r.cost(), 1e-9 * Math.max(1, Math.abs(r.cost())), "n " + n + " trial " + trial);
            }
        }
    }

    @Test
    void aKnownAnswer() {
        // the anti-diagonal costs 0, every other assignment at least 1
        double[] cost = {5, 9, 0, 7, 0, 1, 0, 3, 8};
        LinearAssignment.Result r = LinearAssignment.solve(cost, 3);
        assertArrayEquals(new int[] {2, 1, 0}, r.columnOfRow());
        assertEquals(0, r.cost());
    }

    @Test
    void largerRandomCasesAdmitNoImprovingSwapAndBeatRandomPermutations() {
        // for n = 150 brute force is out of reach: an optimum can't be improved by exchanging the columns of two rows,
        // and no permutation (of many random ones) costs less
        SplittableRandom random = new SplittableRandom(9);
        int n = 150;
        double[] cost = new double[n * n];
        for (int c = 0; c < cost.length; c++) cost[c] = random.nextDouble();
        LinearAssignment.Result r = LinearAssignment.solve(cost, n);
        int[] s = r.columnOfRow();
        assertPermutation(s);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double swapped = cost[i * n + s[j]] + cost[j * n + s[i]] - cost[i * n + s[i]] - cost[j * n + s[j]];
                assertTrue(swapped >= -1e-12, "swapping rows " + i + " and " + j + " improves by " + -swapped);
            }
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int trial = 0; trial < 2000; trial++) {
            for (int i = n - 1; i > 0; i--) {
                int k = random.nextInt(i + 1), t = p[i];
                p[i] = p[k];
                p[k] = t;
            }
            double sum = 0;
            for (int i = 0; i < n; i++) sum += cost[i * n + p[i]];
            assertTrue(sum >= r.cost() - 1e-12);
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solve(new double[3], 2));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solve(new double[] {0, Double.NaN, 1, 1}, 2));
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.solve(new double[0], 0));
    }
}
