package org.boltzmann4j.it;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.boltzmann4j.bg.cli.Main;

/** Runs {@code bg} in this JVM or in a child JVM, as a user would. */
final class Cli {
    private Cli() {}

    record Run(int code, String err) {
        /** The non-blank lines of stderr. */
        List<String> lines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Run bg(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(err, true), args);
        return new Run(code, err.toString());
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-Dboltzmann4j.native=" + System.getProperty("boltzmann4j.native"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    /** A child JVM running {@code bg args}, its stderr and stdout merged into {@link Process#getInputStream()}. */
    static Process startPiped(String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    }

    static List<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
