package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.sampling.AnnealedImportanceSampling;
import org.boltzmann4j.bg.training.FabLoss;
import org.boltzmann4j.bg.training.MolecularTraining;
import org.boltzmann4j.bg.training.TrainingCheckpoint;
import org.boltzmann4j.bg.training.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a Boltzmann generator by example, by energy, or both.",
                "The flow: internal coordinates (from the PDB's bonds; --coordinates cartesian for toys without bonds) with "
                        + "rational-quadratic spline couplings (or affine RealNVP couplings: --transformer realnvp). By example is maximum "
                        + "likelihood on MD frames; by energy uses OpenMM energies and forces only: by default temperature annealing "
                        + "(reverse KL at " + MolecularTraining.Plan.DEFAULT_ANNEAL_FACTOR + " x --temperature-k, where barriers are low, then "
                        + MolecularTraining.Plan.DEFAULT_ANNEAL_RUNGS + " rungs down to the target by the flow's own samples reweighted), "
                        + "plain reverse KL with --anneal-rungs 0, which is mode-seeking and can lose a state; mixed is by example with the "
                        + "energy term ramped in over the middle third; fab is flow annealed importance sampling bootstrap (the mass-covering "
                        + "alpha = 2 divergence estimated by AIS from the flow towards p^2/q with HMC, and a replay buffer; no data). By example and mixed hold out 10 %% of the frames in blocks "
                        + "contiguous in time and report the step where the held-out NLL stopped improving (--patience N: stop there). Writes OUT/model.json, system.xml, structure.pdb, parameters.zip "
                        + "and the training checkpoint checkpoint.a/.b (--resume continues a killed run from it); --init MODEL starts from a trained model (fine-tuning, e.g. by energy after by example)."})
final class TrainCommand implements Callable<Integer> {
    @Mixin SystemOptions systemOptions;

    @Option(names = "--data", paramLabel = "FILE", split = ",",
            description = "MD frames (.dcd, .npy in nm, .pdb) for --by example or mixed; several files (repeated or comma-separated, e.g. "
                    + "replicas) are joined in the order given.")
    List<Path> data;

    @Option(names = "--by", defaultValue = MolecularTraining.Plan.DEFAULT_BY, paramLabel = "example|energy|mixed|fab",
            description = "How to train (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--preset", defaultValue = "standard", paramLabel = "quick|standard",
            description = "Flow size and training length (quick: 4 couplings of width 64, " + MolecularTraining.Plan.QUICK_STEPS
                    + " steps; standard: 8 couplings of width 256, " + MolecularTraining.Plan.DEFAULT_STEPS + " steps, by energy "
                    + MolecularTraining.Plan.DEFAULT_ENERGY_STEPS + "; default: ${DEFAULT-VALUE}).")
    String preset;

    @Mixin FlowSizeOptions flowSize;

