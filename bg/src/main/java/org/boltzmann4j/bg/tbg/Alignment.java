package org.boltzmann4j.bg.tbg;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.boltzmann4j.bg.analysis.LinearAssignment;
import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Aligns data to its prior partner before flow matching: the optimal rotation (Kabsch, proper rotations
 * only) of each mean-free data row onto its prior row, and optionally the permutation within each group of
 * equivalent atoms that minimises the squared distance.
 *
 * <p>Rotation and permutation alternate: the rotation is optimal for the current permutation (Kabsch), the
 * permutation optimal for the current rotation (an assignment problem per group, solved exactly by the
 * Hungarian method of analysis/LinearAssignment), so the squared distance never grows; it stops when the permutation no longer changes
 * (at most {@value #MAX_ROUNDS} rounds; with groups of two or three atoms a second round rarely changes
 * anything). Rows are independent and aligned in parallel.
 *
 * <p>The output is mean-free: the data row's mean is removed before rotating, and the rotation is
 * computed against the prior row's mean-free part (the prior is mean-free already in the flow).
 */
public final class Alignment {

    static final int MAX_ROUNDS = 10;

    private final int atoms;
    private final int[][] groups;

    /** Groups of exchangeable atoms (from AtomVocabulary.equivalentGroups); empty for rotation only. */
    public Alignment(int atoms, int[][] equivalentGroups) {
        if (atoms < 1) {
            throw new IllegalArgumentException("alignment: atoms must be >= 1, got " + atoms);
        }
        boolean[] seen = new boolean[atoms];
        int[][] copy = new int[equivalentGroups.length][];
        for (int g = 0; g < equivalentGroups.length; g++) {
            copy[g] = equivalentGroups[g].clone();
            if (copy[g].length < 2) {
                throw new IllegalArgumentException("alignment: group " + g + " has " + copy[g].length
                        + " atoms; a group needs at least 2");
            }
            for (int i : copy[g]) {
                if (i < 0 || i >= atoms) {
                    throw new IllegalArgumentException("alignment: group " + g + " names atom " + i + ", outside 0.."
                            + (atoms - 1));
                }
                if (seen[i]) {
                    throw new IllegalArgumentException("alignment: atom " + i + " is in two groups");
                }
                seen[i] = true;
            }
        }
        this.atoms = atoms;
        this.groups = copy;
    }

    /** Rows of data (B, 3N), each aligned to the same row of prior (B, 3N); a new array. */
    public INDArray align(INDArray data, INDArray prior) {
        int rows = Batches.requireBatch(data, 3 * atoms, DataType.DOUBLE, "alignment data");
        int priorRows = Batches.requireBatch(prior, 3 * atoms, DataType.DOUBLE, "alignment prior");
        if (rows != priorRows) {
            throw new IllegalArgumentException("alignment: " + rows + " data rows but " + priorRows + " prior rows");
        }
        double[] x = Batches.toDoubles(data);
        double[] y = Batches.toDoubles(prior);
        double[] out = new double[x.length];
        int n = 3 * atoms;
        IntStream.range(0, rows).parallel().forEach(b -> {
            double[] aligned = alignRow(Arrays.copyOfRange(x, b * n, (b + 1) * n), Arrays.copyOfRange(y, b * n, (b + 1) * n));
            System.arraycopy(aligned, 0, out, b * n, n);
        });
        return Batches.matrix(out, rows, n, DataType.DOUBLE);
    }

    /** One row (3N): the data, mean-free, permuted within groups and rotated onto the prior row. */
    public double[] alignRow(double[] data, double[] prior) {
        if (data.length != 3 * atoms || prior.length != 3 * atoms) {
            throw new IllegalArgumentException("alignment: rows of " + data.length + " and " + prior.length
                    + " coordinates for " + atoms + " atoms");
        }
        for (int i = 0; i < data.length; i++) {
            if (!Double.isFinite(data[i]) || !Double.isFinite(prior[i])) {
                throw new IllegalArgumentException("alignment: coordinate " + i + " is not finite (data " + data[i]
                        + ", prior " + prior[i] + ")");
            }
        }
        double[] x = centred(data);
        double[] y = centred(prior);
        double[] rotated = new double[x.length];
        for (int round = 0; ; round++) {
            rotate(rotation(x, y), x, rotated);
            if (groups.length == 0 || round + 1 == MAX_ROUNDS || !permute(rotated, y, x)) return rotated;
        }
    }

    /**
     * The proper rotation R (row-major 3x3, det +1) minimising sum_i |R x_i - y_i|^2 over the atoms of two
     * rows of equal length (Kabsch: with H = sum_i x_i y_i^T = U S V^T, R = V diag(1, 1, d) U^T and
     * d = sign det(V U^T), so that a reflection is never returned). The rows should be mean-free.
     */
    public static double[] rotation(double[] x, double[] y) {
        double[][] h = new double[3][3];
        for (int i = 0; i < x.length; i += 3) {
            for (int a = 0; a < 3; a++) {
                for (int c = 0; c < 3; c++) h[a][c] += x[i + a] * y[i + c];
            }
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(h, false));
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double d = determinant(v.multiply(u.transpose()));
        double[] r = new double[9];
        for (int a = 0; a < 3; a++) {
            for (int c = 0; c < 3; c++) {
                r[3 * a + c] = v.getEntry(a, 0) * u.getEntry(c, 0) + v.getEntry(a, 1) * u.getEntry(c, 1)
                        + (d < 0 ? -1 : 1) * v.getEntry(a, 2) * u.getEntry(c, 2);
            }
        }
        return r;
    }

    private static double determinant(RealMatrix m) {
        double[][] a = m.getData();
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    }

    private static void rotate(double[] r, double[] x, double[] out) {
        for (int i = 0; i < x.length; i += 3) {
            for (int a = 0; a < 3; a++) {
                out[i + a] = r[3 * a] * x[i] + r[3 * a + 1] * x[i + 1] + r[3 * a + 2] * x[i + 2];
            }
        }
    }

    private static double[] centred(double[] row) {
        double[] out = row.clone();
        MeanFreeNormal.removeMean(out, out.length);
        return out;
    }

    /**
     * Reassigns, group by group, the rotated data atoms to the group's slots so that the squared distance
     * to the prior is least, applying the same permutation to the unrotated data x (rotation commutes with
     * it); true when anything moved.
     */
    private boolean permute(double[] rotated, double[] y, double[] x) {
        boolean changed = false;
        for (int[] g : groups) {
            int m = g.length;
            double[] cost = new double[m * m];
            for (int k = 0; k < m; k++) {
                for (int l = 0; l < m; l++) {
                    double s = 0;
                    for (int a = 0; a < 3; a++) {
                        double dd = rotated[3 * g[k] + a] - y[3 * g[l] + a];
                        s += dd * dd;
                    }
                    cost[k * m + l] = s;
                }
            }
            int[] slot = LinearAssignment.solve(cost, m).columnOfRow();
            double[] moved = new double[3 * m];
            for (int k = 0; k < m; k++) {
                if (slot[k] != k) changed = true;
                System.arraycopy(x, 3 * g[k], moved, 3 * slot[k], 3);
            }
            for (int l = 0; l < m; l++) System.arraycopy(moved, 3 * l, x, 3 * g[l], 3);
        }
        return changed;
    }
}
