package org.boltzmann4j.bg.cnf;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adaptive Dormand-Prince 5(4) (dopri5, as torchdiffeq): error per row against atol + rtol |y| (the
 * divergence integral included), a step accepted when every row's error norm is at most 1.
 * CONTRACT SKELETON (cnf branch).
 */
public final class DormandPrince implements OdeSolver {

    public DormandPrince(double atol, double rtol) {
        throw new UnsupportedOperationException("DormandPrince: contract skeleton, filled by the cnf branch");
    }

    @Override
    public Solution solve(VectorField field, INDArray x0, double t0, double t1, boolean withDivergence) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
        throw new UnsupportedOperationException();
    }
}