    @Option(names = "--coordinates", defaultValue = "internal", paramLabel = "internal|cartesian",
            description = "Flow coordinates (default: ${DEFAULT-VALUE}; cartesian for toy systems without bonds).")
    String coordinates;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: from the preset).")
    Integer steps;

    @Option(names = "--batch", defaultValue = "" + MolecularTraining.Plan.DEFAULT_BATCH_SIZE, paramLabel = "B",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "" + MolecularTraining.Plan.DEFAULT_LEARNING_RATE, paramLabel = "LR",
            description = "Peak learning rate, cosine decay (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--energy-weight", defaultValue = "" + MolecularTraining.Plan.DEFAULT_ENERGY_WEIGHT, paramLabel = "W",
            description = "Weight of the energy term in --by mixed (default: ${DEFAULT-VALUE}).")
    double energyWeight;

    @Option(names = "--temperature-k", defaultValue = "300", paramLabel = "K", description = "Temperature of the target distribution (default: ${DEFAULT-VALUE}).")
    double temperatureK;

    @Option(names = "--seed", defaultValue = "" + MolecularTraining.Plan.DEFAULT_SEED, paramLabel = "S",
            description = "Seed of initialisation, batches and samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--anneal-rungs", defaultValue = "" + MolecularTraining.Plan.DEFAULT_ANNEAL_RUNGS, paramLabel = "R",
            description = "--by energy: temperature annealing (Schopmans and Friederich 2025): reverse KL at --anneal-from-k, then R rungs "
                    + "down a geometric ladder to --temperature-k, each refining the flow by its own samples reweighted to the rung's "
                    + "temperature (importance-weighted forward KL); 0: reverse KL at the target throughout (default: ${DEFAULT-VALUE}; the bundled double wells "
                    + "of 3-8 kT lose a well by reverse KL at 8 kT, not annealed: BENCHMARKS.md, scripts/bench-fab).")
    int annealRungs;

    @Option(names = "--anneal-from-k", paramLabel = "K",
            description = "Temperature of annealing's reverse-KL phase (default: " + MolecularTraining.Plan.DEFAULT_ANNEAL_FACTOR
                    + " x --temperature-k).")
    Double annealFromK;

    @Option(names = "--anneal-rung-steps", paramLabel = "N",
            description = "Steps of each annealing rung (default: the rungs take half of --steps together).")
    Integer annealRungSteps;

    @Option(names = "--holdout-fraction", defaultValue = "" + MolecularTraining.Plan.DEFAULT_HELD_OUT_FRACTION, paramLabel = "F",
            description = "--by example or mixed: fraction of the frames held out, in blocks contiguous in time, for the held-out NLL "
                    + "and early stopping (default: ${DEFAULT-VALUE}).")
    double heldOutFraction;

    @Option(names = "--patience", defaultValue = "" + MolecularTraining.Plan.DEFAULT_PATIENCE, paramLabel = "N",
            description = "--by example or mixed: stop after N evaluations (every tenth of the run, at most 250 steps) without a lower "
                    + "held-out NLL and keep the parameters of the best one; 0: never stop early (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--weight-decay", defaultValue = "" + MolecularTraining.Plan.DEFAULT_WEIGHT_DECAY, paramLabel = "WD",
            description = "Decoupled weight decay (AdamW) per step, times the learning rate (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--ais-steps", defaultValue = "" + AnnealedImportanceSampling.Settings.DEFAULT_INTERMEDIATE_DISTRIBUTIONS, paramLabel = "K",
            description = "--by fab: intermediate distributions of AIS between the flow and p^2/q, one HMC transition each (default: ${DEFAULT-VALUE}).")
    int aisSteps;

    @Option(names = "--hmc-steps", defaultValue = "" + AnnealedImportanceSampling.Settings.DEFAULT_LEAPFROG_STEPS, paramLabel = "L",
            description = "--by fab: leapfrog steps per HMC transition, step size adapted towards acceptance 0.65 (default: ${DEFAULT-VALUE}).")
    int hmcSteps;

    @Option(names = "--buffer-batches", defaultValue = "" + FabLoss.Settings.DEFAULT_BUFFER_BATCHES, paramLabel = "B",
            description = "--by fab: replay buffer capacity in batches, 0 for none (default: ${DEFAULT-VALUE}).")
    int bufferBatches;

    @Option(names = "--buffer-min-batches", paramLabel = "M",
            description = "--by fab: batches in the buffer before the first step (default: " + FabLoss.Settings.DEFAULT_MIN_BUFFER_BATCHES
                    + ", at most --buffer-batches).")
    Integer bufferMinBatches;

    @Option(names = "--steps-per-ais", defaultValue = "" + FabLoss.Settings.DEFAULT_GRADIENT_STEPS_PER_AIS, paramLabel = "S",
            description = "--by fab: gradient steps on buffer draws per new AIS batch (default: ${DEFAULT-VALUE}; 1 without a buffer).")
    int stepsPerAis;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--resume", description = "Continue the training saved in --out.")
    boolean resume;

    @Option(names = "--init", paramLabel = "MODEL",
            description = "Start from the trained model in folder MODEL (the same molecule): its flow, normalisation and parameters, with a fresh "
                    + "optimizer and this run's --by, --steps and schedule, e.g. by energy after by example on little data. The flow options "
                    + "(--coordinates, --transformer, --couplings, --hidden, --bins) come from MODEL and may not be given with it.")
    Path init;

    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        if (!(temperatureK > 0)) throw new Main.UsageException("--temperature-k must be > 0, got " + temperatureK);
        FlowArchitecture architecture;
        MolecularTraining.Plan plan;
        FabLoss.Settings fab;
        try {
            fab = FabLoss.Settings.defaults().withAis(AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(aisSteps)
                    .withLeapfrogSteps(hmcSteps)).withBufferBatches(bufferBatches);
            if (bufferBatches > 0) {
                if (bufferMinBatches != null) fab = fab.withMinBufferBatches(bufferMinBatches);
                fab = fab.withGradientStepsPerAis(stepsPerAis);
            }
            architecture = flowSize.architecture(preset, coordinates, seed);
            plan = (preset.equals("quick") ? MolecularTraining.Plan.quick().withBy(by) : MolecularTraining.Plan.standard(by)).withBatchSize(batch)
                    .withLearningRate(learningRate).withSeed(seed).withEnergyWeight(energyWeight).withAnnealRungs(annealRungs)
                    .withHeldOutFraction(heldOutFraction).withPatience(patience).withWeightDecay(weightDecay);
            if (steps != null) plan = plan.withSteps(steps);
            if (annealFromK != null) plan = plan.withAnnealFromK(annealFromK);
            if (annealRungSteps != null) {
                if (annealRungSteps < 1) throw new IllegalArgumentException("--anneal-rung-steps must be >= 1, got " + annealRungSteps);
                plan = plan.withAnnealRungSteps(annealRungSteps);
            }
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (plan.needsData() && data == null) throw new Main.UsageException("--data is required with --by " + by);
        if (init != null) {
            if (resume) throw new Main.UsageException("--init and --resume exclude each other: --resume continues the run in --out");
            for (String option : List.of("--coordinates", "--transformer", "--couplings", "--hidden", "--bins"))
                if (spec.commandLine().getParseResult().hasMatchedOption(option))
                    throw new Main.UsageException(option + " may not be given with --init: the flow comes from " + init);
        }
        if (!resume && (Files.exists(out.resolve(MolecularModel.PARAMETERS)) || TrainingCheckpoint.exists(out.resolve(MolecularModel.CHECKPOINT))))
            throw new Main.UsageException(out + " already holds a model; use --resume to continue its training or another --out");
        MolecularSystem molecular = systemOptions.molecular();
        Pdb.Structure structure = systemOptions.structure();
        String source = systemOptions.source();
        INDArray frames = data == null ? null : MolecularTraining.readData(data, structure.topology().atomCount(), source);
        MolecularModel model;
        if (resume) {
            Path checkpoint = MolecularTraining.checkpointToResume(out); // refuses an earlier version's folder first
            model = MolecularModel.load(out);
            model.requireSameTopology(structure.topology(), source);
            // the run resumes with its own length (the trainer's checkpoint has it), whatever the defaults are now
            int saved = TrainingCheckpoint.readConfig(checkpoint).steps();
            if (steps != null && steps != saved)
                throw new Main.UsageException("--steps " + steps + " differs from the run in " + out + " (" + saved + " steps): a resumed run keeps its length");
            plan = plan.withSteps(saved);
        } else if (init != null) {
            MolecularModel start = MolecularModel.load(init);
            try {
                start.requireSameTopology(structure.topology(), source);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException("--init " + init + ": " + e.getMessage());
            }
            model = start.initialFor(molecular.name(), molecular.systemXml(), temperatureK, init.toString());
        } else {
            try {
                model = MolecularModel.create(molecular.name(), molecular.systemXml(), structure, source, architecture, frames, temperatureK);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
        }
        try {
            if (plan.annealed()) plan.annealing(model.temperatureK()); // the ladder's checks, before anything is written
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        try (Progress progress = new Progress("train", plan.steps(), "steps")) {
            Trainer.Listener plain = plan.by().equals("fab") ? null : p -> progress.stepTo(p.step(),
                    String.format("loss %.3f%s%s", p.meanLoss(), Double.isFinite(p.heldOutNll()) ? String.format(", held-out NLL %.2f", p.heldOutNll()) : "",
                            Double.isFinite(p.ess()) ? String.format(", ESS %.3f", p.ess()) : ""));
            MolecularTraining.FabListener fabProgress = (p, s, evaluations) -> progress.stepTo(p.step(),
                    String.format("loss %.3f, flow ESS %.3f, AIS ESS (p^2/q) %.3f, HMC acceptance %.2f, %d energy evaluations", p.meanLoss(), p.ess(),
                            s.aisEss(), s.acceptance(), evaluations));
            var result = MolecularTraining.train(model, frames, plan, fab, energyOptions.platform, threads, out, resume, plain, fabProgress);
            long done = result.last() == null ? plan.steps() : result.last().step();
            if (result.bestStep() >= 0 && result.bestStep() == done)
                System.err.printf("train: held-out NLL still improving at the last step %d (%.3f nats)%n", done, result.bestHeldOutNll());
            else if (result.bestStep() >= 0)
                System.err.printf("train: held-out NLL stopped improving at step %d (%.3f nats)%s%n", result.bestStep(), result.bestHeldOutNll(),
                        result.stoppedEarly() ? "; stopped early at step " + done + " and kept step " + result.bestStep() + "'s parameters"
                                : "; the model has the last step's parameters (step " + done + ")");
            System.err.printf("train: %d steps in %.0f s, %d OpenMM energy evaluations -> %s%n", done, result.seconds(), result.energyEvaluations(), out);
        }
        return 0;
    }
}
