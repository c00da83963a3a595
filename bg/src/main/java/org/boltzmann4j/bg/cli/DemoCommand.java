package org.boltzmann4j.bg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.GeneratorEvaluation;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.generator.MolecularFlow;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.MolecularDynamics;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.training.MolecularTraining;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job: a Boltzmann generator for alanine dipeptide (bundled aldp-implicit, 300 K) from end to end.",
                "Runs independent MD replicas (--train-replicas to train on, default 1, and one held out as reference), trains the flow (by example;",
                "--by mixed or energy adds OpenMM forces), draws and reweights samples, evaluates them against the held-out MD and writes everything under",
                "--out: md/, model/, samples/, report/ (metrics.json, PNG plots, report.md) and demo.json (the budget spent).",
                "About 10 minutes on 2 cores; --quick about 1; scripts/bench-aldp (3 training replicas, a larger flow) about 25."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A first look: short MD, fewer steps and samples.")
    boolean quick;

    @Option(names = "--preset", defaultValue = "quick", paramLabel = "quick|standard",
            description = "Flow size (default: ${DEFAULT-VALUE}: 4 couplings of width 64; standard: 8 of width 256, which overfits the "
                    + "demo's correlated MD frames: its held-out NLL rose from -214.7 to -196 over 3000 steps in our run).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: a new demo-<time> folder here).")
    Path out;

    @Option(names = "--train-replicas", defaultValue = "1", paramLabel = "K",
            description = "MD replicas to train on (default: ${DEFAULT-VALUE}); one more is run and held out as the reference.")
    int trainReplicas;

    @Mixin FlowSizeOptions flowSize;

    @Option(names = "--md-ps", paramLabel = "PS", description = "MD length per replica in ps, a frame every 0.1 ps (default: 10000, quick: 400).")
    Integer mdPs;

    @Option(names = "--train-steps", paramLabel = "N", description = "Training steps (default: 3000, quick: 600).")
    Integer trainSteps;

    @Option(names = "--by", defaultValue = "example", paramLabel = "example|energy|mixed",
            description = "How to train (default: ${DEFAULT-VALUE}; mixed did not beat it at this budget in our runs).")
    String by;

    @Option(names = "--samples", paramLabel = "N", description = "Flow samples to draw and evaluate (default: 20000, quick: 5000).")
    Integer samples;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of MD, training and sampling (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "OpenMM contexts in parallel (default: one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) throw new Main.UsageException("--threads must be >= 0, got " + threads);
        int ps = mdPs != null ? mdPs : quick ? 400 : 10000;
        int steps = trainSteps != null ? trainSteps : quick ? 600 : 3000;
        FlowArchitecture architecture = flowSize.architecture(preset, "internal", seed);
        int n = samples != null ? samples : quick ? 5000 : 20000;
        if (ps < 10 || steps < 1 || n < 100) throw new Main.UsageException("need --md-ps >= 10, --train-steps >= 1, --samples >= 100");
        if (trainReplicas < 1) throw new Main.UsageException("--train-replicas must be >= 1, got " + trainReplicas);
        int replicas = trainReplicas + 1;
        Path dir = out != null ? out : Path.of("demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(dir.resolve("report").resolve("metrics.json"))) throw new Main.UsageException(dir + " already holds a finished demo; choose another --out");
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode budget = json.createObjectNode();
        budget.put("system", "aldp-implicit").put("temperature_k", 300).put("seed", seed).put("demo_budget", quick ? "quick" : "default");
        long start = System.nanoTime();

        // 1. MD: two independent replicas in parallel processes, 1 fs steps, a frame every 0.1 ps
        // (the flow overfits a few hundred frames; tens of thousands of correlated ones train it).
        System.err.printf("demo: [1/4] MD, %d replicas x %d ps (aldp-implicit, 300 K, Langevin 1/ps, 1 fs)%n", replicas, ps);
        Path md = dir.resolve("md");
        List<List<String>> runs = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            prefixes.add("[md " + r + "] ");
            Path replica = md.resolve(String.format("replica-%03d", r));
            List<String> args = new ArrayList<>(List.of("md", "--system", "aldp-implicit", "--steps", Long.toString(1000L * ps), "--save-every", "100",
                    "--seed", Integer.toString(seed * 2 + r), "--out", replica.toString()));
            if (MolecularDynamics.hasCheckpoint(replica)) args.add("--resume"); // a killed demo continues its MD
            runs.add(args);
        }
        int code = ChildProcesses.runAll(runs, prefixes, 2);
        if (code != 0) throw new IllegalStateException("MD failed (exit code " + code + "); see the lines above");
        List<Frames> parts = new ArrayList<>();
        for (int r = 0; r < trainReplicas; r++) parts.add(Dcd.read(md.resolve(String.format("replica-%03d/trajectory.dcd", r))).frames());
        Frames training = Frames.concat(parts);
        Frames reference = Dcd.read(md.resolve(String.format("replica-%03d/trajectory.dcd", trainReplicas))).frames();
        double mdSeconds = (System.nanoTime() - start) / 1e9;
        budget.put("md_ps_per_replica", ps).put("md_replicas", replicas).put("md_training_replicas", trainReplicas).put("md_frames_training", training.frames())
                .put("md_frames_reference", reference.frames()).put("md_wall_seconds", mdSeconds);

        // 2. Train.
        System.err.printf("demo: [2/4] training %s, %d steps on %d MD frames%n", by, steps, training.frames());
        long t1 = System.nanoTime();
        MolecularSystem system = MolecularSystem.bundled("aldp-implicit");
        Pdb.Structure structure = Pdb.parse(system.pdb().orElseThrow(), "aldp-implicit.pdb");
        var zMatrix = MolecularModel.zMatrixOf(structure.topology());
        int atoms = structure.topology().atomCount();
        var normalization = MolecularFlow.fit(atoms, zMatrix, architecture,
                Nd4j.createFromArray(training.xyz()).reshape('c', training.frames(), 3L * atoms));
        MolecularModel model = new MolecularModel(system.name(), system.systemXml(), structure.topology(), structure.frames().frame(0), architecture,
                normalization, 300);
        int batch = Math.max(2, Math.min(256, training.frames() * 9 / 10)); // 10 % of the frames are held out
        var plan = new MolecularTraining.Plan(by, steps, batch, 1e-3, seed, 0.1, 1e3, 100, Math.max(1, Math.min(250, steps / 10)),
                Math.max(1, Math.min(500, steps / 4)), 512);
        MolecularTraining.Result trained;
        try (Progress progress = new Progress("train", steps, "steps")) {
            trained = MolecularTraining.train(model, training, plan, "Reference", threads, dir.resolve("model"), false,
                    p -> progress.stepTo(p.step(), String.format("loss %.3f, held-out NLL %.2f, ESS %.3f", p.meanLoss(), p.heldOutNll(), p.ess())));
        }
        budget.put("train_by", by).put("train_steps", steps).put("train_batch", batch).put("flow", preset).put("couplings", architecture.couplings()).put("hidden", java.util.Arrays.toString(architecture.hidden()))
                .put("train_energy_evaluations", trained.energyEvaluations()).put("train_wall_seconds", (System.nanoTime() - t1) / 1e9);

        // 3. Sample and reweight.
        System.err.printf("demo: [3/4] %d samples%n", n);
        long t2 = System.nanoTime();
        SampleSet set;
        double[] mdEnergies;
        try (OpenMMEnergy energy = new OpenMMEnergy(system, "Reference", Map.of(), threads);
                Progress progress = new Progress("sample", n, "samples")) {
            set = model.sample(n, seed + 1000L, energy, progress::stepTo);
            mdEnergies = energy.score(reference.xyz(), reference.frames(), false, done -> {}).energies();
        }
        set.write(dir.resolve("samples"));
        budget.put("samples", n).put("sample_energy_evaluations", n + reference.frames()).put("sample_wall_seconds", (System.nanoTime() - t2) / 1e9);

        // 4. Evaluate against the held-out replica.
        System.err.println("demo: [4/4] evaluation against the held-out MD replica");
        var report = GeneratorEvaluation.evaluate(new GeneratorEvaluation.Inputs(structure.topology(), 300, set.x(), set.logW(), set.energies(),
                reference, mdEnergies, model.logQ(reference), seed));
        report.write(dir.resolve("report"));
        budget.put("total_energy_evaluations", trained.energyEvaluations() + n + reference.frames())
                .put("total_wall_seconds", (System.nanoTime() - start) / 1e9);
        AtomicFile.writeString(dir.resolve("demo.json"), json.writeValueAsString(budget) + "\n");

        var m = report.metrics();
        var df = m.path("delta_f_kt");
        System.out.printf("Alanine dipeptide Boltzmann generator (aldp-implicit, 300 K), %.0f s%n", (System.nanoTime() - start) / 1e9);
        System.out.printf("  normalised ESS      %.4f of %d samples (no weights dropped)%n", m.path("ess").asDouble(), n);
        System.out.printf("  NLL of held-out MD  %.2f nats%n", m.path("nll_nats").asDouble());
        System.out.printf("  energy W1           %.2f kJ/mol (MD vs reweighted flow)%n", m.path("energy_w1_kjmol").asDouble());
        System.out.printf("  KL phi / psi        %.4f / %.4f%n", m.path("phi_kl").asDouble(), m.path("psi_kl").asDouble());
        System.out.printf("  dF(phi>0 vs phi<0)  MD %s, flow %s, reweighted %s kT%n", value(df.path("md")), value(df.path("flow")), value(df.path("reweighted")));
        System.out.println("Report: " + dir.resolve("report").resolve("report.md"));
        return 0;
    }

    private static String value(com.fasterxml.jackson.databind.JsonNode d) {
        return d.path("value").isNull() || d.path("value").isMissingNode() ? "unbounded" : String.format("%.2f", d.path("value").asDouble());
    }
}
