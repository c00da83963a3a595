package org.boltzmann4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.boltzmann4j.bg.cli.Main;
import org.boltzmann4j.bg.dataset.BgLauncher;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bg dataset md on Spark, end to end: embedded local[2], a real standalone cluster of
 * scripts/spark-cluster with a worker killed mid-run, a killed driver started again, and an
 * unreachable master. The peptides are prebuilt (structure.pdb, system.xml, topology.json copied
 * in from the bundled alanine dipeptide in vacuum under four sequence names), so that the unit of
 * work skips its build step: this tests the engine, not bg build. Each peptide gets its own seeds,
 * hence its own trajectory.
 */
class SparkDatasetTest {
    private static final List<String> SEQUENCES = List.of("AA", "AG", "AK", "AS");
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    @TempDir static Path tmp;
    private static Path reference;

    private static String[] md(Path out, String engine) {
        return new String[] {"dataset", "md", "--sequences", String.join(",", SEQUENCES), "--ns", "0.004", "--save-every-ps", "0.1",
                "--equilibrate-ps", "1", "--checkpoint-every-s", "0", "--out", out.toString(), "--engine", engine};
    }

    private static void prebuild(Path out) throws IOException {
        MolecularSystem aldp = MolecularSystem.bundled("aldp-vacuum");
        for (String s : SEQUENCES) {
            Path p = Files.createDirectories(out.resolve(s));
            Files.writeString(p.resolve("system.xml"), aldp.systemXml());
            Files.writeString(p.resolve("structure.pdb"), aldp.pdb().orElseThrow());
            Files.writeString(p.resolve("topology.json"), "{}\n");
        }
    }

    private record Run(int code, String err) {}

