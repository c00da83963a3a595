package org.boltzmann4j.bg.energy;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A potential energy surface U(x) for a batch of configurations.
 *
 * <p>x is a float64 matrix of shape (n, dimension()); for a molecule of N atoms the dimension
 * is 3N and each row is (x1, y1, z1, x2, ...) in nm. Energies are in kJ/mol and the gradient
 * dU/dx (= minus the forces) in kJ/mol per unit of x. A configuration whose energy cannot be
 * computed (NaN coordinates, overlapping atoms) gets +infinity, never NaN, so that one bad sample
 * cannot poison a batch.
 */
public interface Energy {

    /** Number of coordinates of one configuration. */
    int dimension();

    /**
     * Energies of a batch, and dU/dx when {@code withGradient}.
     *
     * @param x float64 (n, dimension())
     */
    Evaluation evaluate(INDArray x, boolean withGradient);

    /** Energies (n) and, if asked for, the gradient (n, dimension()); both float64. */
    record Evaluation(INDArray energies, INDArray gradient) {}
}
