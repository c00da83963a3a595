package org.boltzmann4j.bg.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs {@code bg} commands in child JVMs, several at a time, their output prefixed with a tag.
 * Independent Langevin runs need separate processes: OpenMM's Reference platform draws its random
 * numbers from one generator per process, so two runs in one process would share it and neither
 * would be reproducible.
 */
final class ChildProcesses {
    private ChildProcesses() {}

    /** The command line that starts this same bg (JVM, flags, class path) with the given arguments. */
    static List<String> bg(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        return command;
    }

    /** Runs the argument lists as bg commands, {@code parallel} at a time; returns the worst exit code. */
    static int runAll(List<List<String>> argLists, List<String> tags, int parallel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, argLists.size())));
        try {
            List<Future<Integer>> codes = new ArrayList<>();
            for (int i = 0; i < argLists.size(); i++) {
                List<String> command = bg(argLists.get(i));
                String tag = tags.get(i);
                codes.add(pool.submit(() -> run(command, tag)));
            }
            int worst = 0;
            for (Future<Integer> code : codes) worst = Math.max(worst, code.get());
            return worst;
        } finally {
            pool.shutdown();
        }
    }

    private static int run(List<String> command, String tag) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) System.err.println(tag + line);
        } finally {
            if (process.isAlive()) process.destroy();
        }
        return process.waitFor();
    }
}