    private static Run bg(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(err, true), args);
        return new Run(code, err.toString());
    }

    @BeforeAll
    static void localReference() throws IOException {
        // MD children run this JVM's class path (scripts/bg dataset gives them the core's instead)
        System.setProperty("boltzmann4j.bg.classpath", System.getProperty("java.class.path"));
        reference = tmp.resolve("local");
        prebuild(reference);
        Run r = bg(md(reference, "local[2]"));
        assertEquals(0, r.code(), r.err());
        for (String s : SEQUENCES) assertTrue(Files.isRegularFile(reference.resolve(s).resolve("DONE.json")), s);
    }

    private static void assertSameFiles(Path out) throws IOException {
        for (String s : SEQUENCES) {
            for (String f : List.of("trajectory.dcd", "energies.npy", "final.pdb")) {
                assertArrayEquals(Files.readAllBytes(reference.resolve(s).resolve(f)), Files.readAllBytes(out.resolve(s).resolve(f)), s + "/" + f);
            }
        }
        // distinct seeds per sequence: the four trajectories differ
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(out.resolve("AA/trajectory.dcd")), Files.readAllBytes(out.resolve("AG/trajectory.dcd"))));
    }

    @Test
    void standaloneClusterWithAWorkerKilledMidRunGivesTheLocalFiles() throws Exception {
        Path state = tmp.resolve("cluster");
        int port = freePort();
        Map<String, String> env = Map.of("SPARK_CLUSTER_DIR", state.toString(), "SPARK_MASTER_PORT", Integer.toString(port));
        Path out = tmp.resolve("cluster-run");
        prebuild(out);
        try {
            Process start = script(env, "start");
            String url = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, start.waitFor(), "scripts/spark-cluster start failed");
            assertEquals("spark://127.0.0.1:" + port, url);
            Set<Long> workers = Files.readAllLines(state.resolve("pids")).stream().filter(l -> l.startsWith("worker "))
                    .map(l -> Long.parseLong(l.substring(7).strip())).collect(Collectors.toSet());
            assertEquals(2, workers.size());
            CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> bg(md(out, url)));
            // kill the worker whose executor runs a production MD, once that MD has saved frames
            Long killed = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (killed == null && !run.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(200);
                for (ProcessHandle md : mdProcesses(out)) {
                    String args = commandLine(md);
                    if (args.contains("/equilibration ")) continue; // its --out, not the production's --pdb
                    String seq = args.replaceAll(".*--out \\S*/([A-Z]+)( .*|$)", "$1");
                    Path log = out.resolve(seq).resolve("log.csv");
                    if (!Files.isRegularFile(log) || Files.readAllLines(log).size() < 4) continue;
                    Optional<ProcessHandle> worker = ancestorIn(md, workers);
                    if (worker.isPresent()) {
                        worker.get().destroyForcibly();
                        killed = worker.get().pid();
                        break;
                    }
                }
            }
            Run r = run.get(5, TimeUnit.MINUTES);
            assertTrue(killed != null, "no worker was killed while an MD ran: the test did not test what it says");
            assertEquals(0, r.code(), r.err());
            assertSameFiles(out);
        } finally {
            script(env, "stop").waitFor();
        }
    }

    @Test
    void aKilledRunStartedAgainFinishesTheRemainingPeptidesOnly() throws Exception {
        Path out = tmp.resolve("killed");
        prebuild(out);
        List<String> command = new ArrayList<>(new BgLauncher(BgLauncher.JVM_FLAGS, System.getProperty("java.class.path"))
                .command(System.getProperty("boltzmann4j.native"), List.of(md(out, "local[2]"))));
        command.addAll(command.indexOf("-cp"), List.of(Files.readString(ROOT.resolve("bg/spark/jvm.flags")).strip().split("\\s+")));
        Process driver = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        // kill it once a peptide is done and another is in the middle of its production MD (past a checkpoint)
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long done = SEQUENCES.stream().filter(s -> Files.exists(out.resolve(s).resolve("DONE.json"))).count();
            boolean midway = SEQUENCES.stream().anyMatch(s -> !Files.exists(out.resolve(s).resolve("DONE.json")) && lines(out.resolve(s).resolve("log.csv")) >= 4);
            if (done >= 1 && done < SEQUENCES.size() && midway) break;
        }
        assertTrue(driver.isAlive(), "the run ended before it could be killed midway: " + Files.readString(tmp.resolve("killed.log")));
        driver.destroyForcibly().waitFor();
        // its MD children die with it (setpriv --pdeathsig), so none writes on behind the rerun's back
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!mdProcesses(out).isEmpty() && System.nanoTime() < until) Thread.sleep(100);
        assertTrue(mdProcesses(out).isEmpty(), "bg md processes outlived the killed driver");
        Map<String, byte[]> doneBefore = new HashMap<>();
        Map<String, String> logBefore = new HashMap<>();
        List<String> unfinished = new ArrayList<>();
        for (String s : SEQUENCES) {
            Path p = out.resolve(s);
            if (Files.exists(p.resolve("DONE.json"))) {
                doneBefore.put(s, Files.readAllBytes(p.resolve("DONE.json")));
                logBefore.put(s, Files.readString(p.resolve("task.log")));
            } else if (lines(p.resolve("log.csv")) >= 4) {
                unfinished.add(s);
            }
        }
        assertFalse(doneBefore.isEmpty());
        assertFalse(unfinished.isEmpty());
        Run r = bg(md(out, "local[2]"));
        assertEquals(0, r.code(), r.err());
        for (String s : doneBefore.keySet()) {
            assertArrayEquals(doneBefore.get(s), Files.readAllBytes(out.resolve(s).resolve("DONE.json")), s + " was run again");
            assertEquals(logBefore.get(s), Files.readString(out.resolve(s).resolve("task.log")), s + " was run again");
        }
        for (String s : unfinished) {
            String log = Files.readString(out.resolve(s).resolve("task.log"));
            String production = "--out " + out.resolve(s) + " ";
            assertTrue(log.lines().anyMatch(l -> l.startsWith("# ") && l.contains(": bg md ") && l.contains(production) && l.endsWith("--resume")),
                    s + " did not resume from its checkpoint:\n" + log);
        }
        assertSameFiles(out);
    }

    @Test
    void scoringShardsReusesOneContextPerWorkerAndWritesNextToEachShard() throws Exception {
        Path shards = Files.createDirectories(tmp.resolve("shards"));
        List<org.boltzmann4j.bg.dataset.ShardScoring> work = new ArrayList<>();
        MolecularSystem aldp = MolecularSystem.bundled("aldp-vacuum");
        for (String s : SEQUENCES) {
            Path shard = Files.copy(reference.resolve(s).resolve("trajectory.dcd"), shards.resolve(s + ".dcd"));
            work.add(new org.boltzmann4j.bg.dataset.ShardScoring(aldp.name(), aldp.systemXml(), shard.toString(), "Reference"));
        }
        var job = new org.boltzmann4j.bg.dataset.DatasetEngine.Job("local[2]", 1, System.getProperty("boltzmann4j.native"), Map.of(), BgLauncher.current());
        var results = new SparkDatasetEngine().score(job, work);
        assertEquals(SEQUENCES.size(), results.size());
        long contexts = results.stream().filter(r -> r.newContext()).count();
        assertEquals(2, contexts, "one Context per partition (2 workers), reused across its shards");
        for (String s : SEQUENCES) {
            double[] scored = org.boltzmann4j.bg.io.Npy.read(shards.resolve(s + ".energies.npy")).asDoubles();
            double[] md = org.boltzmann4j.bg.io.Npy.read(reference.resolve(s).resolve("energies.npy")).asDoubles();
            assertEquals(md.length, scored.length);
            // the MD's own energies at its double positions; the DCD holds them as float32 (~1e-7 nm)
            for (int i = 0; i < md.length; i++) assertEquals(md[i], scored[i], 1e-2, s + " frame " + i);
        }
        Run cli = bg("dataset", "score", "--system", "aldp-vacuum", "--engine", "local[2]", shards.resolve("AA.dcd").toString());
        assertEquals(0, cli.code(), cli.err());
    }

    @Test
    void anUnreachableMasterIsOneLineAndWritesNothing() throws Exception {
        Path out = tmp.resolve("unreachable");
        int port = freePort();
        Run r = bg("dataset", "md", "--sequences", "AA", "--out", out.toString(), "--engine", "spark://127.0.0.1:" + port);
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("bg dataset md: --engine spark://127.0.0.1:" + port + ": no Spark master answers there"), r.err());
        assertFalse(Files.exists(out));
        Run bad = bg("dataset", "md", "--sequences", "AA", "--out", out.toString(), "--engine", "mesos://x");
        assertEquals(2, bad.code());
        assertFalse(Files.exists(out));
    }

    private static long lines(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The bg md processes writing into {@code out}. */
    private static List<ProcessHandle> mdProcesses(Path out) {
        String prefix = "--out " + out + "/";
        return ProcessHandle.allProcesses().filter(p -> {
            String args = commandLine(p);
            return args.contains("org.boltzmann4j.bg.cli.Main md ") && args.contains(prefix);
        }).toList();
    }

    /** From /proc: ProcessHandle.Info leaves the arguments of other processes out here. */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<ProcessHandle> ancestorIn(ProcessHandle p, Set<Long> pids) {
        for (Optional<ProcessHandle> a = p.parent(); a.isPresent(); a = a.get().parent()) {
            if (pids.contains(a.get().pid())) return a;
        }
        return Optional.empty();
    }

    private static Process script(Map<String, String> env, String action) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("scripts/spark-cluster").toString(), action).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static {
        if (!Files.isRegularFile(ROOT.resolve("scripts/spark-cluster"))) fail("not run from bg/spark: " + ROOT);
    }
}
