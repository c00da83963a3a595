package org.boltzmann4j.bg.training;

/**
 * Temperature annealing of a flow trained by energy (Schopmans and Friederich, ICML 2025): reverse
 * KL at a high temperature, where barriers are low and reverse KL's mode seeking finds every
 * well, then down a geometric ladder of temperatures to the target, each rung refining the flow by
 * the importance-weighted forward KL ({@link ReweightedForwardKl}) of its own samples, reweighted to
 * the rung's temperature. Mass moves between wells by the weights, not by samples crossing
 * barriers, so the wells found hot keep their right shares as they sharpen.
 *
 * <p>With N steps and R rungs of S steps: steps [0, N - R S) are reverse KL at kT scale
 * {@code factor}; rung r = 1..R covers S steps at kT scale factor^(1 - r / R) (the last one at the
 * target), by the reweighted forward KL alone. The learning rate follows a cosine from its peak
 * (warm-up over a tenth of the first phase, at most 200 steps) down to a tenth of the peak at the
 * end of the first phase and stays there through the rungs: the rungs refine, and each starts from
 * a flow close to its target. This version reweights fresh samples of the current flow at every
 * step (batch-normalised weights) instead of the paper's buffer of samples drawn once per rung.
 *
 * @param factor T_high / T, > 1
 * @param rungs R >= 1
 * @param rungSteps S >= 1
 */
public record Annealing(double factor, int rungs, int rungSteps) {

    public Annealing {
        if (!(factor > 1) || !Double.isFinite(factor))
            throw new IllegalArgumentException("--anneal-from-k must exceed the target temperature (ratio " + factor + ")");
        if (rungs < 1) throw new IllegalArgumentException("--anneal-rungs must be >= 1, got " + rungs);
        if (rungSteps < 1) throw new IllegalArgumentException("--anneal-rung-steps must be >= 1, got " + rungSteps);
    }

    /** Steps of the reverse-KL phase in a run of {@code steps}; IllegalArgumentException if none are left. */
    public long firstPhase(int steps) {
        long first = (long) steps - (long) rungs * rungSteps;
        if (first < 1)
            throw new IllegalArgumentException("--steps " + steps + " leaves no reverse-KL phase before " + rungs + " rungs of " + rungSteps + " steps");
        return first;
    }

    /** kT scale of rung r (0: the reverse-KL phase; rungs: 1, the target). */
    public double scale(int rung) {
        return rung == rungs ? 1 : Math.pow(factor, 1 - (double) rung / rungs);
    }

    /**
     * {@code config} (its steps) with the annealing's energy weights, kT scale and learning rate
     * (peak {@code peakLearningRate}); no example term.
     */
    public TrainingConfig apply(TrainingConfig config, double peakLearningRate) {
        long first = firstPhase(config.steps());
        long[] starts = new long[rungs + 1];
        double[] scale = new double[rungs + 1];
        for (int r = 0; r <= rungs; r++) {
            starts[r] = r == 0 ? 0 : first + (long) (r - 1) * rungSteps;
            scale[r] = scale(r);
        }
        return config.withWeights(Schedule.constant(0), Schedule.piecewise(new long[] {0, first}, new double[] {1, 0}),
                        Schedule.piecewise(new long[] {0, first}, new double[] {0, 1}))
                .withKTScale(Schedule.piecewise(starts, scale))
                .withLearningRate(Schedule.cosine(peakLearningRate, Math.min(200, first / 10), first, peakLearningRate / 10));
    }
}
