package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.PeptideGeometry;
import org.boltzmann4j.bg.peptide.TestForceFields;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bg build} end to end: its three files, the bundled alanine dipeptide's energies, and bad input. */
class BuildCommandTest {
    @TempDir Path dir;


    @Test
    void writesStructureSystemAndTopology() throws Exception {
        Path out = dir.resolve("ks");
        CliRun run = bg("build", "--sequence", "KS", "--solvent", "gbsa-obc2", "--nonbonded", "cutoff-nonperiodic",
                "--minimize", "--seed", "3", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        Pdb.Structure pdb = Pdb.read(out.resolve("structure.pdb"));
        assertEquals(36, pdb.topology().atomCount());
        assertTrue(PeptideGeometry.closestNonbondedNm(pdb.topology(), pdb.frames().frame(0)) >= 0.15);
        String xml = Files.readString(out.resolve("system.xml"));
        try (OpenMMSystem system = OpenMMSystem.fromXml(xml)) {
            assertEquals(36, system.numParticles());
            assertTrue(system.forces().stream().anyMatch(f -> f.name().equals("GBSAOBCForce")), system.forces().toString());
        }
        JsonNode topology = new ObjectMapper().readTree(out.resolve("topology.json").toFile());
        JsonNode atoms = topology.get("atoms");
        assertEquals(36, atoms.size());
        double charge = 0;
        for (int i = 0; i < atoms.size(); i++) {
            JsonNode a = atoms.get(i);
            assertEquals(pdb.topology().atoms().get(i).name(), a.get("name").asText());
            assertFalse(a.get("type").asText().isEmpty());
            charge += a.get("charge_e").asDouble();
        }
        assertEquals(1.0, charge, 1e-9, "zwitterionic KS carries lysine's charge");
        assertEquals("NLYS", topology.get("residues").get(0).get("template").asText());
        assertEquals("CSER", topology.get("residues").get(1).get("template").asText());
        assertEquals(pdb.topology().bondCount(), topology.get("bonds").size());
    }

    /** ACE-ALA-NME with amber99sbildn + amber99_obc is the bundled aldp-implicit System. */
    @Test
    void alanineDipeptideIsTheBundledImplicitSystem() throws Exception {
        Path out = dir.resolve("aldp");
        CliRun run = bg("build", "--sequence", "ACE-ALA-NME", "--forcefield", "amber99sbildn", "--solvent", "amber99_obc",
                "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        Pdb.Structure ours = Pdb.read(out.resolve("structure.pdb"));
        MolecularSystem bundled = MolecularSystem.bundled("aldp-implicit");
        Pdb.Structure theirs = Pdb.parse(bundled.pdb().orElseThrow(), "aldp-implicit.pdb");
        // the bundled PDB uses OpenMM's PDB names for the caps and another atom order: map by residue and name
        Map<String, Integer> ourIndex = new HashMap<>();
        List<Topology.Atom> ourAtoms = ours.topology().atoms();
        for (int i = 0; i < ourAtoms.size(); i++) ourIndex.put(ourAtoms.get(i).residueNumber() + ":" + ourAtoms.get(i).name(), i);
        Map<String, String> capNames = Map.of("ACE:H1", "HH31", "ACE:H2", "HH32", "ACE:H3", "HH33", "NME:C", "CH3",
                "NME:H1", "HH31", "NME:H2", "HH32", "NME:H3", "HH33");
        int n = ourAtoms.size();
        assertEquals(22, n);
        int[] ourOf = new int[n];
        for (int j = 0; j < n; j++) {
            Topology.Atom a = theirs.topology().atoms().get(j);
            String name = capNames.getOrDefault(a.residueName() + ":" + a.name(), a.name());
            ourOf[j] = ourIndex.get(a.residueNumber() + ":" + name);
        }
        double[][] configurations = {ours.frames().frame(0), null};
        double[] bundledInOurOrder = new double[3 * n];
        double[] b0 = theirs.frames().frame(0);
        for (int j = 0; j < n; j++) System.arraycopy(b0, 3 * j, bundledInOurOrder, 3 * ourOf[j], 3);
        configurations[1] = bundledInOurOrder;
        try (OpenMMSystem a = OpenMMSystem.fromXml(Files.readString(out.resolve("system.xml")));
             OpenMMSystem b = OpenMMSystem.fromXml(bundled.systemXml());
             Context ca = Context.forEnergies(a, "Reference", Map.of());
             Context cb = Context.forEnergies(b, "Reference", Map.of())) {
            for (double[] x : configurations) {
                double[] xb = new double[3 * n];
                for (int j = 0; j < n; j++) System.arraycopy(x, 3 * ourOf[j], xb, 3 * j, 3);
                double[] ea = new double[1], fa = new double[3 * n], eb = new double[1], fb = new double[3 * n];
                ca.evaluate(x, 1, ea, fa);
                cb.evaluate(xb, 1, eb, fb);
                assertEquals(eb[0], ea[0], 1e-9 * Math.abs(eb[0]), "energy");
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < 3; k++) {
                        assertEquals(fb[3 * j + k], fa[3 * ourOf[j] + k], 1e-9 * Math.max(1, Math.abs(fb[3 * j + k])), "force");
                    }
                }
            }
        }
    }

