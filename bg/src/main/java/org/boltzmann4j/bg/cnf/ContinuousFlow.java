package org.boltzmann4j.bg.cnf;

import java.util.List;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A CNF as a {@link Transform}: forward integrates z (t = 0, prior) to y (t = 1) and returns x = c y
 * with log|det dx/dz| = integral_0^1 div v dt + k log c; inverse divides x by c, integrates back
 * and returns the negative. The scale c is the fixed factor between the ODE's coordinates and the
 * data's, and k ({@code logDetDimensions}) the dimension it acts on: 3N - 3 for mean-free
 * coordinates, whose field's ambient trace is the divergence on the subspace when the field is
 * translation invariant and mean-free (as the EGNN's is), D for a flow on all of R^D.
 *
 * <p>Trained by flow matching ({@link LinearPath} and the network's own training pass), never
 * through the solver: the passes' backward refuses. The network's parameters belong to the network,
 * so {@link #parameters()} is empty. Sampling and scoring cost whatever the solver needs; {@link
 * #lastSolution()} says how much (the last call to finish, when calls run concurrently).
 */
public final class ContinuousFlow implements Transform {

    private final VectorField field;
    private final OdeSolver solver;
    private final double scale;
    private final int logDetDimensions;
    private final double logScaleTerm;
    private volatile OdeSolver.Solution last;

    public ContinuousFlow(VectorField field, OdeSolver solver, double scale, int logDetDimensions) {
        if (field == null || solver == null) {
            throw new IllegalArgumentException("ContinuousFlow: a vector field and a solver are required");
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("coordinate scale must be > 0 and finite, got " + scale);
        }
        if (logDetDimensions < 0 || logDetDimensions > field.dimension()) {
            throw new IllegalArgumentException("ContinuousFlow: the scale's log-det dimension must be in [0, "
                    + field.dimension() + "], got " + logDetDimensions);
        }
        this.field = field;
        this.solver = solver;
        this.scale = scale;
        this.logDetDimensions = logDetDimensions;
        this.logScaleTerm = logDetDimensions * Math.log(scale);
    }

    public VectorField field() {
        return field;
    }

    public OdeSolver solver() {
        return solver;
    }

    public double scale() {
        return scale;
    }

    public int logDetDimensions() {
        return logDetDimensions;
    }

    /** The work of the last forward or inverse call (function evaluations, steps). */
    public OdeSolver.Solution lastSolution() {
        OdeSolver.Solution s = last;
        if (s == null) {
            throw new IllegalStateException("ContinuousFlow: no forward or inverse call yet");
        }
        return s;
    }

    @Override
    public int dimension() {
        return field.dimension();
    }

    @Override
    public DataType dataType() {
        return DataType.DOUBLE;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Pass forwardPass(INDArray z) {
        Batches.requireBatch(z, dimension(), DataType.DOUBLE, "ContinuousFlow forward");
        OdeSolver.Solution s = solve(z, 0, 1);
        INDArray x = owned(s.x(), z);
        if (scale != 1) {
            x.muli(scale);
        }
        INDArray logDet = owned(s.integratedDivergence(), null);
        if (logScaleTerm != 0) {
            logDet.addi(logScaleTerm);
        }
        return pass(x, logDet);
    }

    @Override
    public Pass inversePass(INDArray x) {
        Batches.requireBatch(x, dimension(), DataType.DOUBLE, "ContinuousFlow inverse");
        INDArray y = scale == 1 ? x : x.div(scale);
        OdeSolver.Solution s = solve(y, 1, 0);
        INDArray z = owned(s.x(), x);
        INDArray logDet = owned(s.integratedDivergence(), null);
        if (logScaleTerm != 0) {
            logDet.subi(logScaleTerm);
        }
        return pass(z, logDet);
    }

    private OdeSolver.Solution solve(INDArray start, double t0, double t1) {
        OdeSolver.Solution s = solver.solve(field, start, t0, t1, true);
        if (s.integratedDivergence() == null || s.integratedDivergence().length() != start.size(0)) {
            throw new IllegalStateException("ContinuousFlow: " + solver.describe()
                    + " returned no divergence integral for every row");
        }
        last = s;
        return s;
    }

    /** The solver's array as a dense float64 array this call may write (a copy only if it is the input or shared). */
    private static INDArray owned(INDArray a, INDArray input) {
        if (a == input || !Batches.dense(a) || a.dataType() != DataType.DOUBLE) {
            return a.castTo(DataType.DOUBLE).dup('c');
        }
        return a;
    }

    private static Pass pass(INDArray output, INDArray logDet) {
        return Pass.of(output, logDet, (gradOutput, gradLogDet) -> {
            throw new UnsupportedOperationException("ContinuousFlow: a CNF is trained by flow matching (LinearPath "
                    + "targets and the network's own training pass), not by backpropagation through the ODE solver");
        });
    }

    @Override
    public String toString() {
        return "ContinuousFlow(" + solver.describe() + ", scale=" + scale + ")";
    }
}
