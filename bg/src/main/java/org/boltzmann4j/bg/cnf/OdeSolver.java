package org.boltzmann4j.bg.cnf;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Integrates dx/dt = v(x, t) from t0 to t1 (t1 &lt; t0 integrates backwards), optionally carrying
 * the integral of the exact divergence, so that log q(x(t1)) = log p(x(t0)) - integral of div v dt.
 * Rows are independent samples; a solver never mixes them.
 */
public interface OdeSolver {

    /** The end state, the integrated divergence (B) or null, and the work it took. */
    Solution solve(VectorField field, INDArray x0, double t0, double t1, boolean withDivergence);

    /** A short description for metrics JSON ("dopri5 atol=1e-4 rtol=1e-4", "rk4 steps=20"). */
    String describe();

    /**
     * {@code integratedDivergence} is the integral from t0 to t1 of div v (per row, null when not asked for);
     * {@code functionEvaluations} counts calls of the field (with or without divergence).
     */
    record Solution(INDArray x, INDArray integratedDivergence, int functionEvaluations, int acceptedSteps,
                    int rejectedSteps) {}
}
