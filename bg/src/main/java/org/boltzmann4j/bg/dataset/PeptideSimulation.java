package org.boltzmann4j.bg.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.sampling.MolecularDynamics;

/**
 * The unit of work of a dataset: one peptide, from its sequence to a finished MD folder
 * DIR/SEQ. Every engine runs exactly this (a Spark task, a Slurm array task, {@code bg dataset
 * peptide}), so their outputs are the same files.
 *
 * <ol>
 *   <li>build: {@code bg build --sequence SEQ ... --out DIR/SEQ/.build}, then structure.pdb,
 *       topology.json and system.xml are moved into DIR/SEQ (system.xml last); skipped when the
 *       three are there;
 *   <li>minimise and equilibrate: {@code bg md --minimize} for {@code equilibratePs} into
 *       DIR/SEQ/equilibration (marked finished by its EQUILIBRATED file);
 *   <li>production: {@code bg md} from the equilibrated structure into DIR/SEQ (trajectory.dcd,
 *       energies.npy, log.csv, checkpoint), {@code --resume} when an intact checkpoint is there
 *       (a stage killed before its first checkpoint, or whose checkpoint a power cut tore, starts
 *       anew from its seed; task.log says so for a torn one);
 *   <li>DONE.json, written last and atomically: a peptide with it is never run again.
 * </ol>
 *
 * A killed unit of work started again continues where it stopped: a finished stage is skipped,
 * an MD stage resumes from its checkpoint (on the Reference platform the resumed trajectory is
 * the uninterrupted one, bit for bit). While it runs, DIR/SEQ/RUNNING.json names the host and
 * process; a failure leaves FAILED.json with the reason; the children's output goes to
 * DIR/SEQ/task.log.
 *
 * @param datasetDir the dataset folder (a String: engines serialise the unit of work)
 * @param checkpointEverySeconds wall time between MD checkpoints ({@code bg md --checkpoint-every-s});
 *     not a setting of the dataset: it changes what a kill costs, not the trajectory
 */
