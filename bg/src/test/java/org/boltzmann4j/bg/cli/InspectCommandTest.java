package org.boltzmann4j.bg.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bg inspect} reports what a System holds; methods wrong for a System are refused in one line. */
class InspectCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    private static synchronized Run bg(String... args) {
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute(new PrintWriter(err, true), args);
        } finally {
            System.setOut(saved);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private Path copy(String resource) throws Exception {
        Path file = dir.resolve(Path.of(resource).getFileName().toString());
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void bundledAlanineDipeptide() throws Exception {
        Run text = bg("inspect", "--system", "aldp-implicit");
        assertEquals(0, text.code(), text.err());
        // the values OpenMM Python reads from the same XML: total 144.172344, masses 1.007947 to 15.99943
        assertTrue(text.out().contains("particles: 22 (total mass 144.1723 amu; masses 1.0079 to 15.9994 amu)"), text.out());
        assertTrue(text.out().contains("constraints: 0\n"), text.out());
        assertTrue(text.out().contains("virtual sites: 0\n"), text.out());
        assertTrue(text.out().contains("CMMotionRemover: no"), text.out());
        assertTrue(text.out().contains("periodic: no"), text.out());
        assertTrue(text.out().contains("GBSAOBCForce (group 0)"), text.out());
        assertTrue(text.out().contains("unsupported: none"), text.out());

        Run json = bg("inspect", "--system", "aldp-implicit", "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode o = new ObjectMapper().readTree(json.out());
        assertEquals(22, o.get("particles").asInt());
        assertEquals(0, o.get("constraints").size());
        assertFalse(o.get("uses_periodic_boundary").asBoolean());
        assertEquals(3, o.get("default_box_vectors_nm").size());
        assertEquals(5, o.get("forces").size());
        assertEquals("GBSAOBCForce", o.get("forces").get(4).get("name").asText());
        assertEquals(0, o.get("unsupported").size());
    }

    @Test
    void constrainedSystemIsReportedAndRefusedForInternalCoordinates() throws Exception {
        Path hbonds = copy("/toy/aldp-vacuum-hbonds.xml");
        Run json = bg("inspect", "--system", hbonds.toString(), "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode o = new ObjectMapper().readTree(json.out());
        assertEquals(12, o.get("constraints").size());
        JsonNode first = o.get("constraints").get(0);
        assertTrue(first.get("distance_nm").asDouble() > 0.09 && first.get("distance_nm").asDouble() < 0.111, first.toString());
        assertTrue(o.get("unsupported").has("metropolized_hmc"));
        assertTrue(o.get("unsupported").has("internal_coordinates"));

        Path pdb = dir.resolve("aldp.pdb");
        try (InputStream in = getClass().getResourceAsStream("/org/boltzmann4j/bg/systems/aldp-vacuum.pdb")) {
            Files.copy(in, pdb);
        }
        Path model = dir.resolve("model");
        Run train = bg("train", "--system", hbonds.toString(), "--pdb", pdb.toString(), "--by", "energy", "--steps", "1", "--out", model.toString());
        assertEquals(2, train.code(), train.err());
        assertEquals("bg train: " + hbonds + ": an internal-coordinate flow would be wrong for this System: it has 12 constraints; use --coordinates cartesian",
                train.err().strip());
        assertFalse(Files.exists(model.resolve("parameters.bin")) || Files.exists(model.resolve("model.json")));
    }

    @Test
    void aVirtualSiteIsListed() throws Exception {
        Run text = bg("inspect", "--system", copy("/toy/triatomic-virtual-site.xml").toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("virtual sites: 1 [3]"), text.out());
        assertTrue(text.out().contains("1 massless"), text.out());
        assertTrue(text.out().contains("an internal-coordinate flow would be wrong for this System: it has 1 virtual site"), text.out());
    }

    @Test
    void badSystemIsOneLine() {
        Run missing = bg("inspect", "--system", "nowhere.xml");
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(missing.err().contains("nowhere.xml"), missing.err());
    }
}
