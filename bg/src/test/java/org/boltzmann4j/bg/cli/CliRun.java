package org.boltzmann4j.bg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A bg command line run in this JVM, for the command tests: its exit code and what it wrote to stderr. */
public record CliRun(int code, String err) {
    /** Runs {@code bg ARGS}. */
    public static CliRun bg(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(err, true), args);
        return new CliRun(code, err.toString());
    }

    /** Bad input's contract: exit {@code code} and one line on stderr that holds every one of {@code contains}. */
    public static void oneLine(CliRun run, int code, String... contains) {
        assertEquals(code, run.code(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        for (String c : contains) assertTrue(run.err().contains(c), run.err());
    }
}
