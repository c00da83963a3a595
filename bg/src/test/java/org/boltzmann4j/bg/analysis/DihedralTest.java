package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.coordinates.DihedralAngle;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.junit.jupiter.api.Test;

/** Dihedrals against numpy (scripts/make-reference-dihedrals.py) and backbone dihedrals found from topologies. */
class DihedralTest {

    private static NpyArray resource(String name) throws IOException {
        try (InputStream in = DihedralTest.class.getResourceAsStream("/reference/dihedrals/" + name)) {
            assertNotNull(in, name);
            return Npy.read(in, name);
        }
    }

    private static Map<String, int[]> referenceAtoms() throws IOException {
        Map<String, int[]> atoms = new HashMap<>();
        try (InputStream in = DihedralTest.class.getResourceAsStream("/reference/dihedrals/atoms.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                atoms.put(f[0], new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4])});
            }
        }
        return atoms;
    }

    static Topology bundled(String name) throws IOException {
        try (InputStream in = DihedralTest.class.getResourceAsStream("/org/boltzmann4j/bg/systems/" + name + ".pdb")) {
            return Pdb.read(in, name + ".pdb").topology();
        }
    }

    @Test
    void phiAndPsiEqualNumpyToTenDigits() throws Exception {
        NpyArray frames = resource("frames.npy");
        NpyArray expected = resource("phi-psi.npy");
        assertArrayEquals(new int[] {16, 22, 3}, frames.shape());
        Frames f = new Frames(16, 22, frames.asDoubles());
        Map<String, int[]> atoms = referenceAtoms();
        int[] p = atoms.get("phi");
        int[] s = atoms.get("psi");
        double[] phi = Dihedral.compute(f, p[0], p[1], p[2], p[3]);
        double[] psi = Dihedral.compute(f, s[0], s[1], s[2], s[3]);
        double[] ref = expected.asDoubles();
        int positive = 0;
        for (int k = 0; k < 16; k++) {
            assertEquals(ref[2 * k], phi[k], 1e-10, "phi of frame " + k);
            assertEquals(ref[2 * k + 1], psi[k], 1e-10, "psi of frame " + k);
            assertTrue(phi[k] > -Math.PI && phi[k] <= Math.PI);
            if (phi[k] > 0) {
                positive++;
            }
        }
        assertTrue(positive >= 5, "the reference has phi > 0 in frames 11-15");
    }

    @Test
    void backboneOfAlanineDipeptideIsOnePhiAndOnePsi() throws Exception {
        Map<String, int[]> atoms = referenceAtoms();
        for (String system : List.of("aldp-implicit", "aldp-vacuum")) {
            List<Dihedral> found = BackboneDihedrals.find(bundled(system));
            assertEquals(2, found.size(), system + ": " + found);
            assertEquals("phi_ALA2", found.get(0).name());
            assertArrayEquals(new int[] {4, 6, 8, 10}, found.get(0).atoms());
            assertArrayEquals(atoms.get("phi"), found.get(0).atoms());
            assertEquals("psi_ALA2", found.get(1).name());
            assertArrayEquals(new int[] {6, 8, 10, 16}, found.get(1).atoms());
            assertArrayEquals(atoms.get("psi"), found.get(1).atoms());
            List<BackboneDihedrals.PhiPsi> pairs = BackboneDihedrals.pairs(bundled(system));
            assertEquals(1, pairs.size());
            assertEquals("ALA2", pairs.getFirst().residue());
        }
    }

    @Test
    void prolineDipeptideHasItsPhiThoughNIsBondedToCd() throws Exception {
        Topology pro = bundled("pro-dipeptide-vacuum");
        List<BackboneDihedrals.PhiPsi> pairs = BackboneDihedrals.pairs(pro);
        assertEquals(1, pairs.size(), pairs.toString());
        Dihedral phi = pairs.getFirst().phi();
        assertEquals("C", pro.atoms().get(phi.i()).name());
        assertEquals("ACE", pro.atoms().get(phi.i()).residueName());
        assertEquals("N", pro.atoms().get(phi.j()).name());
        assertEquals("PRO", pro.atoms().get(phi.j()).residueName());
        assertEquals("NME", pro.atoms().get(pairs.getFirst().psi().l()).residueName());
    }

