package org.boltzmann4j.bg.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.RunCheckpoint;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.tbg.FlowMatchingTrainer;
import org.boltzmann4j.bg.tbg.PeptideSystemSettings;
import org.boltzmann4j.bg.tbg.SamplingSettings;
import org.boltzmann4j.bg.tbg.TargetPeptide;
import org.boltzmann4j.bg.tbg.TbgModel;
import org.boltzmann4j.bg.tbg.TbgSampler;
import org.boltzmann4j.bg.tbg.TbgSettings;
import org.boltzmann4j.bg.tbg.TrainingData;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tbg", mixinStandardHelpOptions = true,
        description = {"Transferable Boltzmann generator: a flow on all-atom Cartesian coordinates that samples peptides with exact likelihoods.",
                "One continuous normalizing flow (an E(3)-equivariant network conditioned on atom type, residue position and amino acid), "
                        + "trained by flow matching on the MD of many peptides (a bg dataset folder) or of one molecule."},
        subcommands = {TbgCommand.Train.class, TbgCommand.Sample.class, TbgCommand.Score.class})
final class TbgCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (train, sample, score)");
    }

    /** The TBG proposal of bg hybrid for the peptide of a System and structure (its topology must lie in the model's vocabulary). */
    static org.boltzmann4j.bg.sampling.Proposal proposal(Path model, MolecularSystem molecular, Pdb.Structure structure, String source,
            double temperatureK) throws IOException {
        TbgModel loaded = TbgModel.load(model);
        TargetPeptide peptide = new TargetPeptide(source, structure.topology(), structure.frames().frame(0), molecular.systemXml());
        try {
            loaded.features(peptide.topology());
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(source + " is outside the TBG model's vocabulary: " + e.getMessage());
        }
        double trainedK = loaded.manifest().system().temperatureK();
        if (Math.abs(trainedK - temperatureK) > 1e-9)
            System.err.printf(Locale.ROOT, "hybrid: note: the TBG was trained at %.1f K, sampling at %.1f K (still exact: only acceptance suffers)%n",
                    trainedK, temperatureK);
        return new org.boltzmann4j.bg.tbg.TbgProposal(loaded, peptide, SamplingSettings.defaults());
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Train a TBG by conditional flow matching on the MD frames of one or many peptides.",
                    "Straight paths from the mean-free Gaussian prior to the MD frames (noise --path-sigma-nm), "
                            + "AdamW with an EMA of the weights, batches mixing peptides of different sizes.",
                    "Writes OUT/model.json (architecture, vocabulary, scale, Systems' settings, the training sequences, settings),",
                    "OUT/parameters.zip (EMA weights, used by sample and score) and OUT/checkpoint.a/.b (raw weights, EMA, Adam:",
                    "--resume continues bit-identically)."})
    static final class Train implements Callable<Integer> {
        static final class Data {
            @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "A bg dataset folder: the train sequences of --split"
                    + " (default DIR/split.json), or every finished peptide when there is no split.")
            Path dataset;

            @ArgGroup(exclusive = false)
            Single single;
        }

        static final class Single {
            @Option(names = "--pdb", required = true, paramLabel = "FILE.pdb", description = "One molecule's structure (with --frames).")
            Path pdb;

            @Option(names = "--frames", required = true, paramLabel = "FILE.dcd|FILE.npy", description = "Its MD frames (nm; e.g. bg md's trajectory.dcd).")
            Path frames;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Data data;

        @Option(names = "--split", paramLabel = "FILE", description = "A split.json (bg dataset split) whose \"train\" list to use.")
        Path split;

        @Option(names = "--system", paramLabel = "NAME|FILE.xml", description = "With --pdb: the molecule's System (bundled name or XML), kept in the model"
                + " so that sample and score need no other peptide.")
        String system;

        @Option(names = "--temperature-k", paramLabel = "K", description = "With --pdb: the temperature of its MD (default 300; a dataset's is its own).")
        Double temperatureK;

        @Option(names = "--max-frames", defaultValue = "0", paramLabel = "F", description = "At most F frames per peptide, evenly strided (default 0: all).")
        int maxFrames;

        @Option(names = "--width", defaultValue = "" + TbgSettings.DEFAULT_WIDTH, paramLabel = "W", description = "Network width H (default ${DEFAULT-VALUE}; the TBG's dipeptide model: 128).")
        int width;

        @Option(names = "--layers", defaultValue = "" + TbgSettings.DEFAULT_LAYERS, paramLabel = "L", description = "EGNN layers (default ${DEFAULT-VALUE}; dipeptides: 9).")
        int layers;

        @Option(names = "--steps", defaultValue = "" + TbgSettings.DEFAULT_STEPS, paramLabel = "N", description = "Optimizer steps in all (default ${DEFAULT-VALUE}).")
        long steps;

        @Option(names = "--batch", defaultValue = "" + TbgSettings.DEFAULT_BATCH, paramLabel = "B", description = "Frames per step, peptides drawn uniformly (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--learning-rate", defaultValue = "" + TbgSettings.DEFAULT_LEARNING_RATE, paramLabel = "LR", description = "AdamW learning rate (default ${DEFAULT-VALUE}).")
        double learningRate;

        @Option(names = "--schedule", defaultValue = "constant", paramLabel = "constant|cosine", description = "Learning-rate schedule (default ${DEFAULT-VALUE}; cosine: to 0 at --steps).")
        String schedule;

        @Option(names = "--weight-decay", defaultValue = "" + TbgSettings.DEFAULT_WEIGHT_DECAY, paramLabel = "WD", description = "AdamW's decoupled weight decay (default ${DEFAULT-VALUE}).")
        double weightDecay;

        @Option(names = "--ema-decay", defaultValue = "" + TbgSettings.DEFAULT_EMA_DECAY, paramLabel = "D", description = "EMA decay of the weights sampled with (default ${DEFAULT-VALUE}).")
        double emaDecay;

        @Option(names = "--align", defaultValue = "none", paramLabel = "none|rotation|permutation",
                description = "Align each frame to its prior partner: Kabsch rotation, and permutation among equivalent atoms (default ${DEFAULT-VALUE}).")
        String align;

        @Option(names = "--path-sigma-nm", defaultValue = "" + TbgSettings.DEFAULT_PATH_SIGMA_NM, paramLabel = "NM", description = "Noise of the probability path (default ${DEFAULT-VALUE} nm, the TBG's).")
        double pathSigmaNm;

        @Option(names = "--scale-nm", defaultValue = "0", paramLabel = "NM", description = "Coordinate scale c, x = c y (default 0: the RMS of the training coordinates).")
        double scaleNm;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the initial weights and of every step's draws (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--checkpoint-every", defaultValue = "1000", paramLabel = "N", description = "Steps between checkpoints (default ${DEFAULT-VALUE}; 0: by time only).")
        long checkpointEvery;

        @Option(names = "--checkpoint-every-s", defaultValue = "600", paramLabel = "SECONDS", description = "Seconds between checkpoints (default ${DEFAULT-VALUE}; 0: by steps only).")
        double checkpointEverySeconds;

        @Option(names = "--resume", description = "Continue the training saved in --out (same data and settings; --steps may grow unless cosine).")
        boolean resume;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model folder.")
        Path out;

        @Override
        public Integer call() throws Exception {
            TbgSettings settings;
            try {
                settings = TbgSettings.defaults().withWidth(width).withLayers(layers).withSteps(steps).withBatch(batch).withLearningRate(learningRate)
                        .withSchedule(schedule).withWeightDecay(weightDecay).withEmaDecay(emaDecay).withAlignment(align).withPathSigmaNm(pathSigmaNm)
                        .withCoordinateScaleNm(scaleNm).withSeed(seed).withCheckpointEverySteps(checkpointEvery)
                        .withCheckpointEverySeconds(checkpointEverySeconds);
                if (maxFrames < 0) throw new IllegalArgumentException("--max-frames must be >= 0, got " + maxFrames);
                if (data.dataset != null && (system != null || temperatureK != null))
                    throw new IllegalArgumentException("--system and --temperature-k apply to --pdb/--frames, not to --dataset (whose settings are its own)");
                if (data.dataset == null && split != null) throw new IllegalArgumentException("--split applies to --dataset");
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            if (!resume && RunCheckpoint.exists(out, FlowMatchingTrainer.CHECKPOINT))
                throw new Main.UsageException(out + " already holds a training run; use --resume to continue it or another --out");
            TrainingData training;
            TargetPeptide molecule = null;
            if (data.dataset != null) {
                training = TrainingData.fromDataset(data.dataset, split, maxFrames);
            } else {
                PeptideSystemSettings systemSettings = PeptideSystemSettings.defaults().withTemperatureK(temperatureK == null ? 300 : temperatureK);
                training = TrainingData.single(data.single.pdb, data.single.frames, maxFrames, systemSettings);
                if (system != null) {
                    MolecularSystem m = MolecularSystem.resolve(system);
                    var mol = training.molecules().getFirst();
                    molecule = new TargetPeptide(mol.name(), mol.topology(), mol.reference(), m.systemXml());
                }
            }
            FlowMatchingTrainer trainer = resume ? FlowMatchingTrainer.resume(out, training, settings, molecule)
                    : FlowMatchingTrainer.create(training, settings, molecule);
            var manifest = trainer.manifest();
            long parameters = trainer.network().parameters().stream().mapToLong(p -> p.size()).sum();
            System.err.printf(Locale.ROOT, "tbg train: %d peptides, %d frames, EGNN %d x %d (%d features, %d parameters), scale %.4f nm%s%n",
                    training.molecules().size(), training.frames(), settings.width(), settings.layers(), manifest.architecture().nodeFeatures(),
                    parameters, manifest.coordinateScaleNm(), resume ? ", resuming at step " + trainer.step() : "");
            FlowMatchingTrainer.Result result;
            try (Progress progress = new Progress("tbg train", settings.steps(), "steps")) {
                progress.resumedAt(trainer.step());
                result = trainer.train(out, !resume, (step, loss, lr) -> progress.stepTo(step, String.format(Locale.ROOT, "loss %.5f", loss)));
            }
            System.err.printf(Locale.ROOT, "tbg train: %d steps, loss %.5f (mean of this run's last %d steps) -> %s%n", result.steps(), result.recentLoss(),
                    result.recentSteps(), out);
            return 0;
        }
    }

    /** The peptide to sample or score: --sequence, --pdb (with an optional --system), or the model's own molecule. */
    static final class PeptideInput {
        @Option(names = "--sequence", paramLabel = "SEQ", description = "Build the peptide as bg build does, with the model's force field and solvent (KS, ACE-ALA-NME).")
        String sequence;

        @Option(names = "--pdb", paramLabel = "FILE.pdb", description = "A structure (completed and parameterised as bg build --pdb does, unless --system is given).")
        Path pdb;
    }

    static final class Target {
        @ArgGroup(exclusive = true, multiplicity = "0..1")
        PeptideInput input;

        @Option(names = "--system", paramLabel = "NAME|FILE.xml", description = "With --pdb: its System as given (atoms in the file's order).")
        String system;

        TargetPeptide resolve(TbgModel model) throws IOException {
            PeptideInput in = input == null ? new PeptideInput() : input;
            if (system != null && in.pdb == null) throw new Main.UsageException("--system applies to --pdb");
            TargetPeptide peptide;
            try {
                if (in.sequence != null) peptide = TargetPeptide.build(in.sequence, model.manifest().system());
                else if (in.pdb != null) peptide = TargetPeptide.fromPdb(in.pdb, model.manifest().system(), system == null ? null : MolecularSystem.resolve(system).systemXml());
                else if (model.molecule() != null) peptide = model.molecule();
                else throw new Main.UsageException("give --sequence or --pdb (the model holds no molecule of its own)");
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException((in.sequence != null ? "--sequence " + in.sequence : "--pdb " + in.pdb) + ": " + e.getMessage());
            }
            try {
                model.features(peptide.topology());
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(peptide.name() + " is outside the model's vocabulary: " + e.getMessage());
            }
            return peptide;
        }
    }

    static final class Solver {
        @Option(names = "--solver", defaultValue = SamplingSettings.DOPRI5, paramLabel = "dopri5|rk4", description = "ODE solver (default ${DEFAULT-VALUE}).")
        String solver;

        @Option(names = "--atol", defaultValue = "1e-4", paramLabel = "A", description = "dopri5 absolute tolerance (default ${DEFAULT-VALUE}).")
        double atol;

        @Option(names = "--rtol", defaultValue = "1e-4", paramLabel = "R", description = "dopri5 relative tolerance (default ${DEFAULT-VALUE}).")
        double rtol;

        @Option(names = "--steps", defaultValue = "20", paramLabel = "K", description = "rk4 steps (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Rows integrated together (default ${DEFAULT-VALUE}).")
        int batch;

        SamplingSettings settings(long seed) {
            try {
                return SamplingSettings.defaults().withSolver(solver).withAtol(atol).withRtol(rtol).withSteps(steps).withBatch(batch).withSeed(seed);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
        }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Sample a peptide (one the model may never have seen) with exact likelihoods and reweight with OpenMM.",
                    "Mirrors samples of the wrong chirality (x -> -x keeps q and U) and drops those whose bond graph differs from the topology.",
                    "Writes OUT/samples.dcd, log_q.npy, energies.npy (kJ/mol), log_w.npy (-U/kT - log q) of the kept samples, as bg sample,",
                    "and OUT/structure.pdb, system.xml, validity.json (fractions mirrored and kept, counts, solver work, how far the draws' bond graphs",
                    "are from the topology's: wrong pairs per draw and the most frequent ones) and dropped.dcd (the dropped draws, when there are any)."})
    static final class Sample implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder written by bg tbg train.")
        Path model;

        @Mixin Target target;

        @Option(names = "--n", defaultValue = "1000", paramLabel = "N", description = "Samples drawn (default ${DEFAULT-VALUE}).")
        int n;

        @Mixin Solver solver;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the prior draws (default ${DEFAULT-VALUE}).")
        long seed;

        @Mixin EnergyOptions energyOptions;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Samples folder.")
        Path out;

        @Override
        public Integer call() throws Exception {
            int threads = energyOptions.threads();
            if (n < 1) throw new Main.UsageException("--n must be >= 1, got " + n);
            SamplingSettings settings = solver.settings(seed);
            TbgModel loaded = TbgModel.load(model);
            TargetPeptide peptide = target.resolve(loaded);
            TbgSampler.Result result;
            try (OpenMMEnergy energy = new OpenMMEnergy(peptide.systemXml(), energyOptions.platform, Map.of(), threads);
                    Progress progress = new Progress("tbg sample", n, "samples")) {
                result = TbgSampler.sample(loaded, peptide, n, settings, energy, progress::stepTo);
            }
            var v = result.validity();
            var json = v.toJson();
            // what bg evaluate needs besides the samples: the temperature of log w (the System is system.xml here)
            json.put("peptide", peptide.name()).put("temperature_k", loaded.manifest().system().temperatureK()).put("model", model.toString())
                    .put("seen_in_training",
                    loaded.manifest().trainingSequences().stream().anyMatch(s -> TargetPeptide.sameSequence(s, peptide.name())));
            Pdb.write(out.resolve("structure.pdb"), peptide.topology(), Frames.single(peptide.reference()));
            AtomicFile.writeString(out.resolve("system.xml"), peptide.systemXml());
            AtomicFile.writeString(out.resolve("validity.json"), JSON.writeValueAsString(json) + "\n");
            Path dropped = out.resolve("dropped.dcd");
            if (result.dropped().frames() > 0) Dcd.write(dropped, result.dropped(), Dcd.Timing.SAMPLES);
            else Files.deleteIfExists(dropped); // an earlier run's into the same folder
            if (v.kept() == 0)
                throw new IllegalStateException("none of the " + n + " samples is right-handed at every stereocentre with " + peptide.name() + "'s bond graph (" + out.resolve("validity.json") + ")");
            result.samples().write(out);
            System.err.printf(Locale.ROOT, "tbg sample: %s, %d drawn, %d mirrored (chirality), %d dropped (mixed chirality), %d dropped (bond graph; %.2f wrong pairs per draw), %d kept, normalised ESS %.4f, %s: %d evaluations -> %s%n",
                    peptide.name(), v.drawn(), v.mirrored(), v.droppedChirality(), v.dropped(), v.bonds().meanDifferences(), v.kept(), KishEss.normalized(result.samples().logW()), v.solver(),
                    v.functionEvaluations(), out);
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"log q of given configurations (e.g. MD frames, for a held-out NLL) by integrating the flow backward with the exact divergence.",
                    "Writes OUT (.npy, float64, one value per frame, nats; density of the centred configuration on the 3N - 3 dimensional subspace)."})
    static final class Score implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder written by bg tbg train.")
        Path model;

        @Mixin Target target;

        @Option(names = "--coords", required = true, paramLabel = "FILE", description = "Configurations (.dcd, .npy, .pdb; nm), atoms in the peptide's order.")
        Path coords;

        @Mixin Solver solver;

        @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "log q per frame.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (!out.getFileName().toString().endsWith(".npy")) throw new Main.UsageException("--out must name a .npy file, got " + out);
            SamplingSettings settings = solver.settings(1);
            TbgModel loaded = TbgModel.load(model);
            TargetPeptide peptide = target.resolve(loaded);
            Frames frames = Coordinates.load(coords);
            if (frames.frames() == 0) throw new IllegalArgumentException(coords + ": no frames");
            if (frames.atoms() != peptide.atoms())
                throw new IllegalArgumentException(coords + ": " + frames.atoms() + " atoms per frame, " + peptide.name() + " has " + peptide.atoms());
            double[] logQ = TbgSampler.logQ(loaded, peptide, frames, settings);
            if (out.getParent() != null) java.nio.file.Files.createDirectories(out.getParent());
            Npy.write(out, logQ, logQ.length);
            double mean = java.util.Arrays.stream(logQ).average().orElse(Double.NaN);
            System.err.printf(Locale.ROOT, "tbg score: %s, %d frames, mean log q %.3f (NLL %.3f nats) -> %s%n", peptide.name(), logQ.length, mean, -mean, out);
            return 0;
        }
    }
}
