package org.boltzmann4j.bg.analysis;

import java.util.Arrays;

/**
 * The linear assignment problem: given an n x n cost matrix, the permutation sigma minimising
 * sum_i cost[i][sigma(i)], exactly. Used for the optimal transport between two equal-size
 * sample sets ({@link TorusWasserstein}), where every optimal plan is a permutation (Birkhoff).
 *
 * <p>The shortest-augmenting-path Hungarian algorithm with dual potentials (Kuhn-Munkres in the
 * form of Jonker and Volgenant, 1987): rows are added one at a time, each by a Dijkstra-like
 * search over reduced costs cost[i][j] - u[i] - v[j] &gt;= 0 that ends at a free column, then the
 * path is flipped, after Jonker and Volgenant's column reduction has assigned the rows that are
 * some column's cheapest. O(n^3) time, O(n) memory besides the matrix.
 */
public final class LinearAssignment {

    /** An optimal assignment: {@code columnOfRow[i]} is the column of row i; {@code cost} its total cost. */
    public record Result(int[] columnOfRow, double cost) {
        public Result {
            columnOfRow = columnOfRow.clone();
        }

        @Override
        public int[] columnOfRow() {
            return columnOfRow.clone();
        }
    }

    private LinearAssignment() {}

    /**
     * @param cost n x n costs, row-major ({@code cost[i * n + j]}), finite
     */
    public static Result solve(double[] cost, int n) {
        if (n < 1) throw new IllegalArgumentException("assignment of " + n + " rows: need at least 1");
        if (cost.length != (long) n * n) throw new IllegalArgumentException(cost.length + " costs for a " + n + " x " + n + " matrix");
        for (int c = 0; c < cost.length; c++) {
            if (!Double.isFinite(cost[c])) throw new IllegalArgumentException("cost[" + c / n + "][" + c % n + "] is " + cost[c]);
        }
        // 1-based with a virtual column 0 that holds the row being added (the classic formulation)
        double[] u = new double[n + 1], v = new double[n + 1], minv = new double[n + 1];
        int[] rowOfColumn = new int[n + 1], way = new int[n + 1];
        boolean[] assigned = new boolean[n + 1];
        // column reduction (Jonker-Volgenant's start): v_j = min_i cost_ij keeps every reduced cost >= 0, and each
        // column's cheapest row, if still free, takes it at reduced cost 0; only the other rows need a search
        for (int j = 1; j <= n; j++) {
            int best = 1;
            for (int i = 2; i <= n; i++) if (cost[(i - 1) * n + j - 1] < cost[(best - 1) * n + j - 1]) best = i;
            v[j] = cost[(best - 1) * n + j - 1];
            if (!assigned[best]) {
                assigned[best] = true;
                rowOfColumn[j] = best;
            }
        }
        int[] free = new int[n], usedColumns = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            if (assigned[i]) continue;
            rowOfColumn[0] = i;
            int j0 = 0, freeCount = n, usedCount = 0;
            for (int j = 1; j <= n; j++) free[j - 1] = j;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            do {
                usedColumns[usedCount++] = j0;
                int i0 = rowOfColumn[j0], row = (i0 - 1) * n - 1;
                double delta = Double.POSITIVE_INFINITY, ui = u[i0];
                int k1 = -1;
                for (int k = 0; k < freeCount; k++) { // the columns not yet reached, kept in a dense list
                    int j = free[k];
                    double reduced = cost[row + j] - ui - v[j];
                    if (reduced < minv[j]) {
                        minv[j] = reduced;
                        way[j] = j0;
                    }
                    if (minv[j] < delta) {
                        delta = minv[j];
                        k1 = k;
                    }
                }
                for (int k = 0; k < usedCount; k++) {
                    int j = usedColumns[k];
                    u[rowOfColumn[j]] += delta;
                    v[j] -= delta;
                }
                for (int k = 0; k < freeCount; k++) minv[free[k]] -= delta;
                j0 = free[k1];
                free[k1] = free[--freeCount];
            } while (rowOfColumn[j0] != 0);
            do { // flip the augmenting path
                int j1 = way[j0];
                rowOfColumn[j0] = rowOfColumn[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] columnOfRow = new int[n];
        for (int j = 1; j <= n; j++) columnOfRow[rowOfColumn[j] - 1] = j - 1;
        double total = 0;
        for (int i = 0; i < n; i++) total += cost[i * n + columnOfRow[i]];
        return new Result(columnOfRow, total);
    }
}
