package org.boltzmann4j.bg.pipeline;

import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.training.MolecularTraining;

/**
 * What {@link AldpPipeline#run} does: how much MD, which flow, how it is trained, how many samples.
 * Start from {@link #defaults()} or {@link #quick()} and change what differs with the withers;
 * {@link #withSeed} reseeds the flow and the training too.
 *
 * @param budget the name of the budget, recorded in demo.json ("default", "quick")
 * @param mdPs MD length per replica in ps (1 fs steps, a frame every 0.1 ps)
 * @param trainReplicas MD replicas to train on; one more is run and held out as the reference
 * @param flow the flow (internal coordinates)
 * @param training how the flow is trained; its batch size is capped at 90 % of the training
 *     frames (the rest are held out)
 * @param samples flow samples drawn, reweighted and evaluated
 * @param seed seed of the MD (replica r: 2 seed + r), the sampling (seed + 1000) and the
 *     evaluation's bootstrap
 * @param threads OpenMM contexts evaluating energies in parallel and MD replicas running at once
 *     (0: one per core, {@link Runtime#availableProcessors()})
 */
public record PipelinePlan(String budget, int mdPs, int trainReplicas, FlowArchitecture flow, MolecularTraining.Plan training, int samples,
        int seed, int threads) {
    public static final int DEFAULT_MD_PS = 10000;
    public static final int DEFAULT_TRAIN_STEPS = 3000;
    public static final int DEFAULT_SAMPLES = 20000;
    public static final int QUICK_MD_PS = 400;
    public static final int QUICK_TRAIN_STEPS = 600;
    public static final int QUICK_SAMPLES = 5000;

    public PipelinePlan {
        java.util.Objects.requireNonNull(budget, "budget");
        java.util.Objects.requireNonNull(flow, "flow");
        java.util.Objects.requireNonNull(training, "training");
        if (mdPs < 10) throw new IllegalArgumentException("--md-ps must be >= 10, got " + mdPs);
        if (trainReplicas < 1) throw new IllegalArgumentException("--train-replicas must be >= 1, got " + trainReplicas);
        if (samples < 100) throw new IllegalArgumentException("--samples must be >= 100, got " + samples);
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        if (!flow.coordinates().equals("internal"))
            throw new IllegalArgumentException("the pipeline's flow works in internal coordinates, got " + flow.coordinates());
    }

    /**
     * The demo's default: two 10 ns replicas (one to train on, one held out), the quick spline flow
     * trained by example for 3000 steps, 20 000 samples, seed 1, one thread per core.
     */
    public static PipelinePlan defaults() {
        return new PipelinePlan("default", DEFAULT_MD_PS, 1, FlowArchitecture.defaults(),
                MolecularTraining.Plan.defaults().withSteps(DEFAULT_TRAIN_STEPS), DEFAULT_SAMPLES, 1, 0).withSeed(1);
    }

    /** A first look: 2 x 0.4 ns of MD, 600 training steps, 5000 samples. */
    public static PipelinePlan quick() {
        return defaults().withBudget("quick").withMdPs(QUICK_MD_PS).withTraining(defaults().training().withSteps(QUICK_TRAIN_STEPS))
                .withSamples(QUICK_SAMPLES);
    }

    public PipelinePlan withBudget(String value) {
        return new PipelinePlan(value, mdPs, trainReplicas, flow, training, samples, seed, threads);
    }

    public PipelinePlan withMdPs(int value) {
        return new PipelinePlan(budget, value, trainReplicas, flow, training, samples, seed, threads);
    }

    public PipelinePlan withTrainReplicas(int value) {
        return new PipelinePlan(budget, mdPs, value, flow, training, samples, seed, threads);
    }

    public PipelinePlan withFlow(FlowArchitecture value) {
        return new PipelinePlan(budget, mdPs, trainReplicas, value, training, samples, seed, threads);
    }

    public PipelinePlan withTraining(MolecularTraining.Plan value) {
        return new PipelinePlan(budget, mdPs, trainReplicas, flow, value, samples, seed, threads);
    }

    public PipelinePlan withSamples(int value) {
        return new PipelinePlan(budget, mdPs, trainReplicas, flow, training, value, seed, threads);
    }

    /** The seed of everything: MD, sampling and evaluation, and the flow's and the training's seeds. */
    public PipelinePlan withSeed(int value) {
        return new PipelinePlan(budget, mdPs, trainReplicas, flow.withSeed(value), training.withSeed(value), samples, value, threads);
    }

    public PipelinePlan withThreads(int value) {
        return new PipelinePlan(budget, mdPs, trainReplicas, flow, training, samples, seed, value);
    }

    /** MD replicas: the training ones and the held-out reference. */
    public int replicas() {
        return trainReplicas + 1;
    }

    /** {@link #threads} with 0 resolved to the machine's cores. */
    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
