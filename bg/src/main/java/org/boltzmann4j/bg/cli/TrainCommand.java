package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.generator.MolecularFlow;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.training.MolecularTraining;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a Boltzmann generator: internal coordinates (from the PDB's bonds) + rational-quadratic spline couplings.",
                "By example (maximum likelihood on MD frames), by energy (reverse KL with OpenMM energies and forces), or mixed",
                "(by example, with the energy term ramped in over the middle third). Writes OUT/model.json, system.xml,",
                "structure.pdb and parameters.zip (a checkpoint: --resume continues a killed run)."})
final class TrainCommand implements Callable<Integer> {
    @Mixin SystemOptions systemOptions;

    @Option(names = "--data", paramLabel = "FILE", split = ",",
            description = "MD frames (.dcd, .npy in nm, .pdb) for --by example or mixed; several files (repeated or comma-separated, e.g. "
                    + "replicas) are joined in the order given.")
    List<Path> data;

    @Option(names = "--by", defaultValue = "example", paramLabel = "example|energy|mixed", description = "How to train (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--preset", defaultValue = "standard", paramLabel = "quick|standard",
            description = "Flow size and training length (quick: 4 couplings of width 64, 1000 steps; standard: 8 couplings of width 256, 5000 steps).")
    String preset;

    @Mixin FlowSizeOptions flowSize;

    @Option(names = "--coordinates", defaultValue = "internal", paramLabel = "internal|cartesian",
            description = "Flow coordinates (default: ${DEFAULT-VALUE}; cartesian for toy systems without bonds).")
    String coordinates;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (default: from the preset).")
    Integer steps;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "1e-3", paramLabel = "LR", description = "Peak learning rate, cosine decay (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--energy-weight", defaultValue = "0.1", paramLabel = "W", description = "Weight of the energy term in --by mixed (default: ${DEFAULT-VALUE}).")
    double energyWeight;

    @Option(names = "--temperature-k", defaultValue = "300", paramLabel = "K", description = "Temperature of the target distribution (default: ${DEFAULT-VALUE}).")
    double temperatureK;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of initialisation, batches and samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--resume", description = "Continue the training saved in --out.")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        if (!coordinates.equals("internal") && !coordinates.equals("cartesian"))
            throw new Main.UsageException("--coordinates must be internal or cartesian, got " + coordinates);
        FlowArchitecture architecture = flowSize.architecture(preset, coordinates, seed);
        if (!(temperatureK > 0)) throw new Main.UsageException("--temperature-k must be > 0, got " + temperatureK);
        int n = steps != null ? steps : preset.equals("quick") ? 1000 : 5000;
        MolecularTraining.Plan plan;
        try {
            plan = new MolecularTraining.Plan(by, n, batch, learningRate, seed, energyWeight, 1e3, 100, Math.max(1, Math.min(250, n / 10)),
                    Math.max(1, Math.min(500, n / 4)), 512);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (plan.needsData() && data == null) throw new Main.UsageException("--data is required with --by " + by);
        if (!resume && Files.exists(out.resolve(MolecularModel.PARAMETERS)))
            throw new Main.UsageException(out + " already holds a model; use --resume to continue its training or another --out");
        MolecularSystem molecular = systemOptions.molecular();
        Pdb.Structure structure = systemOptions.structure();
        String source = systemOptions.source();
        Frames frames = null;
        if (data != null) {
            List<Frames> parts = new java.util.ArrayList<>();
            for (Path file : data) {
                Frames part = Coordinates.load(file);
                if (part.frames() == 0) throw new IllegalArgumentException(file + ": no frames");
                if (part.atoms() != structure.topology().atomCount())
                    throw new IllegalArgumentException(file + ": " + part.atoms() + " atoms per frame, " + source + " has " + structure.topology().atomCount());
                parts.add(part);
            }
            frames = Frames.concat(parts);
        }
        MolecularModel model;
        if (resume) {
            model = MolecularModel.load(out);
            model.requireSameTopology(structure.topology(), source);
        } else {
            if (structure.topology().bondCount() == 0 && coordinates.equals("internal"))
                throw new Main.UsageException(source + " has no bonds: internal coordinates need them (use --coordinates cartesian for toy systems)");
            var zMatrix = coordinates.equals("internal") ? MolecularModel.zMatrixOf(structure.topology()) : null;
            int atoms = structure.topology().atomCount();
            MolecularFlow.Normalization normalization = frames != null
                    ? MolecularFlow.fit(atoms, zMatrix, architecture, Nd4j.createFromArray(frames.xyz()).reshape('c', frames.frames(), 3L * atoms))
                    : MolecularFlow.around(atoms, zMatrix, architecture, structure.frames().frame(0));
            model = new MolecularModel(molecular.name(), molecular.systemXml(), structure.topology(), structure.frames().frame(0), architecture,
                    normalization, temperatureK);
        }
        try (Progress progress = new Progress("train", plan.steps(), "steps")) {
            var result = MolecularTraining.train(model, frames, plan, energyOptions.platform, threads, out, resume, p -> progress.stepTo(p.step(),
                    String.format("loss %.3f%s%s", p.meanLoss(), Double.isFinite(p.heldOutNll()) ? String.format(", held-out NLL %.2f", p.heldOutNll()) : "",
                            Double.isFinite(p.ess()) ? String.format(", ESS %.3f", p.ess()) : "")));
            System.err.printf("train: %d steps in %.0f s, %d OpenMM energy evaluations -> %s%n", plan.steps(), result.seconds(),
                    result.energyEvaluations(), out);
        }
        return 0;
    }
}