    /** ACE-ALA-GLY-NME backbone atoms only (heavy atoms named as in PDB), bonded along the chain. */
    private static Topology tripeptide(boolean peptideBondAlaGly) {
        List<Topology.Atom> atoms = new ArrayList<>();
        String[][] residues = {{"ACE", "CH3", "C", "O"}, {"ALA", "N", "CA", "C", "O", "CB"}, {"GLY", "N", "CA", "C", "O"},
                {"NME", "N", "C"}};
        int serial = 1;
        for (int r = 0; r < residues.length; r++) {
            for (int a = 1; a < residues[r].length; a++) {
                String name = residues[r][a];
                atoms.add(new Topology.Atom(serial++, name, name.substring(0, 1), residues[r][0], r + 1));
            }
        }
        // 0 CH3, 1 C, 2 O | 3 N, 4 CA, 5 C, 6 O, 7 CB | 8 N, 9 CA, 10 C, 11 O | 12 N, 13 C
        List<int[]> bonds = new ArrayList<>(List.of(new int[] {0, 1}, new int[] {1, 2}, new int[] {1, 3}, new int[] {3, 4},
                new int[] {4, 5}, new int[] {5, 6}, new int[] {4, 7}, new int[] {8, 9}, new int[] {9, 10},
                new int[] {10, 11}, new int[] {10, 12}, new int[] {12, 13}));
        if (peptideBondAlaGly) {
            bonds.add(new int[] {5, 8});
        }
        return new Topology(atoms, bonds.toArray(new int[0][]));
    }

    @Test
    void everyResidueOfALongerPeptideAndNoneAcrossAChainBreak() {
        List<Dihedral> all = BackboneDihedrals.find(tripeptide(true));
        assertEquals(List.of("phi_ALA2", "psi_ALA2", "phi_GLY3", "psi_GLY3"), all.stream().map(Dihedral::name).toList());
        assertArrayEquals(new int[] {1, 3, 4, 5}, all.get(0).atoms());
        assertArrayEquals(new int[] {3, 4, 5, 8}, all.get(1).atoms());
        assertArrayEquals(new int[] {5, 8, 9, 10}, all.get(2).atoms());
        assertArrayEquals(new int[] {8, 9, 10, 12}, all.get(3).atoms());
        assertEquals(2, BackboneDihedrals.pairs(tripeptide(true)).size());

        List<Dihedral> broken = BackboneDihedrals.find(tripeptide(false));
        assertEquals(List.of("phi_ALA2", "psi_GLY3"), broken.stream().map(Dihedral::name).toList());
        assertTrue(BackboneDihedrals.pairs(tripeptide(false)).isEmpty());
    }

    @Test
    void noBackboneInAMoleculeWithoutOne() {
        Topology water = new Topology(List.of(new Topology.Atom(1, "O", "O", "HOH", 1), new Topology.Atom(2, "H1", "H", "HOH", 1),
                new Topology.Atom(3, "H2", "H", "HOH", 1)), new int[][] {{0, 1}, {0, 2}});
        assertTrue(BackboneDihedrals.find(water).isEmpty());
        assertTrue(BackboneDihedrals.pairs(water).isEmpty());
    }

    @Test
    void signConventionAndTheBoundary() {
        // A trans (180 degree) arrangement and a right-handed +90 degree one, by construction.
        double[] trans = {1, 1, 0, 0, 0, 0, 1, 0, 0, 1, -1, 0};
        assertEquals(Math.PI, DihedralAngle.of(trans, 0, 3, 6, 9), 0); // +pi, never -pi
        // j->k along +x, i at +y: l at +z is a right-handed quarter turn about j->k, +90 degrees.
        double[] plus90 = {0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1};
        double[] minus90 = {0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, -1};
        assertEquals(Math.PI / 2, DihedralAngle.of(plus90, 0, 3, 6, 9), 1e-15);
        assertEquals(-Math.PI / 2, DihedralAngle.of(minus90, 0, 3, 6, 9), 1e-15);
        double[] collinear = {0, 0, 0, 1, 0, 0, 2, 0, 0, 2, 1, 0};
        assertTrue(Double.isNaN(DihedralAngle.of(collinear, 0, 3, 6, 9)));
        assertThrows(IllegalArgumentException.class, () -> new Dihedral("x", 1, 1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Dihedral.compute(Frames.single(plus90), 0, 1, 2, 4));
    }
}
