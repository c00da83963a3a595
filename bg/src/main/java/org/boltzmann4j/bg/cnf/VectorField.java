package org.boltzmann4j.bg.cnf;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A time-dependent vector field dx/dt = v(x, t) on batches of rows x (B, D). The divergence is exact
 * (the trace of dv/dx, not a stochastic estimate), float64, because it becomes part of a log weight.
 */
public interface VectorField {

    /** D, the length of a row. */
    int dimension();

    /** v(x, t) for every row of x (B, D), one time for all rows; a new (B, D) array. */
    INDArray velocity(INDArray x, double t);

    /** v(x, t) and tr(dv/dx) of every row: (B, D) and (B). */
    WithDivergence velocityAndDivergence(INDArray x, double t);

    /** A velocity batch and its per-row exact divergence. */
    record WithDivergence(INDArray velocity, INDArray divergence) {}
}
