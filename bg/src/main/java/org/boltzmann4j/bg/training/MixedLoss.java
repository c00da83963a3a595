package org.boltzmann4j.bg.training;

import java.util.Objects;

/**
 * A weighted sum of the training losses, each weight following a {@link Schedule}:
 * L = w_x(step) L_ML + w_u(step) L_KL + w_r(step) L_RW, with {@link MaximumLikelihood} (by
 * example), {@link ReverseKl} and {@link ReweightedForwardKl} (both by energy). Noé et al. 2019
 * trained Boltzmann generators by example first and then ramped the energy term in ({@link
 * Schedule#ramp}). A term whose weight is 0 at a step is not computed at all (no energy
 * evaluations, no data needed), and its parts of the report are NaN. When both energy terms are
 * on and target the same flow, energy and kT, they share one forward pass and one energy
 * evaluation of the latent batch.
 */
public final class MixedLoss implements Loss {

    private final MaximumLikelihood example;
    private final ReverseKl energy;
    private final ReweightedForwardKl reweighted;
    private final Schedule exampleWeight;
    private final Schedule energyWeight;
    private final Schedule reweightedWeight;
    private final boolean shared;

    /** A loss may be null if its weight is always 0. */
    public MixedLoss(MaximumLikelihood example, ReverseKl energy, ReweightedForwardKl reweighted,
            Schedule exampleWeight, Schedule energyWeight, Schedule reweightedWeight) {
        this.example = example;
        this.energy = energy;
        this.reweighted = reweighted;
        this.exampleWeight = Objects.requireNonNull(exampleWeight, "exampleWeight");
        this.energyWeight = Objects.requireNonNull(energyWeight, "energyWeight");
        this.reweightedWeight = Objects.requireNonNull(reweightedWeight, "reweightedWeight");
        this.shared = energy != null && reweighted != null && energy.sameTarget(reweighted);
    }

    @Override
    public Report evaluate(Batch batch) {
        return run(batch, 0, false);
    }

    @Override
    public Report backward(Batch batch, double weight) {
        return run(batch, weight, true);
    }

    private Report run(Batch batch, double weight, boolean withGradient) {
        long step = batch.step();
        double wx = exampleWeight.at(step);
        double wu = energyWeight.at(step);
        double wr = reweightedWeight.at(step);
        Report rx = part(example, "maximum-likelihood", wx, batch, weight, withGradient);
        Report ru;
        Report rr;
        if (wu != 0 && wr != 0 && shared) {
            // both energy terms on the same generated batch: one forward pass, one energy evaluation
            Generated[] generated = new Generated[1];
            ru = energy.run(batch, weight * wu, withGradient, generated);
            rr = reweighted.run(generated[0], weight * wr, withGradient);
        } else {
            ru = part(energy, "reverse-KL", wu, batch, weight, withGradient);
            rr = part(reweighted, "reweighted forward-KL", wr, batch, weight, withGradient);
        }
        double loss = (rx == null ? 0 : wx * rx.loss()) + (ru == null ? 0 : wu * ru.loss())
                + (rr == null ? 0 : wr * rr.loss());
        Report generated = ru != null ? ru : rr;
        return new Report(loss,
                rx == null ? Double.NaN : rx.exampleLoss(),
                ru == null ? Double.NaN : ru.energyLoss(),
                rr == null ? Double.NaN : rr.reweightedLoss(),
                generated == null ? Double.NaN : generated.meanReducedEnergy(),
                generated == null ? Double.NaN : generated.ess());
    }

    private static Report part(Loss loss, String what, double w, Batch batch, double weight, boolean withGradient) {
        if (w == 0) {
            return null;
        }
        if (loss == null) {
            throw new IllegalStateException(what + " weight " + w + " at step " + batch.step() + " but no "
                    + what + " loss" + (what.startsWith("max") ? " (no data)" : ""));
        }
        return withGradient ? loss.backward(batch, weight * w) : loss.evaluate(batch);
    }
}
