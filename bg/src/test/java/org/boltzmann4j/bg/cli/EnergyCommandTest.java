package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bg energy} end to end: numbers equal OpenMM Python's; bad input gives one line and exit 1 or 2. */
class EnergyCommandTest {
    @TempDir Path dir;
    Path positions;
    NpyArray reference;

    @BeforeEach
    void copyReference() throws Exception {
        positions = dir.resolve("positions.npy");
        try (InputStream in = getClass().getResourceAsStream("/reference/energies/aldp-implicit-positions.npy")) {
            Files.copy(in, positions);
        }
        try (InputStream in = getClass().getResourceAsStream("/reference/energies/aldp-implicit-energies.npy")) {
            reference = Npy.read(in, "aldp-implicit-energies.npy");
        }
    }


    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        }
    }

    @Test
    void scoresAnNpyFileLikeOpenMMPython() throws Exception {
        Path out = dir.resolve("e.npy"), forces = dir.resolve("f.npy");
        CliRun run = bg("energy", "--system", "aldp-implicit", "--coords", positions.toString(), "--out", out.toString(),
                "--forces", forces.toString(), "--threads", "2");
        assertEquals(0, run.code(), run.err());
        double[] energies = Npy.read(out).asDoubles();
        double[] expected = reference.asDoubles();
        assertEquals(expected.length, energies.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], energies[i], 1e-9 * Math.abs(expected[i]));
        assertArrayEquals(new int[] {expected.length, 22, 3}, Npy.read(forces).shape());
    }

    @Test
    void wrongAtomCount() throws Exception {
        CliRun run = bg("energy", "--system", "aldp-vacuum", "--coords", positions.toString(), "--out", dir.resolve("e.npy").toString());
        assertEquals(0, run.code(), run.err()); // same atoms: fine
        Path other = dir.resolve("pro.npy");
        Npy.write(other, new double[2 * 26 * 3], 2, 26, 3);
        run = bg("energy", "--system", "aldp-vacuum", "--coords", other.toString(), "--out", dir.resolve("bad.npy").toString());
        assertEquals(1, run.code());
        assertOneLine(run.err(), "pro.npy: 26 atoms per frame, the System aldp-vacuum has 22");
        assertFalse(files().contains("bad.npy"));
    }

    @Test
    void nonFiniteCoordinatesNameTheFrame() throws Exception {
        double[] x = Npy.read(positions).asDoubles();
        x[5 * 66 + 7] = Double.NaN;
        Path bad = dir.resolve("nan.npy");
        Npy.write(bad, x, x.length / 66, 22, 3);
        CliRun run = bg("energy", "--system", "aldp-implicit", "--coords", bad.toString(), "--out", dir.resolve("e.npy").toString());
        assertEquals(1, run.code());
        assertOneLine(run.err(), "nan.npy: non-finite coordinate in frame 5, atom 2");
        assertFalse(files().contains("e.npy"));
    }

    @Test
    void badUsageAndMissingThings() throws Exception {
        String out = dir.resolve("e.npy").toString();
        CliRun missing = bg("energy", "--system", "aldp-implicit", "--coords", dir.resolve("none.npy").toString(), "--out", out);
        assertEquals(1, missing.code());
        assertOneLine(missing.err(), "none.npy");
        CliRun system = bg("energy", "--system", "alanine", "--coords", positions.toString(), "--out", out);
        assertEquals(1, system.code());
        assertOneLine(system.err(), "alanine: neither a bundled system");
        CliRun platform = bg("energy", "--system", "aldp-implicit", "--coords", positions.toString(), "--out", out, "--platform", "Warp");
        assertEquals(1, platform.code());
        assertOneLine(platform.err(), "unknown platform 'Warp'");
        CliRun property = bg("energy", "--system", "aldp-implicit", "--coords", positions.toString(), "--out", out, "--platform", "CPU",
                "--property", "Speed=2");
        assertEquals(1, property.code());
        assertOneLine(property.err(), "no property 'Speed'");
        CliRun option = bg("energy", "--system", "aldp-implicit", "--coordz", positions.toString(), "--out", out);
        assertEquals(2, option.code());
        assertOneLine(option.err(), "Unknown option: '--coordz'");
        CliRun threads = bg("energy", "--system", "aldp-implicit", "--coords", positions.toString(), "--out", out, "--threads", "-1");
        assertEquals(2, threads.code());
        Path integrator = dir.resolve("integrator.xml");
        Files.writeString(integrator, "<?xml version=\"1.0\" ?>\n<Integrator stepSize=\".001\" type=\"VerletIntegrator\" version=\"1\"/>\n");
        CliRun notSystem = bg("energy", "--system", integrator.toString(), "--coords", positions.toString(), "--out", out);
        assertEquals(1, notSystem.code());
        assertOneLine(notSystem.err(), "root element is <Integrator>");
        assertFalse(files().contains("e.npy"));
    }

    private static void assertOneLine(String err, String expected) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line, got: " + err);
        assertTrue(lines.getFirst().startsWith("bg energy: "), lines.getFirst());
        assertTrue(lines.getFirst().contains(expected), lines.getFirst());
    }
}
