package org.boltzmann4j.bg.training;

import java.util.Collection;
import org.boltzmann4j.bg.flow.Parameter;

/**
 * Clipping by the global gradient norm (Pascanu et al. 2013): if the Euclidean norm of all
 * gradients together exceeds a maximum, every gradient is scaled by the same factor so that the
 * norm equals the maximum. The direction of the update is kept, unlike clipping per element.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /** sqrt(sum over parameters of |grad|^2), accumulated in float64. */
    public static double globalNorm(Collection<Parameter> parameters) {
        double sum = 0;
        for (Parameter p : parameters) {
            double n = p.grad().norm2Number().doubleValue();
            sum += n * n;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales the gradients so that their global norm is at most {@code maxNorm} (infinity: no
     * clipping) and returns the norm before clipping. A non-finite norm is returned unchanged
     * and nothing is scaled; the caller decides what to do with such a step.
     */
    public static double clip(Collection<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maximum gradient norm must be positive: " + maxNorm);
        }
        double norm = globalNorm(parameters);
        if (Double.isFinite(norm) && norm > maxNorm) {
            double scale = maxNorm / norm;
            for (Parameter p : parameters) {
                p.grad().muli(scale);
            }
        }
        return norm;
    }
}
