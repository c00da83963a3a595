package org.boltzmann4j.bg.dataset;

import java.io.File;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a unit of work starts {@code bg} as a child process on whichever machine it runs: the
 * JVM flags and class path of boltzmann4j's core (without Spark), decided where the job is made.
 * The class path names files on a disk every worker sees (like the dataset itself); the JVM is
 * the worker's own ({@code java.home}), the native bridge the one the engine ships.
 *
 * <p>On Linux the child is started under {@code setpriv --pdeathsig KILL} when util-linux has it,
 * so that a worker whose executor dies does not leave an orphaned MD writing into the folder
 * that the retried task resumes.
 */
public record BgLauncher(List<String> jvmFlags, String classPath) implements Serializable {
    /** Flags every bg JVM needs (the FFM bridge to OpenMM, ND4J's off-heap memory). */
    public static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xss4m");

    public BgLauncher {
        jvmFlags = List.copyOf(jvmFlags);
        if (classPath == null || classPath.isBlank()) throw new IllegalArgumentException("the bg class path is empty");
    }

    /**
     * This JVM's bg: the class path in the system property {@code boltzmann4j.bg.classpath} (set by
     * scripts/bg dataset to the core's jars, leaving Spark's out of every MD process), else this
     * JVM's own class path.
     */
    public static BgLauncher current() {
        String classPath = System.getProperty("boltzmann4j.bg.classpath");
        if (classPath == null || classPath.isBlank()) classPath = System.getProperty("java.class.path");
        return new BgLauncher(JVM_FLAGS, classPath);
    }

    /** The command line of {@code bg ARGS} with the native bridge at {@code nativeLibrary}. */
    public List<String> command(String nativeLibrary, List<String> args) {
        List<String> command = new ArrayList<>();
        Path setpriv = Path.of("/usr/bin/setpriv");
        if (Files.isExecutable(setpriv)) command.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        if (nativeLibrary != null) command.add("-Dboltzmann4j.native=" + nativeLibrary);
        command.add("-cp");
        command.add(classPath);
        command.add("org.boltzmann4j.bg.cli.Main");
        command.addAll(args);
        return command;
    }

    /** The same as one shell line (for Slurm scripts), each word single-quoted. */
    public String shellCommand(String nativeLibrary, List<String> args) {
        List<String> words = new ArrayList<>(command(nativeLibrary, args));
        if (words.getFirst().endsWith("setpriv")) words = words.subList(4, words.size());
        StringBuilder line = new StringBuilder();
        for (String w : words) {
            if (!line.isEmpty()) line.append(' ');
            line.append(w.startsWith("$") ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    /** The class path's entries (for engines that ship them). */
    public List<String> classPathEntries() {
        return List.of(classPath.split(File.pathSeparator));
    }
}
