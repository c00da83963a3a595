package org.boltzmann4j.bg.cnf;

import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.factory.Nd4j;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The solvers' one door to a field: validates what goes in and comes out, counts the calls, and
 * hands back the velocity as a view of its own native memory (no copy), for stage combinations
 * written as plain loops over that memory.
 */
final class FieldCalls {

    private final VectorField field;
    private final String solver;
    private final int rows;
    private final int columns;
    private final boolean withDivergence;
    private int evaluations;

    private FieldCalls(VectorField field, String solver, int rows, boolean withDivergence) {
        this.field = field;
        this.solver = solver;
        this.rows = rows;
        this.columns = field.dimension();
        this.withDivergence = withDivergence;
    }

    /** Checks x0 (a float64 (B, D) batch, D the field's dimension) and the times. */
    static FieldCalls of(VectorField field, INDArray x0, double t0, double t1, boolean withDivergence, String solver) {
        if (field == null) {
            throw new IllegalArgumentException(solver + ": the vector field is null");
        }
        int n = Batches.requireBatch(x0, field.dimension(), DataType.DOUBLE, solver);
        if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
            throw new IllegalArgumentException(solver + ": times must be finite, got t0 = " + t0 + ", t1 = " + t1);
        }
        return new FieldCalls(field, solver, n, withDivergence);
    }

    int rows() {
        return rows;
    }

    int columns() {
        return columns;
    }

    boolean withDivergence() {
        return withDivergence;
    }

    int evaluations() {
        return evaluations;
    }

    /** A fresh dense (B, D) float64 copy of x0: the solver's own state, so the input is never written. */
    INDArray copyOf(INDArray x0) {
        INDArray y = Batches.uninitialized(DataType.DOUBLE, rows, columns);
        if ((long) rows * columns > 0) {
            INDArray from = Batches.contiguous(x0);
            Batches.doubles(y).put(0, Batches.doubles(from), 0, rows * columns);
            java.lang.ref.Reference.reachabilityFence(from); // a buffer does not keep its array (a temporary copy here) allocated
        }
        return y;
    }

    /**
     * v(x, t), and the divergence written into {@code divergence} when the solver carries it. The
     * result's view keeps the velocity array allocated as long as it is used (a solver holds only the
     * view while it reads it).
     */
    Velocity evaluate(INDArray x, double t, double[] divergence) {
        evaluations++;
        INDArray v;
        if (withDivergence) {
            VectorField.WithDivergence w = field.velocityAndDivergence(x, t);
            v = w.velocity();
            INDArray div = w.divergence();
            if (div == null || div.length() != rows) {
                throw new IllegalStateException(solver + ": the field's divergence has "
                        + (div == null ? "no value" : div.length() + " entries") + " for " + rows + " rows");
            }
            if (rows > 0) {
                Values.of(Batches.contiguous(div, DataType.DOUBLE)).get(0, divergence, 0, rows);
            }
        } else {
            v = field.velocity(x, t);
        }
        Batches.requireBatch(v, columns, DataType.DOUBLE, solver + ": the field's velocity");
        if (v.size(0) != rows) {
            throw new IllegalStateException(solver + ": the field returned " + v.size(0) + " rows for " + rows);
        }
        // the solvers reuse their stage buffer: a field that hands back (a view of) its input would see its
        // velocity overwritten by the next stage, so such a result is copied once
        INDArray dense = v == x || v.data() == x.data() ? v.dup('c') : Batches.contiguous(v);
        return new Velocity(dense, Values.of(rows * columns == 0 ? Nd4j.create(DataType.DOUBLE, 1) : dense));
    }

    /** A velocity batch and the view of its memory. */
    record Velocity(INDArray array, Values values) {}

    /** A double in the shortest form that reads back ("1e-4", "0.001"), for describe(). */
    static String number(double v) {
        return Double.toString(v).replace(".0E", "E").replace("E", "e");
    }
}