    @Test
    void completesAPdbWrittenByOpenMM() throws Exception {
        MolecularSystem bundled = MolecularSystem.bundled("aldp-implicit");
        Path in = dir.resolve("aldp.pdb");
        // drop every hydrogen: bg build --pdb puts them back
        StringBuilder heavy = new StringBuilder();
        for (String line : bundled.pdb().orElseThrow().split("\n")) {
            if (!(line.startsWith("ATOM") || line.startsWith("HETATM")) || !line.substring(76, 78).trim().equals("H")) {
                if (!line.startsWith("CONECT")) heavy.append(line).append('\n');
            }
        }
        Files.writeString(in, heavy);
        Path out = dir.resolve("out");
        CliRun run = bg("build", "--pdb", in.toString(), "--forcefield", "amber99sbildn", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(22, Pdb.read(out.resolve("structure.pdb")).topology().atomCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2 | --sequence KXS | unknown one-letter code 'X'",
            "2 | --sequence ALA-XYZ | unknown residue name 'XYZ'",
            "2 | --sequence '' | --sequence is empty",
            "2 | --sequence AAAAAAAAAAA | at most 10",
            "2 | --sequence ALA-ACE-GLY | ACE may only be the first",
            "2 | --sequence ACE-ALA-NME --termini zwitterion | has caps but --termini is zwitterion",
            "2 | --sequence KS --termini open | --termini must be zwitterion or capped",
            "2 | --sequence KS --solvent water | --solvent must be one of",
            "2 | --sequence KS --nonbonded pme | --nonbonded must be",
            "2 | --sequence KS --phi-psi -60 | --phi-psi",
            "2 | --sequence KS --cutoff-nm 0 | --cutoff-nm must be > 0",
            "1 | --sequence KS --phi-psi 1,2:3,4:5,6 | --phi-psi has 3 pairs",
            "1 | --sequence KS --forcefield nosuch.xml | nosuch.xml"})
    void badInputIsOneLineAndWritesNothing(int code, String args, String message) {
        Path out = dir.resolve("out");
        List<String> argv = new java.util.ArrayList<>(List.of("build", "--out", out.toString()));
        for (String a : args.trim().split(" ")) argv.add(a.equals("''") ? "" : a);
        CliRun run = bg(argv.toArray(new String[0]));
        assertEquals(code, run.code(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(out), "bad input wrote " + out);
    }

    @Test
    void aResidueTheForceFieldLacksAndAPdbThatMatchesNoTemplateWriteNothing() throws Exception {
        Path out = dir.resolve("out");
        Path ff = TestForceFields.withoutLysine(dir);
        CliRun run = bg("build", "--sequence", "KS", "--forcefield", ff.toString(), "--out", out.toString());
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().contains("LYS"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());

        Path good = dir.resolve("good");
        assertEquals(0, bg("build", "--sequence", "KS", "--out", good.toString()).code());
        String pdb = Files.readString(good.resolve("structure.pdb"));
        Path bad = dir.resolve("bad.pdb");
        Files.writeString(bad, pdb.replace(" HZ1 LYS", " HQ1 LYS").replace(" HZ2 LYS", " HQ2 LYS"));
        run = bg("build", "--pdb", bad.toString(), "--out", out.toString());
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().contains("residue LYS 1") && run.err().contains("HQ1, HQ2"), run.err());
        Path noCb = dir.resolve("nocb.pdb");
        Files.writeString(noCb, String.join("\n", pdb.lines().filter(l -> !l.contains(" CB  SER") && !l.startsWith("CONECT")).toList()));
        run = bg("build", "--pdb", noCb.toString(), "--out", out.toString());
        assertEquals(1, run.code(), run.err());
        assertTrue(run.err().contains("residue SER 2") && run.err().contains("CB"), run.err());
        assertFalse(Files.exists(out), "bad input wrote " + out);
    }
}
