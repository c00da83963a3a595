package org.boltzmann4j.bg.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.analysis.GeneratorEvaluation;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.MdSettings;
import org.boltzmann4j.bg.sampling.MolecularDynamics;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.training.MolecularTraining;
import org.boltzmann4j.bg.training.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The product's main job, from end to end, for alanine dipeptide (bundled aldp-implicit, 300 K):
 * independent MD replicas (the training ones and one held out as the reference), training of
 * the flow, samples drawn and importance-reweighted with OpenMM energies, and an evaluation
 * against the held-out MD. {@code bg demo} is this call.
 *
 * <pre>
 *   PipelinePlan plan = PipelinePlan.quick().withMdPs(1000).withSeed(3);
 *   AldpPipeline.Result result = AldpPipeline.run(plan, Path.of("demo"), AldpPipeline.Listener.SILENT);
 *   System.out.println(result.ess() + " " + result.nllNats() + " " + result.budget().totalWallSeconds());
 * </pre>
 *
 * Writes under {@code out}: md/replica-000, ... (the MD runs, resumable), model/, samples/,
 * report/ (metrics.json, PNG plots, report.md) and demo.json (the budget spent). A killed run
 * called again with the same out continues its MD from the replicas' checkpoints.
 */
public final class AldpPipeline {
    public static final String SYSTEM = "aldp-implicit";
    public static final double TEMPERATURE_K = 300;
    /** MD time step (1 fs) and frame interval (0.1 ps): the flow overfits a few hundred frames; tens of thousands of correlated ones train it. */
    static final double DT_PS = 0.001;
    static final int SAVE_EVERY = 100;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AldpPipeline() {}

    /** The four stages, in order. */
    public enum Stage { MD, TRAINING, SAMPLING, EVALUATION }

    /** What a run reports while it works; every method has an empty default. */
    public interface Listener {
        Listener SILENT = new Listener() {};

        /** A stage begins; {@code description} says what it does, in a line. */
        default void stage(Stage stage, String description) {}

        /**
         * MD progress: {@code done} of {@code total} steps summed over the replicas, after a saved
         * frame of replica {@code replica} at {@code nsPerDay}.
         */
        default void md(long done, long total, int replica, double nsPerDay) {}

        default void training(Trainer.Progress progress) {}

        default void sampled(int done, int total) {}
    }

    /** The budget spent (demo.json). */
    public record Budget(String budget, int seed, int mdPsPerReplica, int mdReplicas, int mdTrainingReplicas, int mdFramesTraining,
            int mdFramesReference, double mdWallSeconds, String trainBy, int trainSteps, int trainBatch, String transformer, int couplings,
            int[] hidden, int bins, long trainEnergyEvaluations, double trainWallSeconds, int samples, long sampleEnergyEvaluations,
            double sampleWallSeconds, double totalWallSeconds) {
        public long totalEnergyEvaluations() {
            return trainEnergyEvaluations + sampleEnergyEvaluations;
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        /** demo.json's keys (stable; units in the names). */
        public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
            var o = JSON.createObjectNode();
            o.put("system", SYSTEM).put("temperature_k", TEMPERATURE_K).put("seed", seed).put("demo_budget", budget);
            o.put("md_ps_per_replica", mdPsPerReplica).put("md_replicas", mdReplicas).put("md_training_replicas", mdTrainingReplicas)
                    .put("md_frames_training", mdFramesTraining).put("md_frames_reference", mdFramesReference).put("md_wall_seconds", mdWallSeconds);
            o.put("train_by", trainBy).put("train_steps", trainSteps).put("train_batch", trainBatch).put("transformer", transformer)
                    .put("couplings", couplings).put("hidden", java.util.Arrays.toString(hidden)).put("bins", bins)
                    .put("train_energy_evaluations", trainEnergyEvaluations).put("train_wall_seconds", trainWallSeconds);
            o.put("samples", samples).put("sample_energy_evaluations", sampleEnergyEvaluations).put("sample_wall_seconds", sampleWallSeconds);
            o.put("total_energy_evaluations", totalEnergyEvaluations()).put("total_wall_seconds", totalWallSeconds);
            return o;
        }
    }

    /** What a run produced: the evaluation (metrics.json, plots, report), the budget, and where they lie. */
    public record Result(Path out, GeneratorEvaluation.Report report, Budget budget) {
        /** Normalised Kish ESS of all sample weights, none dropped. */
        public double ess() {
            return report.metrics().path("ess").asDouble();
        }

        /** Mean -log q of the held-out MD frames, nats. */
        public double nllNats() {
            return report.metrics().path("nll_nats").asDouble();
        }

        public Path reportFile() {
            return out.resolve("report").resolve("report.md");
        }
    }

    /** Refuses an out folder that already holds a finished run (its report would be overwritten). */
    public static void requireUnfinished(Path out) {
        if (Files.exists(out.resolve("report").resolve("metrics.json")))
            throw new IllegalArgumentException(out + " already holds a finished demo; choose another --out");
    }

