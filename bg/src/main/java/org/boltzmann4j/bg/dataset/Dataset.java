package org.boltzmann4j.bg.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.MolecularFileException;

/**
 * A dataset folder: DIR/dataset.json (format, settings, sequences, and per sequence its seeds and,
 * once done, frames, ns and ns/day) and a folder DIR/SEQ per peptide ({@link PeptideSimulation}).
 * The settings are fixed when the folder is made; sequences may be added by later runs.
 */
public final class Dataset {
    public static final String FILE = "dataset.json";
    public static final String SPLIT = "split.json";
    private static final String FORMAT = "boltzmann4j-dataset";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final DatasetSettings settings;
    private final List<String> sequences;

    private Dataset(Path dir, DatasetSettings settings, List<String> sequences) {
        this.dir = dir;
        this.settings = settings;
        this.sequences = List.copyOf(sequences);
    }

    public Path dir() {
        return dir;
    }

    public DatasetSettings settings() {
        return settings;
    }

    /** All sequences of the dataset, in the order they were first given. */
    public List<String> sequences() {
        return sequences;
    }

    /**
     * Opens DIR for these settings and sequences: makes dataset.json, or checks that the one there
     * has the same settings (refusing, with the first differing option, if not) and adds the new
     * sequences to it. Nothing is written when it refuses.
     */
    public static Dataset create(Path dir, DatasetSettings settings, List<String> sequences) throws IOException {
        Path file = dir.resolve(FILE);
        Set<String> all = new LinkedHashSet<>();
        if (Files.exists(file)) {
            Dataset existing = read(dir);
            String difference = settings.firstDifference(existing.settings);
            if (difference != null)
                throw new IllegalArgumentException(file + " holds a dataset made with other settings: " + difference + "; use another --out");
            all.addAll(existing.sequences);
        }
        all.addAll(sequences);
        Dataset dataset = new Dataset(dir, settings, new ArrayList<>(all));
        dataset.write();
        return dataset;
    }

