package org.boltzmann4j.bg.cnf;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Classic fixed-step fourth-order Runge-Kutta, {@code steps} equal steps. CONTRACT SKELETON (cnf branch). */
public final class RungeKutta4 implements OdeSolver {

    public RungeKutta4(int steps) {
        throw new UnsupportedOperationException("RungeKutta4: contract skeleton, filled by the cnf branch");
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
