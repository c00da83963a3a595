package org.boltzmann4j.bg.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.boltzmann4j.bg.sampling.MdSettings;
import org.boltzmann4j.bg.sampling.MolecularDynamics;

/**
 * Independent Langevin MD replicas of one system: the one entry point through which {@code bg md
 * --replicas} and the {@link AldpPipeline}'s first stage run MD, so that how replicas run is
 * decided in one place.
 *
 * <p>Today each replica runs in a child JVM ({@code bg md}): OpenMM's Reference platform draws its
 * Langevin noise from one generator per process, so two replicas in one process would share it
 * and neither would be reproducible by its seed. When the native layer gives each Context its own
 * generator, the replicas become threads here, and nothing else changes.
 */
public final class MdReplicas {
    /** The command line's main class, which the child JVMs run. */
    private static final String MAIN = "org.boltzmann4j.bg.cli.Main";

    private MdReplicas() {}

    /** The folder of replica {@code r} under {@code out}: out/replica-000, out/replica-001, ... */
    public static Path replicaDir(Path out, int r) {
        return out.resolve(String.format("replica-%03d", r));
    }

    /**
     * Runs {@code replicas} independent replicas of {@code settings}, replica r with seed
     * {@code settings.seed() + r}, into {@link #replicaDir}, {@code parallel} at a time.
     *
     * @param system what {@code --system} takes: a bundled system's name or an OpenMM System XML file
     * @param pdb the structure (start and topology), or null for the bundled system's
     * @param resume continue each replica that holds a checkpoint; the others start
     * @param output each line a replica prints, prefixed with "[replica 000] " and so on
     * @throws IllegalStateException when a replica fails (its own message is in {@code output})
     */
    public static void run(String system, Path pdb, MdSettings settings, int replicas, int parallel, Path out, boolean resume,
            Consumer<String> output) throws IOException, InterruptedException {
        if (replicas < 1) throw new IllegalArgumentException("--replicas must be >= 1, got " + replicas);
        if (parallel < 1) throw new IllegalArgumentException("parallel replicas must be >= 1, got " + parallel);
        List<List<String>> commands = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            Path dir = replicaDir(out, r);
            List<String> args = new ArrayList<>(List.of("md", "--system", system, "--steps", Long.toString(settings.steps()),
                    "--dt-ps", Double.toString(settings.dtPs()), "--temperature-k", Double.toString(settings.temperatureK()),
                    "--friction-per-ps", Double.toString(settings.frictionPerPs()), "--save-every", Integer.toString(settings.saveEvery()),
                    "--seed", Integer.toString(settings.seed() + r), "--platform", settings.platform(),
                    "--checkpoint-every-s", Double.toString(settings.checkpointEverySeconds()), "--out", dir.toString()));
            if (pdb != null) args.addAll(List.of("--pdb", pdb.toString()));
            settings.properties().forEach((k, v) -> args.addAll(List.of("--property", k + "=" + v)));
            if (settings.minimize()) args.add("--minimize");
            if (resume && MolecularDynamics.hasCheckpoint(dir)) args.add("--resume");
            commands.add(childCommand(args));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, replicas));
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                List<String> command = commands.get(r);
                String tag = String.format("[replica %03d] ", r);
                codes.add(pool.submit(() -> runChild(command, tag, output)));
            }
            List<Integer> failed = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                int code;
                try {
                    code = codes.get(r).get();
                } catch (ExecutionException e) {
                    throw new IOException("replica " + r + ": " + e.getCause().getMessage(), e.getCause());
                }
                if (code != 0) failed.add(r);
            }
            if (!failed.isEmpty()) throw new IllegalStateException("MD replica(s) " + failed + " failed; see the lines above");
        } finally {
            pool.shutdownNow();
        }
    }

    /** The command line that starts this same JVM (flags, class path) on {@code bg} with the given arguments. */
    private static List<String> childCommand(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(args);
        return command;
    }

    private static int runChild(List<String> command, String tag, Consumer<String> output) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) output.accept(tag + line);
        } finally {
            if (process.isAlive()) process.destroy();
        }
        return process.waitFor();
    }
}