    /** Reads DIR/dataset.json; errors name the file. */
    public static Dataset read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no dataset here (made by bg dataset md)");
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() != VERSION)
                throw new MolecularFileException(file, "not a " + FORMAT + " file of version " + VERSION);
            DatasetSettings settings = DatasetSettings.fromJson(root.path("settings"));
            List<String> sequences = new ArrayList<>();
            for (JsonNode s : root.path("sequences")) sequences.add(Sequences.normalize(s.asText()));
            return new Dataset(dir, settings, sequences);
        } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MolecularFileException(file, e.getMessage().replace('\n', ' '), e);
        }
    }

    public PeptideSeeds seeds(String sequence) {
        return PeptideSeeds.of(settings.seed(), sequence);
    }

    /** The unit of work of each sequence without DONE.json, in dataset order. */
    public List<PeptideSimulation> pending(BgLauncher launcher, double checkpointEverySeconds) {
        List<PeptideSimulation> out = new ArrayList<>();
        for (String s : sequences) {
            PeptideSimulation p = simulation(s, launcher, checkpointEverySeconds);
            if (!p.isDone()) out.add(p);
        }
        return out;
    }

    public PeptideSimulation simulation(String sequence, BgLauncher launcher, double checkpointEverySeconds) {
        if (!sequences.contains(sequence)) throw new IllegalArgumentException(sequence + " is not a sequence of the dataset in " + dir);
        return new PeptideSimulation(dir.toAbsolutePath().toString(), sequence, settings, seeds(sequence), launcher, checkpointEverySeconds);
    }

    /**
     * Rewrites dataset.json with what the peptide folders say now (DONE.json of each finished
     * peptide): run after a job, and safe to run at any time.
     */
    public void write() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("version", VERSION);
        root.set("settings", settings.toJson());
        ArrayNode list = root.putArray("sequences");
        sequences.forEach(list::add);
        ObjectNode peptides = root.putObject("peptides");
        double totalNs = 0;
        int done = 0;
        for (String s : sequences) {
            ObjectNode p = peptides.putObject(s);
            PeptideSeeds seeds = seeds(s);
            p.putObject("seeds").put("build", seeds.build()).put("equilibrate", seeds.equilibrate()).put("md", seeds.md());
            Path doneFile = dir.resolve(s).resolve(PeptideSimulation.DONE);
            if (Files.isRegularFile(doneFile)) {
                PeptideResult r = PeptideSimulation.readDone(doneFile);
                p.put("status", "done").put("frames", r.frames()).put("ns", r.ns()).put("ns_per_day", r.nsPerDay());
                totalNs += r.ns();
                done++;
            } else {
                p.put("status", "not done");
            }
        }
        root.putObject("totals").put("peptides", sequences.size()).put("done", done).put("ns", totalNs);
        AtomicFile.writeString(dir.resolve(FILE), root.toPrettyString() + "\n");
    }

    /** The state of one peptide as {@code bg dataset status} shows it. */
    public record PeptideStatus(String sequence, String state, double nsDone, double nsTotal, String note) {}

    /**
     * done (DONE.json), running (RUNNING.json of a live process: this host's process is alive, or
     * another host's log changed in the last 10 minutes), failed (FAILED.json), pending
     * (nothing yet, or an interrupted run that the next run resumes).
     */
    public PeptideStatus status(String sequence) throws IOException {
        Path p = dir.resolve(sequence);
        double total = settings.ns();
        double nsDone = PeptideSimulation.MdLog.lastNs(p.resolve("log.csv"));
        if (Files.isRegularFile(p.resolve(PeptideSimulation.DONE))) {
            PeptideResult r = PeptideSimulation.readDone(p.resolve(PeptideSimulation.DONE));
            return new PeptideStatus(sequence, "done", r.ns(), total, String.format(java.util.Locale.ROOT, "%.0f ns/day", r.nsPerDay()));
        }
        Path running = p.resolve(PeptideSimulation.RUNNING);
        if (Files.isRegularFile(running)) {
            try {
                JsonNode r = JSON.readTree(running.toFile());
                String host = r.path("host").asText();
                boolean alive = host.equals(PeptideSimulation.host())
                        ? ProcessHandle.of(r.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)
                        : recentlyChanged(p, 600);
                if (alive) return new PeptideStatus(sequence, "running", nsDone, total, "on " + host);
            } catch (IOException e) {
                // being replaced: judge by the other files
            }
        }
        if (Files.isRegularFile(p.resolve(PeptideSimulation.FAILED))) {
            String message = JSON.readTree(p.resolve(PeptideSimulation.FAILED).toFile()).path("message").asText();
            return new PeptideStatus(sequence, "failed", nsDone, total, message);
        }
        return new PeptideStatus(sequence, "pending", nsDone, total, nsDone > 0 || Files.isDirectory(p) ? "interrupted; resumes" : "");
    }

    private static boolean recentlyChanged(Path folder, long seconds) throws IOException {
        long now = System.currentTimeMillis();
        for (String f : List.of("log.csv", PeptideSimulation.TASK_LOG, PeptideSimulation.RUNNING)) {
            Path file = folder.resolve(f);
            if (Files.exists(file) && now - Files.getLastModifiedTime(file).toMillis() < seconds * 1000) return true;
        }
        return false;
    }

    /** A train / validation / test split of the dataset's sequences (DIR/split.json). */
    public record Split(List<String> train, List<String> validation, List<String> test) {}

    /**
     * Draws {@code test} and then {@code validation} sequences: the sequences are ordered by the
     * SHA-256 of (seed, sequence), as {@link PeptideSeeds} hashes, so the split depends on the
     * seed and the set of sequences only, not on their order. The rest is train.
     */
    public Split split(int test, int validation, int seed) {
        if (test < 0 || validation < 0 || test + validation >= sequences.size())
            throw new IllegalArgumentException("--test " + test + " and --validation " + validation + " must leave training sequences of the "
                    + sequences.size() + " in " + dir);
        List<String> order = new ArrayList<>(sequences);
        order.sort(Comparator.comparingLong((String s) -> PeptideSeeds.hash64("boltzmann4j-split/1\n" + seed + "\n" + s)).thenComparing(s -> s));
        return ordered(order.subList(0, test), order.subList(test, test + validation));
    }

    /** A split with the given test (and validation) sequences, which must be in the dataset. */
    public Split split(List<String> test, List<String> validation) {
        for (String s : test) if (!sequences.contains(s)) throw new IllegalArgumentException("test sequence " + s + " is not in the dataset in " + dir);
        for (String s : validation) {
            if (!sequences.contains(s)) throw new IllegalArgumentException("validation sequence " + s + " is not in the dataset in " + dir);
            if (test.contains(s)) throw new IllegalArgumentException(s + " is both a test and a validation sequence");
        }
        return ordered(test, validation);
    }

    private Split ordered(List<String> test, List<String> validation) {
        List<String> train = new ArrayList<>();
        List<String> t = new ArrayList<>(), v = new ArrayList<>();
        for (String s : sequences) {
            if (test.contains(s)) t.add(s);
            else if (validation.contains(s)) v.add(s);
            else train.add(s);
        }
        return new Split(train, v, t);
    }

    public Path writeSplit(Split split, String how) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "boltzmann4j-dataset-split").put("version", 1).put("made_by", how);
        split.train().forEach(root.putArray("train")::add);
        split.validation().forEach(root.putArray("validation")::add);
        split.test().forEach(root.putArray("test")::add);
        Path file = dir.resolve(SPLIT);
        AtomicFile.writeString(file, root.toPrettyString() + "\n");
        return file;
    }

    /**
     * Holds DIR/.lock for the life of one driver (a second {@code bg dataset md} on the same
     * folder is refused while the first runs); Slurm tasks and engine workers do not take it.
     */
    public AutoCloseable lock() throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException(dir + ": another bg dataset md is running on this dataset");
        }
        FileLock held = lock;
        return () -> {
            held.release();
            channel.close();
        };
    }
}