    /** Runs the whole pipeline of {@code plan} into {@code out}. */
    public static Result run(PipelinePlan plan, Path out, Listener listener) throws IOException, InterruptedException {
        requireUnfinished(out);
        Files.createDirectories(out);
        long start = System.nanoTime();

        // 1. MD: independent replicas, seeds 2 seed + r.
        listener.stage(Stage.MD, String.format("MD, %d replicas x %d ps (%s, %.0f K, Langevin 1/ps, 1 fs)", plan.replicas(), plan.mdPs(), SYSTEM,
                TEMPERATURE_K));
        Path md = out.resolve("md");
        MdSettings settings = MdSettings.defaults().withSteps(1000L * plan.mdPs()).withDtPs(DT_PS).withTemperatureK(TEMPERATURE_K)
                .withSaveEvery(SAVE_EVERY).withSeed(plan.seed() * 2);
        MolecularSystem bundled = MolecularSystem.bundled(SYSTEM);
        Pdb.Structure startStructure = Pdb.parse(bundled.pdb().orElseThrow(), SYSTEM + ".pdb");
        long[] mdDone = new long[plan.replicas()];
        long total = settings.steps() * plan.replicas();
        MolecularDynamics.runReplicas(bundled.systemXml(), startStructure.topology(), startStructure.frames().frame(0), settings, plan.replicas(),
                Math.min(plan.replicas(), plan.resolvedThreads()), md, true, r -> (step, steps, potential, temperature, nsPerDay) -> {
                    synchronized (mdDone) {
                        mdDone[r] = step;
                        listener.md(java.util.Arrays.stream(mdDone).sum(), total, r, nsPerDay);
                    }
                });
        List<Frames> parts = new ArrayList<>();
        for (int r = 0; r < plan.trainReplicas(); r++) parts.add(Dcd.read(MolecularDynamics.replicaFolder(md, r).resolve("trajectory.dcd")).frames());
        INDArray training = MolecularTraining.dataMatrix(parts); // the one copy training holds
        parts = null;
        Frames reference = Dcd.read(MolecularDynamics.replicaFolder(md, plan.trainReplicas()).resolve("trajectory.dcd")).frames();
        double mdSeconds = seconds(start);

        // 2. Train.
        MolecularTraining.Plan trainingPlan = plan.training();
        // 10 % of the frames are held out, so a batch is at most the other 90 %.
        trainingPlan = trainingPlan.withBatchSize(Math.max(2, Math.min(trainingPlan.batchSize(), (int) training.rows() * 9 / 10)));
        listener.stage(Stage.TRAINING, String.format("training %s, %d steps on %d MD frames", trainingPlan.by(), trainingPlan.steps(), training.rows()));
        long t1 = System.nanoTime();
        MolecularSystem system = bundled;
        Pdb.Structure structure = startStructure;
        MolecularModel model = MolecularModel.create(system.name(), system.systemXml(), structure, SYSTEM + ".pdb", plan.flow(), training,
                TEMPERATURE_K);
        MolecularTraining.Result trained = MolecularTraining.train(model, training, trainingPlan, "Reference", plan.threads(), out.resolve("model"),
                false, listener::training);
        double trainSeconds = seconds(t1);

        // 3. Sample and reweight; score the reference MD with the same energy.
        listener.stage(Stage.SAMPLING, String.format("%d samples", plan.samples()));
        long t2 = System.nanoTime();
        SampleSet set;
        double[] mdEnergies;
        try (OpenMMEnergy energy = new OpenMMEnergy(system, "Reference", Map.of(), plan.threads())) {
            set = model.sample(plan.samples(), plan.seed() + 1000L, energy, done -> listener.sampled(done, plan.samples()));
            mdEnergies = energy.score(reference.xyz(), reference.frames(), false, done -> {}).energies();
        }
        set.write(out.resolve("samples"));
        double sampleSeconds = seconds(t2);

        // 4. Evaluate against the held-out replica.
        listener.stage(Stage.EVALUATION, "evaluation against the held-out MD replica");
        var report = GeneratorEvaluation.evaluate(new GeneratorEvaluation.Inputs(structure.topology(), TEMPERATURE_K, set.x(), set.logW(),
                set.energies(), reference, mdEnergies, model.logQ(reference), plan.seed()));
        report.write(out.resolve("report"));
        var a = plan.flow();
        Budget budget = new Budget(plan.budget(), plan.seed(), plan.mdPs(), plan.replicas(), plan.trainReplicas(), (int) training.rows(), reference.frames(),
                mdSeconds, trainingPlan.by(), trainingPlan.steps(), trainingPlan.batchSize(), a.transformer(), a.couplings(), a.hidden(), a.bins(),
                trained.energyEvaluations(), trainSeconds, plan.samples(), plan.samples() + reference.frames(), sampleSeconds, seconds(start));
        AtomicFile.writeString(out.resolve("demo.json"), JSON.writeValueAsString(budget.toJson()) + "\n");
        return new Result(out, report, budget);
    }

    private static double seconds(long startNs) {
        return (System.nanoTime() - startNs) / 1e9;
    }
}
