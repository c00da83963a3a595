package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The committed bindings (ffi/) were generated from the header as it is: scripts/generate-bindings
 * records the header's SHA-256 beside them, and an edit of the header without regenerating fails
 * here (and so in CI).
 */
class HeaderChecksumTest {
    // Maven runs the tests in the module's directory.
    private static final Path HEADER = Path.of("..", "native", "include", "boltzmann4j_openmm.h");
    private static final Path RECORDED = Path.of("src", "main", "java", "org", "boltzmann4j", "openmm", "ffi", "boltzmann4j_openmm.h.sha256");

    @Test
    void theBindingsWereGeneratedFromTheCurrentHeader() throws Exception {
        assertTrue(Files.isRegularFile(HEADER), HEADER.toAbsolutePath() + " is missing");
        assertTrue(Files.isRegularFile(RECORDED), RECORDED.toAbsolutePath() + " is missing: run scripts/generate-bindings");
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(HEADER)));
        String line = Files.readString(RECORDED).strip();
        assertTrue(line.endsWith("native/include/boltzmann4j_openmm.h"), "unexpected checksum line: " + line);
        String recorded = line.split("\\s+")[0];
        assertEquals(recorded, actual, "native/include/boltzmann4j_openmm.h changed since the bindings were generated: "
                + "run JEXTRACT=/path/to/jextract scripts/generate-bindings and commit bindings/src/main/java/org/boltzmann4j/openmm/ffi");
    }
}
