package org.boltzmann4j.bg.cnf;

import java.util.List;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A CNF as a {@link Transform}: forward integrates z (t = 0, prior) to x (t = 1, data) and returns
 * log|det dx/dz| = integral of div v dt; inverse integrates back. A fixed coordinate scale c (x = c * y, y the
 * ODE's end) adds (dimension of the subspace) * log c; {@code logDetDimensions} is 3N - 3 for mean-free
 * coordinates. Trained by flow matching, not through the solver: the passes' backward refuses.
 * CONTRACT SKELETON (cnf branch).
 */
public final class ContinuousFlow implements Transform {

    public ContinuousFlow(VectorField field, OdeSolver solver, double scale, int logDetDimensions) {
        throw new UnsupportedOperationException("ContinuousFlow: contract skeleton, filled by the cnf branch");
    }

    /** The work of the last forward or inverse call (function evaluations, steps). */
    public OdeSolver.Solution lastSolution() {
        throw new UnsupportedOperationException();
    }

    @Override
    public int dimension() {
        throw new UnsupportedOperationException();
    }

    @Override
    public DataType dataType() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Parameter> parameters() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Pass forwardPass(INDArray z) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Pass inversePass(INDArray x) {
        throw new UnsupportedOperationException();
    }
}
