package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.boltzmann4j.bg.analysis.Dihedral;
import org.boltzmann4j.bg.analysis.PhiStates;
import org.boltzmann4j.bg.analysis.SampleWeights;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bg analyze} end to end on the bundled alanine dipeptide MD samples, and bad input. */
class AnalyzeCommandTest {
    @TempDir Path dir;
    Path pdb;
    Path dcd;
    Frames frames;

    @BeforeEach
    void copyBundledSamples() throws Exception {
        pdb = dir.resolve("aldp-implicit.pdb");
        dcd = dir.resolve("trajectory.dcd");
        for (String[] f : new String[][] {{"aldp-implicit.pdb", pdb.toString()}, {"aldp-implicit-md.dcd", dcd.toString()}}) {
            try (InputStream in = getClass().getResourceAsStream("/org/boltzmann4j/bg/systems/" + f[0])) {
                Files.copy(in, Path.of(f[1]));
            }
        }
        frames = Coordinates.load(dcd);
    }


    private static JsonNode json(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }

    private static void assertPng(Path file) throws Exception {
        assertTrue(Files.size(file) > 1000, file + " is " + Files.size(file) + " bytes");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not a PNG image");
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100);
    }

    @Test
    void analysesTheBundledMdSamples() throws Exception {
        Path out = dir.resolve("report");
        CliRun run = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of("analysis.json", "phi-free-energy.csv", "phi-free-energy.png", "ramachandran.png"), files(out));
        JsonNode j = json(out.resolve("analysis.json"));
        assertEquals(200, j.get("frames").asInt());
        assertEquals(22, j.get("atoms").asInt());
        assertEquals(300.0, j.get("temperature_k").asDouble());
        assertEquals(0.0083144626 * 300, j.get("kt_kjmol").asDouble(), 1e-12);
        assertFalse(j.get("weighted").asBoolean());
        assertFalse(j.has("ess"));
        assertFalse(j.has("energy_mean_kjmol"));
        assertEquals("ALA2", j.get("residue").asText());
        assertEquals("[4,6,8,10]", j.get("phi_atoms").toString());
        assertEquals("[6,8,10,16]", j.get("psi_atoms").toString());
        assertEquals(2, j.get("dihedrals").size());

        // pinned: the bundled 300 K MD never reaches phi > 0 (the design notes' reference facts), so all 200
        // frames are at phi < 0, dF is +infinity (written as null with a note) and phi never crosses
        assertEquals(1.0, j.get("phi_negative_population").asDouble(), 0);
        assertEquals(0.0, j.get("phi_positive_population").asDouble(), 0);
        assertTrue(j.get("delta_f_kt").isNull());
        assertTrue(j.get("delta_f_ci_lower_kt").isNull());
        assertTrue(j.get("notes").toString().contains("phi > 0"), j.get("notes").toString());
        assertEquals(0, j.get("phi_transitions").asInt());
        // measured (sin(phi), Sokal's window): 1.7372195629489289 frames, error 0.7572364517636276, window 9
        assertEquals(1.7372195629489289, j.get("phi_autocorrelation_time_frames").asDouble(), 1e-12);
        assertEquals(0.7572364517636276, j.get("phi_autocorrelation_time_error_frames").asDouble(), 1e-12);
        assertEquals(9, j.get("phi_autocorrelation_window_frames").asInt());
        assertEquals("sin(phi)", j.get("phi_autocorrelation_observable").asText());
        for (String key : List.of("delta_f_kjmol", "delta_f_ci_upper_kt", "delta_f_ci_level", "bootstrap_resamples",
                "bootstrap_block_length_frames", "bootstrap_seed", "phi_transition_core_margin_deg",
                "phi_autocorrelation_time_error_frames", "phi_autocorrelation_window_frames", "histogram_bins", "files", "notes")) {
            assertTrue(j.has(key), key);
        }
        assertPng(out.resolve("ramachandran.png"));
        assertPng(out.resolve("phi-free-energy.png"));
        List<String> csv = Files.readAllLines(out.resolve("phi-free-energy.csv"));
        assertEquals("phi_deg,free_energy_kt,effective_samples,band_lower_kt,band_upper_kt", csv.getFirst());
        assertEquals(73, csv.size());
        assertEquals(-177.5, Double.parseDouble(csv.get(1).split(",")[0]), 1e-9);
        double min = Double.POSITIVE_INFINITY;
        for (String line : csv.subList(1, csv.size())) {
            String f = line.split(",")[1];
            if (!f.equals("nan")) min = Math.min(min, Double.parseDouble(f.replace("inf", "Infinity"))); // nan: hidden, too few samples
        }
        assertEquals(0, min, 0, "the profile is shifted to minimum 0");
        assertTrue(run.err().isBlank(), run.err());
    }

    /**
     * A fixed input whose outcome is known exactly: the bundled MD with its last 50 of 200 frames
     * mirrored (x -> -x negates every dihedral, so those frames sit at phi > 0 and the others at
     * phi < 0): P(phi > 0) = 1/4, dF = -ln(1/3) = ln 3 kT, and one transition (frame 149 -> 150).
     */
    @Test
    void pinnedOutcomeOfAMirroredHalf() throws Exception {
        double[] xyz = frames.xyz().clone();
        int perFrame = 22 * 3;
        for (int i = 150 * perFrame; i < 200 * perFrame; i++) xyz[i] = -xyz[i];
        Path mirrored = dir.resolve("mirrored.npy");
        Npy.write(mirrored, xyz, 200, 22, 3);
        Path out = dir.resolve("mirrored-report");
        CliRun run = bg("analyze", "--pdb", pdb.toString(), "--traj", mirrored.toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        JsonNode j = json(out.resolve("analysis.json"));
        assertEquals(200, j.get("frames").asInt());
        assertEquals(0.75, j.get("phi_negative_population").asDouble(), 1e-15);
        assertEquals(0.25, j.get("phi_positive_population").asDouble(), 1e-15);
        assertEquals(Math.log(3), j.get("delta_f_kt").asDouble(), 1e-12);
        assertEquals(Math.log(3) * 0.0083144626 * 300, j.get("delta_f_kjmol").asDouble(), 1e-9);
        assertEquals(1, j.get("phi_transitions").asInt());
        // measured (seed 1, 1000 resamples): the autocorrelation time of sin(phi) is long (one jump), so the
        // blocks are 48 frames long and 187 resamples drew no phi > 0 frame: the upper bound is infinite (null)
        assertEquals(23.55113989675018, j.get("phi_autocorrelation_time_frames").asDouble(), 1e-12);
        assertEquals(48, j.get("bootstrap_block_length_frames").asInt());
        assertEquals(0.11964279050993665, j.get("delta_f_ci_lower_kt").asDouble(), 1e-12);
        assertTrue(j.get("delta_f_ci_upper_kt").isNull());
        assertTrue(j.get("notes").toString().contains("187 of 1000 bootstrap resamples had an empty state"), j.get("notes").toString());
    }

    @Test
    void reweightedWithEnergiesAndOtherTrajectoryFormats() throws Exception {
        int n = frames.frames();
        double[] phi = Dihedral.compute(frames, 4, 6, 8, 10);
        double[] logW = new double[n];
        double[] energies = new double[n];
        SplittableRandom random = new SplittableRandom(3);
        for (int f = 0; f < n; f++) {
            logW[f] = 300 + 2 * random.nextGaussian(); // an offset far from 0 must not matter
            energies[f] = -50 + 10 * random.nextGaussian();
        }
        Path w = dir.resolve("logw.npy");
        Path e = dir.resolve("energies.npy");
        Npy.write(w, logW, n);
        Npy.write(e, energies, n);
        Path out = dir.resolve("weighted");
        CliRun run = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--weights", w.toString(), "--energies",
                e.toString(), "--temperature-k", "310", "--out", out.toString(), "--bootstrap", "200");
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of("analysis.json", "energy-histogram.png", "phi-free-energy.csv", "phi-free-energy.png",
                "ramachandran.png"), files(out));
        JsonNode j = json(out.resolve("analysis.json"));
        assertTrue(j.get("weighted").asBoolean());
        double[] weights = SampleWeights.fromLogWeights(logW);
        double s1 = 0, s2 = 0;
        for (double x : weights) {
            s1 += x;
            s2 += x * x;
        }
        assertEquals(s1 * s1 / s2, j.get("ess").asDouble(), 1e-9);
        assertEquals(s1 * s1 / s2 / n, j.get("ess_normalized").asDouble(), 1e-12);
        assertEquals(PhiStates.populations(phi, weights).positive(), j.get("phi_positive_population").asDouble(), 1e-15);
        assertEquals(SampleWeights.mean(energies, weights), j.get("energy_mean_kjmol").asDouble(), 1e-9);
        assertEquals(SampleWeights.standardDeviation(energies, weights), j.get("energy_std_kjmol").asDouble(), 1e-9);
        assertEquals(310.0, j.get("temperature_k").asDouble());
        assertEquals(200, j.get("bootstrap_resamples").asInt());
        assertPng(out.resolve("energy-histogram.png"));

        // The same frames as .npy and as a multi-model .pdb give the same populations.
        Path npy = dir.resolve("frames.npy");
        Coordinates.save(npy, frames);
        Path asNpy = dir.resolve("npy");
        assertEquals(0, bg("analyze", "--pdb", pdb.toString(), "--traj", npy.toString(), "--out", asNpy.toString()).code());
        Path models = dir.resolve("models.pdb");
        org.boltzmann4j.bg.io.Pdb.write(models, org.boltzmann4j.bg.io.Pdb.read(pdb).topology(), frames);
        Path asPdb = dir.resolve("pdb");
        CliRun pdbRun = bg("analyze", "--pdb", pdb.toString(), "--traj", models.toString(), "--out", asPdb.toString());
        assertEquals(0, pdbRun.code(), pdbRun.err());
        double reference = PhiStates.populations(phi, null).negative();
        assertEquals(reference, json(asNpy.resolve("analysis.json")).get("phi_negative_population").asDouble(), 1e-15);
        // PDB stores 1e-4 nm; a frame within that of phi = 0 could flip, none of these is.
        assertEquals(reference, json(asPdb.resolve("analysis.json")).get("phi_negative_population").asDouble(), 1e-15);
    }

    @Test
    void badInputGivesOneLineAndNoReport() throws Exception {
        Path out = dir.resolve("report");
        String o = out.toString();

        CliRun missing = bg("analyze", "--pdb", pdb.toString(), "--traj", dir.resolve("none.dcd").toString(), "--out", o);
        assertEquals(1, missing.code());
        assertOneLine(missing.err(), "none.dcd");

        Path truncated = dir.resolve("truncated.dcd");
        byte[] bytes = Files.readAllBytes(dcd);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        CliRun cut = bg("analyze", "--pdb", pdb.toString(), "--traj", truncated.toString(), "--out", o);
        assertEquals(1, cut.code());
        assertOneLine(cut.err(), "truncated.dcd");

        Path wrongAtoms = dir.resolve("pro.npy");
        Npy.write(wrongAtoms, new double[2 * 26 * 3], 2, 26, 3);
        CliRun atoms = bg("analyze", "--pdb", pdb.toString(), "--traj", wrongAtoms.toString(), "--out", o);
        assertEquals(1, atoms.code());
        assertOneLine(atoms.err(), "pro.npy: 26 atoms per frame");

        double[] xyz = frames.xyz().clone();
        xyz[(7 * 22 + 8) * 3 + 1] = Double.NaN; // CA of frame 7
        Path broken = dir.resolve("broken.npy");
        Npy.write(broken, xyz, frames.frames(), 22, 3);
        CliRun nanFrame = bg("analyze", "--pdb", pdb.toString(), "--traj", broken.toString(), "--out", o);
        assertEquals(1, nanFrame.code());
        assertOneLine(nanFrame.err(), "broken.npy: non-finite coordinate in frame 7, atom 8 (counted from 0): y = NaN");
        // an atom no dihedral uses (atom 0, a methyl hydrogen of ACE): refused all the same, not analysed around
        double[] offBackbone = frames.xyz().clone();
        offBackbone[(3 * 22 + 0) * 3 + 2] = Double.POSITIVE_INFINITY;
        Path hydrogen = dir.resolve("hydrogen.npy");
        Npy.write(hydrogen, offBackbone, frames.frames(), 22, 3);
        CliRun nanHydrogen = bg("analyze", "--pdb", pdb.toString(), "--traj", hydrogen.toString(), "--out", o);
        assertEquals(1, nanHydrogen.code());
        assertOneLine(nanHydrogen.err(), "hydrogen.npy: non-finite coordinate in frame 3, atom 0 (counted from 0): z = Infinity");
        CliRun nanReference = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--reference", hydrogen.toString(), "--out", o);
        assertEquals(1, nanReference.code());
        assertOneLine(nanReference.err(), "hydrogen.npy: non-finite coordinate in frame 3, atom 0");

        Path shortWeights = dir.resolve("logw.npy");
        Npy.write(shortWeights, new double[199], 199);
        CliRun weights = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--weights", shortWeights.toString(), "--out", o);
        assertEquals(1, weights.code());
        assertOneLine(weights.err(), "logw.npy: 199 log-weights for 200 frames");

        Path nanWeights = dir.resolve("nan.npy");
        double[] nan = new double[200];
        nan[17] = Double.NaN;
        Npy.write(nanWeights, nan, 200);
        CliRun nanRun = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--weights", nanWeights.toString(), "--out", o);
        assertEquals(1, nanRun.code());
        assertOneLine(nanRun.err(), "nan.npy: log-weight 17 is NaN");

        Path energies = dir.resolve("energies.npy");
        Npy.write(energies, new double[3], 3);
        CliRun e = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--energies", energies.toString(), "--out", o);
        assertEquals(1, e.code());
        assertOneLine(e.err(), "energies.npy: 3 energies for 200 frames");

        Path water = dir.resolve("water.pdb");
        Files.writeString(water, """
                HETATM    1  O   HOH A   1       0.000   0.000   0.000  1.00  0.00           O
                HETATM    2  H1  HOH A   1       0.957   0.000   0.000  1.00  0.00           H
                HETATM    3  H2  HOH A   1      -0.240   0.927   0.000  1.00  0.00           H
                END
                """);
        CliRun noBackbone = bg("analyze", "--pdb", water.toString(), "--traj", water.toString(), "--out", o);
        assertEquals(1, noBackbone.code());
        assertOneLine(noBackbone.err(), "water.pdb: no residue with both phi and psi");

        CliRun temperature = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--out", o, "--temperature-k", "-5");
        assertEquals(2, temperature.code());
        assertOneLine(temperature.err(), "--temperature-k must be positive");
        CliRun bins = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--out", o, "--bins", "0");
        assertEquals(2, bins.code());
        assertOneLine(bins.err(), "--bins");
        CliRun option = bg("analyze", "--pdb", pdb.toString(), "--trajectory", dcd.toString(), "--out", o);
        assertEquals(2, option.code());
        assertOneLine(option.err(), "Unknown option: '--trajectory'");
        CliRun residue = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--out", o, "--residue", "GLY7");
        assertEquals(1, residue.code());
        assertOneLine(residue.err(), "no residue GLY7");

        assertFalse(Files.exists(out), "a failed run created " + out);
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        CliRun notDir = bg("analyze", "--pdb", pdb.toString(), "--traj", dcd.toString(), "--out", file.toString());
        assertEquals(1, notDir.code());
        assertOneLine(notDir.err(), "a-file: exists and is not a directory");
    }

    private static List<String> files(Path d) throws Exception {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertOneLine(String err, String expected) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line, got: " + err);
        assertTrue(lines.getFirst().startsWith("bg analyze: "), lines.getFirst());
        assertTrue(lines.getFirst().contains(expected), lines.getFirst());
    }
}