public record PeptideSimulation(String datasetDir, String sequence, DatasetSettings settings, PeptideSeeds seeds, BgLauncher launcher,
        double checkpointEverySeconds) implements Serializable {
    public static final String DONE = "DONE.json";
    public static final String FAILED = "FAILED.json";
    public static final String RUNNING = "RUNNING.json";
    public static final String TASK_LOG = "task.log";
    public static final String EQUILIBRATION = "equilibration";
    static final String EQUILIBRATED = "EQUILIBRATED";
    static final List<String> BUILT_FILES = List.of("structure.pdb", "topology.json", "system.xml");
    private static final ObjectMapper JSON = new ObjectMapper();

    public Path folder() {
        return Path.of(datasetDir).resolve(sequence);
    }

    /** Whether this peptide's MD is complete. */
    public boolean isDone() {
        return Files.isRegularFile(folder().resolve(DONE));
    }

    /**
     * Runs what is left of this peptide and returns its result; throws when a stage fails (after
     * writing FAILED.json), so that an engine can retry it.
     *
     * @param nativeLibrary path of libboltzmann4j_openmm.so on this machine, or null for the one
     *     the child's own default finds
     */
    public PeptideResult run(String nativeLibrary) throws IOException, InterruptedException {
        Path dir = folder();
        if (isDone()) return readDone(dir.resolve(DONE)).asSkipped();
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        AtomicFile.writeString(dir.resolve(RUNNING), JSON.createObjectNode().put("host", host()).put("pid", ProcessHandle.current().pid())
                .put("started", Instant.now().toString()).toPrettyString());
        try {
            double buildSeconds = build(nativeLibrary);
            Stage equilibration = equilibrate(nativeLibrary);
            Stage production = produce(nativeLibrary);
            double wall = (System.nanoTime() - t0) / 1e9;
            MdLog log = MdLog.read(dir.resolve("log.csv"), settings.dtPs());
            PeptideResult result = new PeptideResult(sequence, true, false, log.frames(), log.frames() * settings.saveEveryPs() / 1000,
                    log.nsPerDay(), wall, log.mdSeconds() + equilibration.mdSeconds, buildSeconds,
                    equilibration.startupSeconds + production.startupSeconds, null);
            Files.deleteIfExists(dir.resolve(FAILED));
            writeDone(dir.resolve(DONE), result);
            return result;
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            AtomicFile.writeString(dir.resolve(FAILED), JSON.createObjectNode().put("sequence", sequence).put("host", host())
                    .put("message", message.replace('\n', ' ')).put("at", Instant.now().toString()).toPrettyString());
            throw e;
        } finally {
            Files.deleteIfExists(dir.resolve(RUNNING));
        }
    }

    private double build(String nativeLibrary) throws IOException, InterruptedException {
        Path dir = folder();
        if (BUILT_FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)))) return 0;
        Path staging = dir.resolve(".build");
        deleteTree(staging);
        long t0 = System.nanoTime();
        // a sequence written with its caps (ACE-ALA-NME) is capped whatever the dataset's --termini (bg build refuses the mix)
        String termini = sequence.startsWith("ACE-") || sequence.endsWith("-NME") ? "capped" : settings.termini();
        child(nativeLibrary, List.of("build", "--sequence", sequence, "--termini", termini, "--forcefield", settings.forcefield(),
                "--solvent", settings.solvent(), "--nonbonded", settings.nonbonded(), "--seed", Integer.toString(seeds.build()),
                "--out", staging.toString()));
        for (String f : BUILT_FILES) {
            if (!Files.isRegularFile(staging.resolve(f))) throw new IOException(staging + ": bg build wrote no " + f);
        }
        for (String f : BUILT_FILES) Files.move(staging.resolve(f), dir.resolve(f), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteTree(staging);
        return (System.nanoTime() - t0) / 1e9;
    }

    private record Stage(double mdSeconds, double startupSeconds) {}

    private Stage equilibrate(String nativeLibrary) throws IOException, InterruptedException {
        Path out = folder().resolve(EQUILIBRATION);
        if (settings.equilibrateSteps() == 0 || Files.isRegularFile(out.resolve(EQUILIBRATED))) return new Stage(0, 0);
        long steps = settings.equilibrateSteps();
        long t0 = System.nanoTime();
        child(nativeLibrary, md(folder().resolve("structure.pdb"), steps, steps, seeds.equilibrate(), out, true));
        double wall = (System.nanoTime() - t0) / 1e9;
        double md = MdLog.read(out.resolve("log.csv"), settings.dtPs()).mdSeconds();
        AtomicFile.writeString(out.resolve(EQUILIBRATED), "");
        return new Stage(md, Math.max(0, wall - md));
    }

    private Stage produce(String nativeLibrary) throws IOException, InterruptedException {
        Path dir = folder();
        boolean equilibrated = settings.equilibrateSteps() > 0;
        Path start = equilibrated ? dir.resolve(EQUILIBRATION).resolve("final.pdb") : dir.resolve("structure.pdb");
        long t0 = System.nanoTime();
        child(nativeLibrary, md(start, settings.steps(), settings.saveEverySteps(), seeds.md(), dir, !equilibrated));
        double wall = (System.nanoTime() - t0) / 1e9;
        double md = MdLog.read(dir.resolve("log.csv"), settings.dtPs()).mdSeconds();
        return new Stage(md, Math.max(0, wall - md));
    }

    private List<String> md(Path start, long steps, long saveEvery, int seed, Path out, boolean minimize) throws IOException {
        List<String> args = new ArrayList<>(List.of("md", "--system", folder().resolve("system.xml").toString(), "--pdb", start.toString(),
                "--steps", Long.toString(steps), "--dt-ps", Double.toString(settings.dtPs()), "--temperature-k", Double.toString(settings.temperatureK()),
                "--friction-per-ps", Double.toString(settings.frictionPerPs()), "--save-every", Long.toString(saveEvery), "--seed", Integer.toString(seed),
                "--platform", settings.platform(), "--checkpoint-every-s", Double.toString(checkpointEverySeconds), "--out", out.toString()));
        if (minimize) args.add("--minimize");
        if (MolecularDynamics.hasCheckpoint(out)) {
            args.add("--resume");
        } else if (MolecularDynamics.checkpointUnreadable(out)) {
            // a power cut can lose a checkpoint the OS had not written: the stage cannot resume, and
            // runs anew from its seed (the same trajectory on the Reference platform)
            note(out.resolve(MolecularDynamics.CHECKPOINT) + " holds no intact record; this MD stage starts anew");
        }
        return args;
    }

    /** Appends "# TIME HOST: WHAT" to task.log. */
    private void note(String what) throws IOException {
        Files.writeString(folder().resolve(TASK_LOG), "# " + Instant.now() + " " + host() + ": " + what + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** Runs {@code bg ARGS}, its output appended to task.log; a non-zero exit throws with the child's last line. */
    private void child(String nativeLibrary, List<String> args) throws IOException, InterruptedException {
        Path log = folder().resolve(TASK_LOG);
        note("bg " + String.join(" ", args));
        ProcessBuilder builder = new ProcessBuilder(launcher.command(nativeLibrary, args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putIfAbsent("OMP_WAIT_POLICY", "passive");
        Process process = builder.start();
        try {
            int code = process.waitFor();
            if (code != 0) throw new IOException(sequence + ": bg " + args.getFirst() + " exited with " + code + ": " + lastLine(log));
        } finally {
            // an interrupted task (Spark killing it, a shut-down executor) takes its child with it
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
            }
        }
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank() && !lines.get(i).startsWith("WARNING:")) return lines.get(i).strip();
        }
        return "(no output; see " + log + ")";
    }

    private void writeDone(Path file, PeptideResult r) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("sequence", sequence);
        ObjectNode s = node.putObject("seeds");
        s.put("build", seeds.build()).put("equilibrate", seeds.equilibrate()).put("md", seeds.md());
        node.put("frames", r.frames()).put("ns", r.ns()).put("ns_per_day", r.nsPerDay()).put("wall_s", r.wallSeconds())
                .put("md_s", r.mdSeconds()).put("build_s", r.buildSeconds()).put("startup_s", r.startupSeconds()).put("host", host())
                .put("finished", Instant.now().toString());
        AtomicFile.writeString(file, node.toPrettyString() + "\n");
    }

    /** A peptide's DONE.json as a result. */
    public static PeptideResult readDone(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        return new PeptideResult(n.path("sequence").asText(), true, false, n.path("frames").asInt(), n.path("ns").asDouble(),
                n.path("ns_per_day").asDouble(), n.path("wall_s").asDouble(), n.path("md_s").asDouble(), n.path("build_s").asDouble(),
                n.path("startup_s").asDouble(), null);
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * What a bg md log.csv says: frames, MD wall seconds (each line's interval over its speed)
     * and ns/day over those seconds; a missing log reads as empty.
     */
    record MdLog(int frames, double ns, double mdSeconds) {
        double nsPerDay() {
            return mdSeconds > 0 ? ns / (mdSeconds / 86400) : 0;
        }

        static MdLog read(Path file, double dtPs) throws IOException {
            if (!Files.isRegularFile(file)) return new MdLog(0, 0, 0);
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            long previous = 0;
            int frames = 0;
            double seconds = 0, ns = 0;
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.split(",");
                if (f.length < 6) continue;
                long step = Long.parseLong(f[0]);
                double speed = Double.parseDouble(f[5]);
                double intervalNs = (step - previous) * dtPs / 1000;
                previous = step;
                frames++;
                ns += intervalNs;
                if (speed > 0) seconds += intervalNs / speed * 86400;
            }
            return new MdLog(frames, ns, seconds);
        }

        /** The simulated time of the last saved frame, ns (progress of a running peptide). */
        static double lastNs(Path file) {
            try {
                if (!Files.isRegularFile(file)) return 0;
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = lines.size() - 1; i >= 1; i--) {
                    String[] f = lines.get(i).split(",");
                    if (f.length >= 2) return Double.parseDouble(f[1]) / 1000;
                }
            } catch (IOException | NumberFormatException e) {
                // a log being rewritten reads as no progress this time
            }
            return 0;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "peptide %s in %s", sequence, datasetDir);
    }
}
