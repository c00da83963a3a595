package org.boltzmann4j.bg.coordinates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ZMatrixTest {

    private static final TestMolecule ALDP = TestMolecule.load("aldp.txt");
    private static final TestMolecule PRO = TestMolecule.load("pro-dipeptide.txt");

    private static Set<Long> bondSet(TestMolecule m) {
        Set<Long> set = new HashSet<>();
        for (int[] b : m.bonds()) {
            set.add(key(b[0], b[1]));
        }
        return set;
    }

    private static long key(int a, int b) {
        return (long) Math.min(a, b) << 32 | Math.max(a, b);
    }

    /** Every bond coordinate is a chemical bond, every angle spans two bonds, all atoms placed once. */
    private static void assertValidSpanningTree(TestMolecule m, ZMatrix z) {
        Set<Long> bonds = bondSet(m);
        int[] order = z.placementOrder();
        assertEquals(m.atoms(), new HashSet<>(java.util.Arrays.stream(order).boxed().toList()).size());
        for (int[] b : z.bondAtoms()) {
            assertTrue(bonds.contains(key(b[0], b[1])), "bond " + b[0] + "-" + b[1] + " is not in the graph");
        }
        for (int[] a : z.angleAtoms()) {
            assertTrue(bonds.contains(key(a[1], a[2])), "angle " + java.util.Arrays.toString(a));
        }
        for (int[] t : z.torsionAtoms()) {
            assertTrue(bonds.contains(key(t[2], t[3])) || bonds.contains(key(t[1], t[3])),
                    "torsion partner l is bonded to k (proper) or j (improper): " + java.util.Arrays.toString(t));
        }
    }

    @Test
    void alanineDipeptideZMatrixIsASpanningTreeCentredOnCAlpha() {
        ZMatrix z = ALDP.zMatrix();
        assertValidSpanningTree(ALDP, z);
        int[] ref = z.referenceAtoms();
        assertEquals("ALA:CA", ALDP.names()[ref[0]]);
        for (int r : ref) {
            assertFalse(ALDP.elements()[r].equals("H"), "reference atoms are heavy");
        }
        // heavy atoms before hydrogens
        int[] order = z.placementOrder();
        boolean seenHydrogen = false;
        for (int a : order) {
            boolean h = ALDP.elements()[a].equals("H");
            assertFalse(seenHydrogen && !h, "heavy atom " + ALDP.names()[a] + " placed after a hydrogen");
            seenHydrogen |= h;
        }
        // heavy anchors: no hydrogen is ever used as j or k in this molecule (l may be a sibling
        // hydrogen of a methyl group)
        for (int[] row : z.rows()) {
            for (int q = 1; q < 3; q++) {
                assertFalse(ALDP.elements()[row[q]].equals("H"), "hydrogen anchor in " + java.util.Arrays.toString(row));
            }
        }
        assertEquals(z, ALDP.zMatrix(), "deterministic");
        // the frame is the backbone N-CA-C, and phi and psi are coordinates themselves
        assertEquals(java.util.Set.of("ALA:C", "ALA:N"), java.util.Set.of(ALDP.names()[ref[1]], ALDP.names()[ref[2]]));
        int c0 = atom(ALDP, "ACE:C");
        int n = atom(ALDP, "ALA:N");
        int ca = atom(ALDP, "ALA:CA");
        int c = atom(ALDP, "ALA:C");
        int n2 = atom(ALDP, "NME:N");
        assertTrue(z.torsionOf(c0, n, ca, c) >= 0, "phi");
        assertTrue(z.torsionOf(n2, c, ca, n) >= 0, "psi (given in reverse order)");
        assertEquals(-1, z.torsionOf(c0, n, ca, n2));
        // one proper torsion per rotation axis: every other atom on the same anchor j is placed
        // relative to a sibling (improper, stiff): CB about CA-N relative to C (the chirality), the
        // methyl hydrogens relative to the first one
        Map<Integer, Integer> properOn = new HashMap<>();
        for (int t = 0; t < z.rows().length; t++) {
            int[] row = z.rows()[t];
            boolean proper = bondSet(ALDP).contains(key(row[2], row[3]));
            boolean improper = bondSet(ALDP).contains(key(row[1], row[3]));
            assertTrue(proper != improper, java.util.Arrays.toString(row));
            assertEquals(improper, z.improper(t), "ZMatrix.improper of row " + java.util.Arrays.toString(row));
            if (proper) assertNull(properOn.put(row[1], row[0]), "two proper torsions on anchor " + ALDP.names()[row[1]]);
        }
        int[] cbRow = rowOf(z, atom(ALDP, "ALA:CB"));
        assertEquals(ca, cbRow[1]);
        assertTrue(bondSet(ALDP).contains(key(cbRow[1], cbRow[3])), "CB's torsion is improper (fixes the chirality)");
        int methylProper = 0;
        for (String h : new String[] {"ALA:HB1", "ALA:HB2", "ALA:HB3"}) {
            int[] row = rowOf(z, atom(ALDP, h));
            if (bondSet(ALDP).contains(key(row[2], row[3]))) methylProper++;
        }
        assertEquals(1, methylProper, "one methyl hydrogen carries the rotation, the others follow it");
    }

    private static int[] rowOf(ZMatrix z, int atomIndex) {
        for (int[] row : z.rows()) {
            if (row[0] == atomIndex) return row;
        }
        throw new AssertionError("atom " + atomIndex + " has no row");
    }

    private static int atom(TestMolecule m, String name) {
        return java.util.Arrays.asList(m.names()).indexOf(name);
    }

    @Test
    void prolineRingIsClosedByTheGeometryNotByACoordinate() {
        ZMatrix z = PRO.zMatrix();
        assertEquals(26, z.atomCount());
        assertEquals(26, PRO.bonds().length, "one ring: as many bonds as atoms");
        assertValidSpanningTree(PRO, z);
        Set<Long> used = new HashSet<>();
        for (int[] b : z.bondAtoms()) {
            used.add(key(b[0], b[1]));
        }
        Set<Long> left = bondSet(PRO);
        left.removeAll(used);
        assertEquals(1, left.size(), "exactly the ring-closing bond is not a coordinate");
    }

    @Test
    void renumberingTheAtomsRenumbersTheRowsAndNothingElse() {
        Random random = new Random(11);
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            ZMatrix z = m.zMatrix();
            for (int trial = 0; trial < 5; trial++) {
                int[] perm = randomPermutation(m.atoms(), random);
                ZMatrix zp = m.permuted(perm).zMatrix();
                assertArrayEquals(map(z.referenceAtoms(), perm), zp.referenceAtoms());
                int[][] rows = z.rows();
                int[][] prows = zp.rows();
                for (int t = 0; t < rows.length; t++) {
                    assertArrayEquals(map(rows[t], perm), prows[t], "row " + t);
                }
            }
        }
    }

    static int[] randomPermutation(int n, Random random) {
        int[] perm = new int[n];
        for (int a = 0; a < n; a++) {
            perm[a] = a;
        }
        for (int a = n - 1; a > 0; a--) {
            int b = random.nextInt(a + 1);
            int t = perm[a];
            perm[a] = perm[b];
            perm[b] = t;
        }
        return perm;
    }

    private static int[] map(int[] atoms, int[] perm) {
        int[] mapped = new int[atoms.length];
        for (int q = 0; q < atoms.length; q++) {
            mapped[q] = perm[atoms[q]];
        }
        return mapped;
    }

    @Test
    void graphWithoutLabelsStillGivesAValidZMatrix() {
        ZMatrix z = ZMatrix.fromBondGraph(ALDP.atoms(), ALDP.bonds());
        assertValidSpanningTree(ALDP, z);
        // without elements, hydrogens are recognised from PDB-style names
        String[] bare = new String[ALDP.atoms()];
        for (int a = 0; a < bare.length; a++) {
            bare[a] = ALDP.names()[a].substring(4);
        }
        ZMatrix named = ZMatrix.fromBondGraph(ALDP.atoms(), ALDP.bonds(), null, bare);
        assertEquals("ALA:CA", ALDP.names()[named.referenceAtoms()[0]]);
    }

    @Test
    void smallestMoleculeAndRingOnlyGraph() {
        ZMatrix water = ZMatrix.fromBondGraph(3, new int[][] {{0, 1}, {0, 2}}, new String[] {"O", "H", "H"}, null);
        assertEquals(0, water.referenceAtoms()[0]);
        assertEquals(0, water.rows().length);
        // cyclopropane carbon ring with six hydrogens
        int[][] bonds = {{0, 1}, {1, 2}, {2, 0}, {0, 3}, {0, 4}, {1, 5}, {1, 6}, {2, 7}, {2, 8}};
        String[] el = {"C", "C", "C", "H", "H", "H", "H", "H", "H"};
        ZMatrix ring = ZMatrix.fromBondGraph(9, bonds, el, null);
        assertEquals(6, ring.rows().length);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class,
                () -> ZMatrix.fromBondGraph(4, new int[][] {{0, 1}, {1, 2}}), "disconnected");
        assertThrows(IllegalArgumentException.class, () -> ZMatrix.fromBondGraph(2, new int[][] {{0, 1}}));
        assertThrows(IllegalArgumentException.class, () -> ZMatrix.fromBondGraph(3, new int[][] {{0, 3}, {1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> ZMatrix.of(4, new int[] {0, 1, 2}, new int[][] {{3, 0, 1, 3}}), "l = i");
        assertThrows(IllegalArgumentException.class,
                () -> ZMatrix.of(5, new int[] {0, 1, 2}, new int[][] {{3, 4, 1, 2}, {4, 0, 1, 2}}), "4 used before placed");
        ZMatrix ok = ZMatrix.of(4, new int[] {1, 0, 2}, new int[][] {{3, 2, 1, 0}});
        assertArrayEquals(new int[] {1, 0, 2, 3}, ok.placementOrder());
    }
}
