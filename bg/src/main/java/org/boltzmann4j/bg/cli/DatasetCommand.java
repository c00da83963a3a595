package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.boltzmann4j.bg.dataset.BgLauncher;
import org.boltzmann4j.bg.dataset.Dataset;
import org.boltzmann4j.bg.dataset.DatasetEngine;
import org.boltzmann4j.bg.dataset.DatasetSettings;
import org.boltzmann4j.bg.dataset.PeptideResult;
import org.boltzmann4j.bg.dataset.PeptideSimulation;
import org.boltzmann4j.bg.dataset.Sequences;
import org.boltzmann4j.bg.dataset.SlurmScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = {"Datasets of many peptides: MD of each sequence on this machine's cores, a Spark cluster or a Slurm job array.",
                "Each sequence is built (as bg build), minimised, equilibrated and run with Langevin MD. "
                        + "Run it as scripts/bg dataset (which adds Spark to the class path)."},
        subcommands = {DatasetCommand.Md.class, DatasetCommand.Status.class, DatasetCommand.Split.class, DatasetCommand.Score.class, DatasetCommand.Peptide.class})
final class DatasetCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (md, status, split, score, peptide)");
    }

    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\d+|\\*)(,\\d+)?\\])?");

    /**
     * The engine job of {@code --engine} (default local[N], N = cores) and {@code --max-failures},
     * with what the executors need from this process: the native library and OpenMM's environment.
     */
    static DatasetEngine.Job job(String engine, int maxFailures) {
        String master = engine != null ? engine : "local[" + Runtime.getRuntime().availableProcessors() + "]";
        if (!LOCAL.matcher(master).matches() && !master.startsWith("spark://") && !master.equals("yarn") && !master.startsWith("k8s://"))
            throw new Main.UsageException("--engine must be local[N], spark://HOST:PORT, yarn or k8s://HOST:PORT, got " + master);
        Map<String, String> env = new LinkedHashMap<>();
        for (String v : List.of("LD_LIBRARY_PATH", "OPENMM_PLUGIN_DIR", "OMP_WAIT_POLICY")) {
            if (System.getenv(v) != null) env.put(v, System.getenv(v));
        }
        return new DatasetEngine.Job(master, maxFailures, System.getProperty("boltzmann4j.native"), env, BgLauncher.current());
    }

    @Command(name = "md", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Runs bg build, minimisation, equilibration and Langevin MD for each sequence into OUT/SEQ.",
                    "Each OUT/SEQ holds structure.pdb, system.xml, topology.json, trajectory.dcd, energies.npy, log.csv and DONE.json; "
                            + "OUT/dataset.json records the settings, sequences, frames, ns, ns/day and seeds. "
                            + "Each peptide's seeds come from --seed and its sequence only (SHA-256), so the files do "
                            + "not depend on the engine, the order or the worker count. Finished peptides are skipped, interrupted ones resume "
                            + "from their checkpoint; other settings into the same OUT are refused. Defaults: the dataset of this project "
                            + "(amber14-all + gbsa-obc2, OpenMM's native OBC2 GBSAOBCForce: 25x faster than obc1 as a CustomGBForce), NoCutoff, 310 K."})
    static final class Md implements Callable<Integer> {
        @Option(names = "--sequences", required = true, paramLabel = "FILE|KS,AT,...", description = "A file of sequences (one per line) or a comma-separated list.")
        String sequences;

        @Option(names = "--termini", paramLabel = "zwitterion|capped", description = "Termini (default: zwitterion).")
        String termini;

        @Option(names = "--forcefield", paramLabel = "NAME|FILE.xml", description = "Force field, as bg build takes it (default: amber14-all).")
        String forcefield;

        @Option(names = "--solvent", paramLabel = "NAME", description = "Implicit solvent, as bg build takes it (default: gbsa-obc2).")
        String solvent;

        @Option(names = "--nonbonded", paramLabel = "nocutoff|cutoff-nonperiodic", description = "Nonbonded method, as bg build takes it (default: nocutoff).")
        String nonbonded;

        @Option(names = "--temperature-k", paramLabel = "K", description = "Temperature (default: 310).")
        Double temperatureK;

        @Option(names = "--ns", paramLabel = "NS", description = "Production MD per peptide (default: 5).")
        Double ns;

        @Option(names = "--dt-ps", paramLabel = "PS", description = "Time step (default: 0.001).")
        Double dtPs;

        @Option(names = "--friction-per-ps", paramLabel = "GAMMA", description = "Langevin friction (default: 1).")
        Double frictionPerPs;

        @Option(names = "--save-every-ps", paramLabel = "PS", description = "Time between saved frames (default: 1).")
        Double saveEveryPs;

        @Option(names = "--equilibrate-ps", paramLabel = "PS", description = "Equilibration after minimisation, not saved in the trajectory (default: 50).")
        Double equilibratePs;

        @Option(names = "--seed", paramLabel = "S", description = "Dataset seed (default: 1).")
        Integer seed;

        @Option(names = "--platform", paramLabel = "NAME", description = "OpenMM platform (default: Reference, the only one that repeats bit for bit).")
        String platform;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder, on a file system every worker sees.")
        Path out;

        @Option(names = "--engine", paramLabel = "local[N]|spark://HOST:PORT|yarn|k8s://...",
                description = "Where the tasks run (default: local[N], N = this machine's cores: Spark embedded, nothing to start).")
        String engine;

        @Option(names = "--max-failures", defaultValue = "4", paramLabel = "N",
                description = "Attempts per peptide before it counts as failed; a retry resumes from the checkpoint (default: ${DEFAULT-VALUE}).")
        int maxFailures;

        @Option(names = "--checkpoint-every-s", defaultValue = "60", paramLabel = "SECONDS",
                description = "Wall time between MD checkpoints: what a killed task loses at most (default: ${DEFAULT-VALUE}).")
        double checkpointEverySeconds;

        @Option(names = "--emit", paramLabel = "slurm", description = "Write OUT/dataset.slurm (a job array over the same per-peptide work) instead of running.")
        String emit;

        @Override
        public Integer call() throws Exception {
            List<String> list;
            DatasetSettings settings;
            try {
                list = Sequences.parse(sequences);
                settings = settings();
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            if (maxFailures < 1) throw new Main.UsageException("--max-failures must be >= 1, got " + maxFailures);
            if (checkpointEverySeconds < 0) throw new Main.UsageException("--checkpoint-every-s must be >= 0, got " + checkpointEverySeconds);
            if (emit != null && !emit.equals("slurm")) throw new Main.UsageException("--emit must be slurm, got " + emit);
            DatasetEngine.Job job = job(engine, maxFailures);
            String master = job.master();
            DatasetEngine dataEngine = emit == null ? DatasetEngine.load() : null;
            BgLauncher launcher = job.launcher();
            String nativeLibrary = job.nativeLibrary();
            if (dataEngine != null) dataEngine.check(job);
            Dataset dataset;
            try {
                dataset = Dataset.create(out, settings, list);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            if (emit != null) {
                Path script = SlurmScript.write(dataset, launcher, nativeLibrary, checkpointEverySeconds);
                System.err.printf("dataset: wrote %s (%d array tasks); submit it with: sbatch %s%n", script, dataset.sequences().size(), script);
                return 0;
            }
            try (AutoCloseable lock = dataset.lock()) {
                List<PeptideSimulation> pending = dataset.pending(launcher, checkpointEverySeconds);
                int skipped = dataset.sequences().size() - pending.size();
                if (pending.isEmpty()) {
                    dataset.write();
                    System.err.printf("dataset: all %d peptides of %s are done%n", skipped, out);
                    return 0;
                }
                System.err.printf(Locale.ROOT, "dataset: %d peptides to run (%d done before) on %s with %s%n", pending.size(), skipped, master, dataEngine.name());
                List<PeptideResult> results;
                long t0 = System.nanoTime();
                try (DatasetProgress progress = new DatasetProgress(dataset, pending)) {
                    results = dataEngine.simulate(job, pending);
                }
                double wallDays = (System.nanoTime() - t0) / 1e9 / 86400;
                dataset.write();
                int failed = 0;
                double ns = 0;
                for (PeptideResult r : results) {
                    if (!r.done()) {
                        failed++;
                        System.err.println("dataset: " + r.sequence() + " failed: " + r.message());
                    } else if (!r.skipped()) ns += r.ns();
                }
                System.err.printf(Locale.ROOT, "dataset: %d of %d peptides done, %d failed, %.4f ns in %.1f s (%.1f ns/day aggregate); %s%n",
                        results.size() - failed, results.size(), failed, ns, wallDays * 86400, ns / wallDays, out.resolve(Dataset.FILE));
                return failed == 0 ? 0 : 1;
            } catch (IllegalStateException e) {
                throw new Main.UsageException(e.getMessage());
            }
        }

        private DatasetSettings settings() {
            DatasetSettings s = DatasetSettings.defaults();
            if (termini != null) s = s.withTermini(termini);
            if (forcefield != null) s = s.withForcefield(forcefield);
            if (solvent != null) s = s.withSolvent(solvent);
            if (nonbonded != null) s = s.withNonbonded(nonbonded);
            if (temperatureK != null) s = s.withTemperatureK(temperatureK);
            if (frictionPerPs != null) s = s.withFrictionPerPs(frictionPerPs);
            // the times are checked against each other at every wither: frame interval before the
            // run length, the step last, so that only a conflict among the final values is refused
            if (saveEveryPs != null) s = s.withSaveEveryPs(saveEveryPs);
            if (equilibratePs != null) s = s.withEquilibratePs(equilibratePs);
            if (ns != null) s = s.withNs(ns);
            if (dtPs != null) s = s.withDtPs(dtPs);
            if (seed != null) s = s.withSeed(seed);
            if (platform != null) s = s.withPlatform(platform);
            return s;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "A table of the dataset's peptides: done / running / failed / pending, with ns done.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "Dataset folder.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            Dataset dataset = Dataset.read(dir);
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String state : List.of("done", "running", "failed", "pending")) counts.put(state, 0);
            int width = Math.max(8, dataset.sequences().stream().mapToInt(String::length).max().orElse(8));
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  %-8s  %10s  %s%n", "sequence", "state", "ns", "note"));
            double nsDone = 0;
            for (String s : dataset.sequences()) {
                Dataset.PeptideStatus p = dataset.status(s);
                counts.merge(p.state(), 1, Integer::sum);
                nsDone += p.nsDone();
                table.append(String.format(Locale.ROOT, "%-" + width + "s  %-8s  %10s  %s%n", s, p.state(),
                        String.format(Locale.ROOT, "%.3f/%.3f", p.nsDone(), p.nsTotal()), p.note()));
            }
            System.out.print(table);
            System.out.printf(Locale.ROOT, "%d peptides: %d done, %d running, %d failed, %d pending; %.3f of %.3f ns%n", dataset.sequences().size(),
                    counts.get("done"), counts.get("running"), counts.get("failed"), counts.get("pending"), nsDone,
                    dataset.sequences().size() * dataset.settings().ns());
            return 0;
        }
    }

    @Command(name = "split", mixinStandardHelpOptions = true,
            description = {"Writes DIR/split.json: the train, validation and test sequences of a dataset.",
                    "They are drawn with --seed (by a SHA-256 order, independent of the order of the sequences), "
                            + "or the test (and validation) sequences are read from files."})
    static final class Split implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "Dataset folder.")
        Path dir;

        @Option(names = "--test", paramLabel = "N|FILE", required = true, description = "Number of test sequences, or a file of them.")
        String test;

        @Option(names = "--validation", defaultValue = "0", paramLabel = "N|FILE", description = "Number of validation sequences, or a file of them (default: ${DEFAULT-VALUE}).")
        String validation;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the draw (default: ${DEFAULT-VALUE}).")
        int seed;

        @Override
        public Integer call() throws Exception {
            Dataset dataset = Dataset.read(dir);
            Dataset.Split split;
            String how;
            try {
                boolean testCount = test.matches("\\d+"), validationCount = validation.matches("\\d+");
                if (testCount != validationCount && !validation.equals("0"))
                    throw new IllegalArgumentException("--test and --validation must both be counts or both be files");
                if (testCount) {
                    split = dataset.split(Integer.parseInt(test), Integer.parseInt(validation), seed);
                    how = "--test " + test + " --validation " + validation + " --seed " + seed;
                } else {
                    List<String> v = validation.equals("0") ? List.of() : Sequences.parse(validation, "--validation");
                    split = dataset.split(Sequences.parse(test, "--test"), v);
                    how = "--test " + test + (v.isEmpty() ? "" : " --validation " + validation);
                }
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            Path file = dataset.writeSplit(split, how);
            System.err.printf("split: %d train, %d validation, %d test in %s%n", split.train().size(), split.validation().size(), split.test().size(), file);
            return 0;
        }
    }

    @Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Scores many sample shards (.dcd, .npy in nm, .pdb) with OpenMM on all workers.",
                    "One Context per worker and System is reused across its shards; each shard's potential energies (kJ/mol, float64) "
                            + "go next to it as STEM.energies.npy."})
    static final class Score implements Callable<Integer> {
        @Option(names = "--system", required = true, paramLabel = "NAME|FILE.xml", description = "Bundled system or an OpenMM System XML file (e.g. DIR/SEQ/system.xml).")
        String system;

        @Parameters(arity = "1..*", paramLabel = "SHARD", description = "Sample files.")
        List<Path> shards;

        @Option(names = "--platform", defaultValue = "Reference", paramLabel = "NAME", description = "OpenMM platform (default: ${DEFAULT-VALUE}).")
        String platform;

        @Option(names = "--engine", paramLabel = "local[N]|spark://HOST:PORT|yarn|k8s://...", description = "Where to score (default: local[N], N = cores).")
        String engine;

        @Option(names = "--max-failures", defaultValue = "4", paramLabel = "N", description = "Attempts per task (default: ${DEFAULT-VALUE}).")
        int maxFailures;

        @Override
        public Integer call() throws Exception {
            if (maxFailures < 1) throw new Main.UsageException("--max-failures must be >= 1, got " + maxFailures);
            DatasetEngine.Job job = job(engine, maxFailures);
            String master = job.master();
            for (Path p : shards) if (!Files.isRegularFile(p)) throw new java.nio.file.NoSuchFileException(p.toString(), null, "no such sample file");
            DatasetEngine dataEngine = DatasetEngine.load();
            var molecular = org.boltzmann4j.bg.systems.MolecularSystem.resolve(system);
            List<org.boltzmann4j.bg.dataset.ShardScoring> work = new ArrayList<>();
            for (Path p : shards) work.add(new org.boltzmann4j.bg.dataset.ShardScoring(molecular.name(), molecular.systemXml(), p.toAbsolutePath().toString(), platform));
            dataEngine.check(job);
            long t0 = System.nanoTime();
            var results = dataEngine.score(job, work);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long frames = results.stream().mapToLong(r -> r.frames()).sum();
            long contexts = results.stream().filter(r -> r.newContext()).count();
            System.err.printf(Locale.ROOT, "score: %d shards, %d configurations in %.1f s with %d Contexts on %s; energies next to each shard (STEM.energies.npy)%n",
                    results.size(), frames, seconds, contexts, master);
            return 0;
        }
    }

    @Command(name = "peptide", mixinStandardHelpOptions = true,
            description = {"Runs one peptide of a dataset made by bg dataset md: skipped when done, resumed when interrupted.",
                    "It is the unit of work of every engine; the Slurm script's array tasks run it."})
    static final class Peptide implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "Dataset folder.")
        Path dir;

        @Parameters(index = "1", arity = "0..1", paramLabel = "SEQ", description = "Sequence (or --index).")
        String sequence;

        @Option(names = "--index", paramLabel = "I", description = "The I-th sequence of dataset.json (0-based; a Slurm array task id).")
        Integer index;

        @Option(names = "--checkpoint-every-s", defaultValue = "60", paramLabel = "SECONDS", description = "Wall time between MD checkpoints (default: ${DEFAULT-VALUE}).")
        double checkpointEverySeconds;

        @Override
        public Integer call() throws Exception {
            Dataset dataset = Dataset.read(dir);
            if ((sequence == null) == (index == null)) throw new Main.UsageException("give a sequence or --index, not both or neither");
            String seq;
            if (index != null) {
                if (index < 0 || index >= dataset.sequences().size())
                    throw new Main.UsageException("--index must be in 0.." + (dataset.sequences().size() - 1) + ", got " + index);
                seq = dataset.sequences().get(index);
            } else {
                try {
                    seq = Sequences.normalize(sequence);
                    dataset.simulation(seq, BgLauncher.current(), checkpointEverySeconds);
                } catch (IllegalArgumentException e) {
                    throw new Main.UsageException(e.getMessage());
                }
            }
            PeptideResult r = dataset.simulation(seq, BgLauncher.current(), checkpointEverySeconds).run(System.getProperty("boltzmann4j.native"));
            System.err.printf(Locale.ROOT, "peptide %s: %s, %d frames, %.4f ns (%.1f ns/day)%n", seq, r.skipped() ? "already done" : "done", r.frames(), r.ns(), r.nsPerDay());
            return 0;
        }
    }

    /** Progress of a dataset run read from its folder (engine-independent: any worker writes there). */
    static final class DatasetProgress implements AutoCloseable {
        private final Thread thread;
        private final Progress progress;

        DatasetProgress(Dataset dataset, List<PeptideSimulation> pending) {
            long totalPs = Math.round(pending.size() * dataset.settings().ns() * 1000);
            progress = new Progress("dataset", totalPs, "ps");
            long t0 = System.nanoTime();
            thread = Thread.ofPlatform().daemon().name("dataset-progress").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(2000);
                        double ns = 0;
                        int done = 0;
                        for (PeptideSimulation p : pending) {
                            if (p.isDone()) {
                                done++;
                                ns += dataset.settings().ns();
                            } else {
                                ns += dataset.status(p.sequence()).nsDone();
                            }
                        }
                        double days = (System.nanoTime() - t0) / 1e9 / 86400;
                        progress.stepTo(Math.round(ns * 1000), String.format(Locale.ROOT, "%d/%d peptides done, %.0f ns/day aggregate", done, pending.size(), ns / days));
                    }
                } catch (InterruptedException e) {
                    // closed
                } catch (Exception e) {
                    System.err.println("dataset: progress stopped: " + Main.describe(e));
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
            progress.close();
        }
    }
}
