package org.boltzmann4j.bg.training;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training loss of a flow with a hand-written gradient: the loss computes its value on a batch
 * and, when asked, pushes dL/d(output) and dL/d(logDet) through the flow's {@code Pass}, which adds
 * dL/dθ into every parameter's gradient. The caller zeroes the gradients between steps.
 */
public interface Loss {

    /** The loss on {@code batch}; gradients are not touched. */
    Report evaluate(Batch batch);

    /** The loss on {@code batch}; adds {@code weight} * dL/dθ to every parameter's gradient. */
    Report backward(Batch batch, double weight);

    default Report backward(Batch batch) {
        return backward(batch, 1.0);
    }

    /**
     * What one step trains on: the step number (for schedules), a data batch x (n, dim) for
     * training by example and a latent batch z (m, dim) drawn from the base density for training
     * by energy, both float64; either may be null when the loss does not use it.
     */
    record Batch(long step, INDArray data, INDArray latent) {}

    /**
     * The value of a loss and its parts; NaN marks a part that was not computed.
     *
     * @param loss the total, what the gradient is of
     * @param exampleLoss mean -log q(x) over the data batch, in nats
     * @param energyLoss mean u(x) + log q(x) over the generated batch (the reverse KL divergence
     *     minus its minimum -log Z), in nats
     * @param reweightedLoss the importance-weighted mean -log q(x) over the generated batch (an
     *     estimate of the NLL of Boltzmann samples), in nats
     * @param meanReducedEnergy mean u(x) = U(x)/kT of the generated batch
     * @param ess normalised Kish ESS of the generated batch's importance weights
     */
    record Report(double loss, double exampleLoss, double energyLoss, double reweightedLoss,
            double meanReducedEnergy, double ess) {

        static Report example(double nll) {
            return new Report(nll, nll, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
    }
}
