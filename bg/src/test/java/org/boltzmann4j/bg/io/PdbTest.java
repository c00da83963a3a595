package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PdbTest {

    private static final String ALDP_RESOURCE = "/org/boltzmann4j/bg/systems/aldp-vacuum.pdb";

    /** Alanine dipeptide with OpenMM's names and no CONECT records: every bond from templates. */
    static final String ALDP_NO_CONECT = """
            HETATM    1  CH3 ACE A   1       0.090  -0.079  -0.014  1.00  0.00           C
            HETATM    2  H1  ACE A   1      -0.240  -1.117  -0.036  1.00  0.00           H
            HETATM    3  H2  ACE A   1      -0.284   0.403   0.888  1.00  0.00           H
            HETATM    4  H3  ACE A   1      -0.282   0.440  -0.895  1.00  0.00           H
            HETATM    5  C   ACE A   1       1.600  -0.044  -0.012  1.00  0.00           C
            HETATM    6  O   ACE A   1       2.241  -1.088  -0.022  1.00  0.00           O
            ATOM      7  N   ALA A   2       2.172   1.158   0.020  1.00  0.00           N
            ATOM      8  H   ALA A   2       1.572   1.966   0.051  1.00  0.00           H
            ATOM      9  CA  ALA A   2       3.619   1.397  -0.017  1.00  0.00           C
            ATOM     10  HA  ALA A   2       4.056   0.692  -0.725  1.00  0.00           H
            ATOM     11  C   ALA A   2       4.318   1.135   1.341  1.00  0.00           C
            ATOM     12  O   ALA A   2       4.994   2.007   1.883  1.00  0.00           O
            ATOM     13  CB  ALA A   2       3.857   2.809  -0.575  1.00  0.00           C
            ATOM     14  HB1 ALA A   2       3.386   2.909  -1.553  1.00  0.00           H
            ATOM     15  HB2 ALA A   2       3.445   3.555   0.107  1.00  0.00           H
            ATOM     16  HB3 ALA A   2       4.929   2.984  -0.681  1.00  0.00           H
            HETATM   17  N   NME A   3       4.125  -0.063   1.906  1.00  0.00           N
            HETATM   18  H   NME A   3       3.552  -0.726   1.392  1.00  0.00           H
            HETATM   19  C   NME A   3       4.690  -0.478   3.188  1.00  0.00           C
            HETATM   20  H1  NME A   3       5.780  -0.437   3.140  1.00  0.00           H
            HETATM   21  H2  NME A   3       4.349   0.196   3.976  1.00  0.00           H
            HETATM   22  H3  NME A   3       4.378  -1.497   3.423  1.00  0.00           H
            TER      23      NME A   3
            END
            """;

    @TempDir
    Path dir;

    private static int[][] openmmBonds(String name) throws IOException {
        NpyArray bonds = Npy.read(Resources.get(name));
        int[] flat = bonds.asInts();
        int[][] pairs = new int[bonds.dim(0)][];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = new int[] {flat[2 * i], flat[2 * i + 1]};
        }
        return pairs;
    }

    @Test
    void bundledAlanineDipeptideHas22AtomsAnd21BondsAsInOpenMM() throws IOException {
        Pdb.Structure s;
        try (InputStream in = PdbTest.class.getResourceAsStream(ALDP_RESOURCE)) {
            s = Pdb.read(in, "aldp-vacuum.pdb");
        }
        Topology t = s.topology();
        assertEquals(22, t.atomCount());
        assertEquals(21, t.bondCount());
        assertEquals(3, t.residues().size());
        assertEquals(List.of("ACE", "ALA", "NME"), t.residues().stream().map(Topology.Residue::name).toList());
        assertArrayEquals(openmmBonds("/io/aldp-openmm-bonds.npy"), t.bonds());
        assertEquals("CCCCCCHHHHHHHHHHHHNNOO", t.atoms().stream().map(Topology.Atom::element).sorted()
                .collect(Collectors.joining()));
        assertEquals(1, s.frames().frames());
        assertEquals(0.1600, s.frames().get(0, 4, 0), 1e-12);
        assertFalse(s.unitCell().isPresent());
    }

    @Test
    void templatesAloneGiveTheSameBondsAsOpenMM() throws IOException {
        Pdb.Structure s = Pdb.parse(ALDP_NO_CONECT, "inline.pdb");
        assertEquals(22, s.topology().atomCount());
        assertEquals(21, s.topology().bondCount());
        assertArrayEquals(openmmBonds("/io/aldp-openmm-bonds.npy"), s.topology().bonds());
    }

    @Test
    void prolineDipeptideRingAndBondsAsInOpenMM() throws IOException {
        Path pro = Resources.find("/org/boltzmann4j/bg/systems/pro-dipeptide-vacuum.pdb");
        String text = Files.readString(pro).lines().filter(l -> !l.startsWith("CONECT"))
                .collect(Collectors.joining("\n"));
        int[][] expected = openmmBonds("/io/pro-dipeptide-openmm-bonds.npy");
        assertArrayEquals(expected, Pdb.read(pro).topology().bonds());
        assertArrayEquals(expected, Pdb.parse(text, "pro.pdb").topology().bonds());
    }

    @Test
    void roundTripKeepsTopologyBondsAndCoordinates() throws IOException {
        Pdb.Structure s = Pdb.parse(ALDP_NO_CONECT, "inline.pdb");
        double[] xyz = s.frames().xyz().clone();
        xyz[0] = 0.123456; // more digits than PDB keeps
        Path file = dir.resolve("out.pdb");
        Pdb.write(file, s.topology(), new Frames(1, 22, xyz));
        Pdb.Structure back = Pdb.read(file);
        assertEquals(s.topology(), back.topology());
        for (int i = 0; i < xyz.length; i++) {
            assertEquals(xyz[i], back.frames().xyz()[i], 0.5e-4 + 1e-12);
        }
        assertEquals(0.1235, back.frames().xyz()[0], 1e-12);
    }

    @Test
    void writtenLinesFollowThePdbColumns() throws IOException {
        Pdb.Structure s = Pdb.parse(ALDP_NO_CONECT, "inline.pdb");
        Path file = dir.resolve("out.pdb");
        Pdb.write(file, s.topology(), s.frames());
        List<String> lines = Files.readAllLines(file);
        List<String> atoms = lines.stream().filter(l -> l.startsWith("ATOM") || l.startsWith("HETATM")).toList();
        List<String> original = ALDP_NO_CONECT.lines().filter(l -> l.startsWith("ATOM") || l.startsWith("HETATM"))
                .toList();
        for (int i = 0; i < atoms.size(); i++) {
            assertEquals(80, atoms.get(i).length());
            assertEquals(original.get(i), atoms.get(i).stripTrailing(), "line " + i);
        }
        assertTrue(lines.contains("TER      23      NME A   3"), lines.toString());
        assertEquals("END", lines.getLast());
        assertTrue(lines.contains("CONECT    1    2    3    4    5"), lines.toString());
        assertTrue(lines.contains("CONECT    9    7   10   11   13"), lines.toString());
        assertEquals(2 * 21, lines.stream().filter(l -> l.startsWith("CONECT"))
                .mapToInt(l -> (l.length() - 11) / 5).sum());
    }

    @Test
    void atomNamesAlignAsThePdbFormatDemands() {
        assertEquals(" CA ", Pdb.alignedName(new Topology.Atom(1, "CA", "C", "ALA", 1)));
        assertEquals("CA  ", Pdb.alignedName(new Topology.Atom(1, "CA", "Ca", "CA", 1)));
        assertEquals("HH31", Pdb.alignedName(new Topology.Atom(1, "HH31", "H", "ACE", 1)));
        assertEquals(" N  ", Pdb.alignedName(new Topology.Atom(1, "N", "N", "ALA", 1)));
        assertEquals("CL  ", Pdb.alignedName(new Topology.Atom(1, "CL", "Cl", "CL", 1)));
    }

    @Test
    void elementsAreInferredFromNamesWhenColumns77And78AreEmpty() {
        assertEquals("C", Pdb.elementOf("  ", " CA ", "ALA"));
        assertEquals("Ca", Pdb.elementOf("  ", "CA  ", "CA"));
        assertEquals("H", Pdb.elementOf("  ", "1HB ", "LIG"));
        assertEquals("H", Pdb.elementOf("  ", "HH31", "ACE"));
        assertEquals("H", Pdb.elementOf("  ", "HG12", "LIG"));
        assertEquals("Cl", Pdb.elementOf("CL", "CL1 ", "LIG"));
        assertEquals("C", Pdb.elementOf("  ", "CA  ", "ALA"), "template residues trust the atom name");
        assertEquals("O", Pdb.elementOf("  ", " O1 ", "LIG"));
    }

    @Test
    void multipleModelsBecomeFrames() throws IOException {
        Pdb.Structure s = Pdb.read(Resources.get("/io/aldp-two-models.pdb"));
        assertEquals(2, s.frames().frames());
        assertEquals(22, s.frames().atoms());
        assertArrayEquals(openmmBonds("/io/aldp-openmm-bonds.npy"), s.topology().bonds());
        for (int a = 0; a < 22; a++) {
            assertEquals(s.frames().get(0, a, 0) + 0.1, s.frames().get(1, a, 0), 1e-9);
            assertEquals(s.frames().get(0, a, 1), s.frames().get(1, a, 1), 1e-12);
        }

        Path file = dir.resolve("models.pdb");
        Pdb.write(file, s.topology(), s.frames());
        String text = Files.readString(file);
        assertTrue(text.contains("MODEL        1\n") && text.contains("MODEL        2\n"), text);
        assertEquals(2, text.lines().filter(l -> l.equals("ENDMDL")).count());
        assertEquals(s.frames(), Pdb.read(file).frames());
    }

    @Test
    void modelsWithDifferentAtomsAreAnError() throws IOException {
        List<String> atomLines = ALDP_NO_CONECT.lines().filter(l -> l.startsWith("ATOM") || l.startsWith("HETATM"))
                .toList();
        String text = "MODEL        1\n" + String.join("\n", atomLines) + "\nENDMDL\nMODEL        2\n"
                + String.join("\n", atomLines.subList(0, 21)) + "\nENDMDL\nEND\n";
        NpyTest.assertMessage("m.pdb: model 2 has 21 atoms, model 1 has 22", () -> Pdb.parse(text, "m.pdb"));
    }

    @Test
    void unitCellRoundTripsThroughCryst1() throws IOException {
        Pdb.Structure s = Pdb.parse(ALDP_NO_CONECT, "inline.pdb");
        Path file = dir.resolve("box.pdb");
        UnitCell cell = new UnitCell(3.1, 3.2, 3.3, 80, 95, 100);
        Pdb.write(file, s.topology(), s.frames(), cell);
        assertTrue(Files.readString(file).contains("CRYST1   31.000   32.000   33.000  80.00  95.00 100.00 P 1           1"));
        UnitCell read = Pdb.read(file).unitCell().orElseThrow();
        assertEquals(cell, read);
        String placeholder = "CRYST1    1.000    1.000    1.000  90.00  90.00  90.00 P 1           1\n" + ALDP_NO_CONECT;
        assertFalse(Pdb.parse(placeholder, "p.pdb").unitCell().isPresent());
    }

    @Test
    void atomsWithoutTemplateOrConectAreBondedByDistance() throws IOException {
        // Methanol as an unknown residue: C-O 1.43 A, C-H 1.09 A, O-H 0.96 A; a sodium ion alone.
        String text = """
                HETATM    1  C1  MOH A   1       0.000   0.000   0.000  1.00  0.00           C
                HETATM    2  O1  MOH A   1       1.430   0.000   0.000  1.00  0.00           O
                HETATM    3  H1  MOH A   1      -0.363   1.028   0.000  1.00  0.00           H
                HETATM    4  H2  MOH A   1      -0.363  -0.514   0.890  1.00  0.00           H
                HETATM    5  H3  MOH A   1      -0.363  -0.514  -0.890  1.00  0.00           H
                HETATM    6  HO  MOH A   1       1.750   0.905   0.000  1.00  0.00           H
                HETATM    7 NA    NA A   2       3.430   0.000   0.000  1.00  0.00          NA
                END
                """;
        Topology t = Pdb.parse(text, "methanol.pdb").topology();
        assertArrayEquals(new int[][] {{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 5}}, t.bonds());
        assertEquals("Na", t.atoms().get(6).element());
    }

    @Test
    void conectRecordsAddBondsAndCoverTheirAtoms() throws IOException {
        // Two atoms 3 A apart: too far for a distance bond, bonded because CONECT says so.
        String text = """
                HETATM    1  C1  LIG A   1       0.000   0.000   0.000  1.00  0.00           C
                HETATM    2  C2  LIG A   1       3.000   0.000   0.000  1.00  0.00           C
                CONECT    1    2
                CONECT    2    1
                END
                """;
        assertArrayEquals(new int[][] {{0, 1}}, Pdb.parse(text, "l.pdb").topology().bonds());
        String bad = text.replace("CONECT    2    1", "CONECT    2    9");
        NpyTest.assertMessage("l.pdb: line 4: CONECT names atom serial 9, which is not in the file",
                () -> Pdb.parse(bad, "l.pdb"));
    }

    @Test
    void peptideBondsStopAtChainBreaks() throws IOException {
        List<String> lines = new ArrayList<>(ALDP_NO_CONECT.lines().toList());
        lines.add(16, "TER      17      ALA A   2");
        Topology broken = Pdb.parse(String.join("\n", lines), "t.pdb").topology();
        assertEquals(20, broken.bondCount(), "no ALA C - NME N bond across TER");
        String otherChain = ALDP_NO_CONECT.replace("NME A   3", "NME B   3");
        assertEquals(20, Pdb.parse(otherChain, "c.pdb").topology().bondCount());
    }

    @Test
    void alternateLocationsKeepTheFirst() throws IOException {
        String text = """
                ATOM      1  N   GLY A   1       0.000   0.000   0.000  1.00  0.00           N
                ATOM      2  CA AGLY A   1       1.450   0.000   0.000  0.60  0.00           C
                ATOM      3  CA BGLY A   1       1.460   0.100   0.000  0.40  0.00           C
                ATOM      4  C   GLY A   1       2.000   1.400   0.000  1.00  0.00           C
                ATOM      5  O   GLY A   1       1.300   2.400   0.000  1.00  0.00           O
                CONECT    3    4
                END
                """;
        Pdb.Structure s = Pdb.parse(text, "alt.pdb");
        assertEquals(4, s.topology().atomCount());
        assertEquals(0.145, s.frames().get(0, 1, 0), 1e-12);
        assertArrayEquals(new int[][] {{0, 1}, {1, 2}, {2, 3}}, s.topology().bonds());
    }

    @Test
    void errorsNameFileAndLine() throws IOException {
        String bad = ALDP_NO_CONECT.replace("   0.090  -0.079", "   0.0x0  -0.079");
        NpyTest.assertMessage("b.pdb: line 1: bad x coordinate '0.0x0'", () -> Pdb.parse(bad, "b.pdb"));
        NpyTest.assertMessage("e.pdb: no ATOM or HETATM records", () -> Pdb.parse("REMARK nothing\nEND\n", "e.pdb"));
        Path missing = dir.resolve("missing.pdb");
        NpyTest.assertMessage(missing + ": no such file", () -> Pdb.read(missing));
        Pdb.Structure s = Pdb.parse(ALDP_NO_CONECT, "inline.pdb");
        double[] far = s.frames().xyz().clone();
        far[5] = 1000; // 10000 A
        MolecularFileException e = assertThrows(MolecularFileException.class,
                () -> Pdb.write(dir.resolve("far.pdb"), s.topology(), new Frames(1, 22, far)));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("far.pdb")));
    }

    @Test
    void pdbVersion2HydrogenNamesMatchTemplates() throws IOException {
        String text = ALDP_NO_CONECT
                .replace(" HB1 ALA", "1HB  ALA").replace(" HB2 ALA", "2HB  ALA").replace(" HB3 ALA", "3HB  ALA")
                .replace(" H   ALA", " HN  ALA");
        Topology t = Pdb.parse(text, "v2.pdb").topology();
        assertEquals(Arrays.deepToString(openmmBonds("/io/aldp-openmm-bonds.npy")), Arrays.deepToString(t.bonds()));
    }
}
