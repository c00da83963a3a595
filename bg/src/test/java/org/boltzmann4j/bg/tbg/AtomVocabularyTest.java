package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Canonical atom types on real residues (OpenMM's naming of alanine dipeptide, the PDB naming of the
 * villin headpiece, the project's builder for every residue at every position), checked against the
 * bonds: two atoms of a residue share a type exactly when they are same-element terminal atoms on one
 * parent; the features, the groups they imply, refusals and JSON.
 */
class AtomVocabularyTest {

    static final String ONE_LETTER = "ACDEFGHIKLMNPQRSTVWY";

    static List<String> types(Topology t) {
        List<String> out = new ArrayList<>();
        for (Topology.Atom a : t.atoms()) out.add(AtomVocabulary.canonicalType(a.residueName(), a.name()));
        return out;
    }

    static List<String> sortedTypesOfResidue(Topology t, Topology.Residue r) {
        List<String> all = types(t).subList(r.firstAtom(), r.firstAtom() + r.atomCount());
        List<String> out = new ArrayList<>(all);
        out.sort(null);
        return out;
    }

    /** Within each residue: same type exactly when both atoms are terminal, of one element, on one parent. */
    static void assertTypesAreEquivalentLeaves(String what, Topology t) {
        int n = t.atomCount();
        int[] degree = new int[n];
        int[] parent = new int[n];
        for (int[] b : t.bonds()) {
            degree[b[0]]++;
            degree[b[1]]++;
            parent[b[0]] = b[1];
            parent[b[1]] = b[0];
        }
        List<String> types = types(t);
        for (Topology.Residue r : t.residues()) {
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                for (int j = i + 1; j < r.firstAtom() + r.atomCount(); j++) {
                    Topology.Atom a = t.atoms().get(i);
                    Topology.Atom b = t.atoms().get(j);
                    boolean leaves = degree[i] == 1 && degree[j] == 1 && parent[i] == parent[j]
                            && a.element().equals(b.element());
                    assertEquals(leaves, types.get(i).equals(types.get(j)), what + ": " + r.name() + " " + r.number() + " "
                            + a.name() + " (" + types.get(i) + ") and " + b.name() + " (" + types.get(j) + ")");
                }
            }
        }
    }

    static List<String> names(Topology t, int[] group) {
        List<String> out = new ArrayList<>();
        for (int i : group) out.add(t.atoms().get(i).residueName() + ":" + t.atoms().get(i).name());
        return out;
    }

    @Test
    void alanineDipeptideHasTheSameTypesInOpenMMsNamesAndTheBuildersNames() {
        Topology openmm = TestPeptides.aldp().topology();
        Topology built = TestPeptides.build("ACE-ALA-NME", 1).topology();
        List<Topology.Residue> a = openmm.residues();
        List<Topology.Residue> b = built.residues();
        assertEquals(3, a.size());
        assertEquals(List.of("C", "CH3", "HH3", "HH3", "HH3", "O"), sortedTypesOfResidue(openmm, a.get(0)));
        assertEquals(List.of("C", "CA", "CB", "H", "HA", "HB", "HB", "HB", "N", "O"), sortedTypesOfResidue(openmm, a.get(1)));
        assertEquals(List.of("CH3", "H", "HH3", "HH3", "HH3", "N"), sortedTypesOfResidue(openmm, a.get(2)));
        for (int r = 0; r < 3; r++) {
            assertEquals(sortedTypesOfResidue(openmm, a.get(r)), sortedTypesOfResidue(built, b.get(r)), "residue " + r);
        }
        assertEquals(AtomVocabulary.covering(List.of(openmm)), AtomVocabulary.covering(List.of(built)));
    }

    @Test
    void typesAreSharedExactlyByEquivalentTerminalAtomsInEveryResidueAtEveryPosition() {
        long seed = 1;
        for (String r : new TreeSet<>(Sequence.RESIDUE_NAMES)) {
            for (String text : List.of(r + "-ALA", "GLY-" + r, "ACE-" + r + "-NME", "SER-" + r + "-LYS")) {
                assertTypesAreEquivalentLeaves(text, TestPeptides.build(text, seed++).topology());
            }
        }
        assertTypesAreEquivalentLeaves("aldp", TestPeptides.aldp().topology());
        assertTypesAreEquivalentLeaves("villin", TestPeptides.villin().topology());
    }

    @Test
    void methylHydrogensShareATypeAndFormAGroup() {
        Topology t = TestPeptides.aldp().topology();
        AtomVocabulary v = AtomVocabulary.covering(List.of(t));
        int[][] groups = v.equivalentGroups(t);
        List<List<String>> named = new ArrayList<>();
        for (int[] g : groups) named.add(names(t, g));
        assertEquals(List.of(List.of("ACE:H1", "ACE:H2", "ACE:H3"), List.of("ALA:HB1", "ALA:HB2", "ALA:HB3"),
                List.of("NME:H1", "NME:H2", "NME:H3")), named);
        double[] f = Batches.toDoubles(v.features(t));
        int w = v.width();
        Set<String> rows = new java.util.HashSet<>();
        for (int i = 0; i < t.atomCount(); i++) rows.add(Arrays.toString(Arrays.copyOfRange(f, i * w, (i + 1) * w)));
        // 22 atoms, 3 groups of 3: 16 distinct rows, the groups' rows equal within the group
        assertEquals(22 - 3 * 2, rows.size());
        for (int[] g : groups) {
            for (int i : g) {
                assertArrayEquals(Arrays.copyOfRange(f, g[0] * w, (g[0] + 1) * w), Arrays.copyOfRange(f, i * w, (i + 1) * w));
            }
        }
    }

    @Test
    void zwitterionicTerminiAndSideChainGroups() {
        Topology t = TestPeptides.build("KG", 2).topology();
        AtomVocabulary v = AtomVocabulary.covering(List.of(t));
        List<List<String>> named = new ArrayList<>();
        for (int[] g : v.equivalentGroups(t)) named.add(names(t, g));
        assertEquals(List.of(List.of("LYS:H1", "LYS:H2", "LYS:H3"), List.of("LYS:HB2", "LYS:HB3"),
                List.of("LYS:HG2", "LYS:HG3"), List.of("LYS:HD2", "LYS:HD3"), List.of("LYS:HE2", "LYS:HE3"),
                List.of("LYS:HZ1", "LYS:HZ2", "LYS:HZ3"), List.of("GLY:HA2", "GLY:HA3"), List.of("GLY:O", "GLY:OXT")),
                named);
        // ARG: each NH2's hydrogens pair up, the two nitrogens stay apart (see the class comment)
        Topology r = TestPeptides.build("RD", 3).topology();
        List<List<String>> rd = new ArrayList<>();
        for (int[] g : AtomVocabulary.covering(List.of(r)).equivalentGroups(r)) rd.add(names(r, g));
        assertTrue(rd.contains(List.of("ARG:HH11", "ARG:HH12")), rd.toString());
        assertTrue(rd.contains(List.of("ARG:HH21", "ARG:HH22")), rd.toString());
        assertTrue(rd.contains(List.of("ASP:OD1", "ASP:OD2")), rd.toString());
        assertTrue(rd.stream().noneMatch(g -> g.contains("ARG:NH1")), rd.toString());
    }

    @Test
    void featuresAreThreeOneHots() {
        Topology ace = TestPeptides.aldp().topology();
        Topology hie = TestPeptides.build("HIE-HID", 4).topology();
        Topology hip = TestPeptides.build("ACE-HIP-NME", 5).topology();
        AtomVocabulary v = AtomVocabulary.covering(List.of(ace, hie, hip));
        assertEquals(3, v.positions());
        assertEquals(v.types().size() + 3 + 22, v.width());
        assertEquals(new ArrayList<>(new TreeSet<>(v.types())), v.types());
        INDArray f = v.features(hip);
        assertEquals(DataType.DOUBLE, f.dataType());
        assertArrayEquals(new long[] {hip.atomCount(), v.width()}, f.shape());
        int his = v.types().size() + v.positions() + AtomVocabulary.AMINO_ACIDS.indexOf("HIS");
        List<String> types = types(hip);
        for (Topology.Residue r : hip.residues()) {
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                double[] row = Batches.toDoubles(f.getRow(i));
                assertEquals(3, Arrays.stream(row).sum());
                assertEquals(1, row[v.types().indexOf(types.get(i))]);
                assertEquals(1, row[v.types().size() + r.index()]);
                int aa = v.types().size() + v.positions() + AtomVocabulary.AMINO_ACIDS.indexOf(r.name().equals("HIP") ? "HIS" : r.name());
                assertEquals(1, row[aa]);
            }
        }
        double[] e = Batches.toDoubles(v.features(hie));
        assertEquals(1, e[his]);
        assertEquals(1, e[(hie.atomCount() - 1) * v.width() + his], "HID is HIS too");
    }

    @Test
    void atomsResiduesAndPositionsOutsideTheVocabularyAreRefusedByName() {
        AtomVocabulary aldp = AtomVocabulary.covering(List.of(TestPeptides.aldp().topology()));
        Topology ks = TestPeptides.build("KS", 6).topology();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> aldp.features(ks));
        assertTrue(e.getMessage().contains("(CG) of residue LYS 1") && e.getMessage().contains("'CG' is not in the vocabulary"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> aldp.equivalentGroups(ks));

        Topology t = TestPeptides.aldp().topology();
        List<Topology.Atom> atoms = new ArrayList<>(t.atoms());
        Topology.Atom cb = atoms.get(12);
        assertEquals("CB", cb.name());
        atoms.set(12, new Topology.Atom(cb.serial(), "CB", "C", "XYZ", cb.residueNumber()));
        Topology odd = new Topology(atoms, new int[0][]);
        e = assertThrows(IllegalArgumentException.class, () -> aldp.features(odd));
        assertTrue(e.getMessage().contains("residue 'XYZ'"), e.getMessage());
        atoms.set(12, new Topology.Atom(cb.serial(), "HB4", "H", "ALA", cb.residueNumber()));
        Topology misnamed = new Topology(atoms, new int[0][]);
        e = assertThrows(IllegalArgumentException.class, () -> aldp.features(misnamed));
        assertTrue(e.getMessage().contains("atom 12 (HB4) of residue ALA 2") && e.getMessage().contains("'HB4'"), e.getMessage());

        AtomVocabulary three = AtomVocabulary.covering(List.of(TestPeptides.aldp().topology(), TestPeptides.build("AK", 7).topology()));
        Topology four = TestPeptides.build("AAAA", 8).topology();
        e = assertThrows(IllegalArgumentException.class, () -> three.features(four));
        assertTrue(e.getMessage().contains("of residue ALA 4") && e.getMessage().contains("position 3"), e.getMessage());
        three.features(TestPeptides.build("AAA", 8).topology());
    }

    @Test
    void jsonRoundTrip() throws Exception {
        Topology a = TestPeptides.aldp().topology();
        Topology b = TestPeptides.build("CW", 9).topology();
        AtomVocabulary v = AtomVocabulary.covering(List.of(a, b));
        ObjectMapper mapper = new ObjectMapper();
        String text = mapper.writeValueAsString(v.toJson());
        AtomVocabulary back = AtomVocabulary.fromJson(mapper.readTree(text));
        assertEquals(v, back);
        assertEquals(v.width(), back.width());
        assertArrayEquals(Batches.toDoubles(v.features(b)), Batches.toDoubles(back.features(b)));
        assertEquals(Arrays.deepToString(v.equivalentGroups(a)), Arrays.deepToString(back.equivalentGroups(a)));

        ObjectNode unsorted = v.toJson();
        unsorted.putArray("types").add("O").add("C");
        assertThrows(IllegalArgumentException.class, () -> AtomVocabulary.fromJson(unsorted));
        ObjectNode wide = v.toJson();
        wide.put("width", v.width() + 1);
        assertThrows(IllegalArgumentException.class, () -> AtomVocabulary.fromJson(wide));
        ObjectNode noPositions = v.toJson();
        noPositions.remove("positions");
        assertThrows(IllegalArgumentException.class, () -> AtomVocabulary.fromJson(noPositions));
        ObjectNode otherAcids = v.toJson();
        otherAcids.putArray("amino_acids").add("ALA");
        assertThrows(IllegalArgumentException.class, () -> AtomVocabulary.fromJson(otherAcids));
    }

    /**
     * The 400 zwitterionic dipeptides of the field's datasets (HIS as HIE): the types they produce, each
     * dipeptide checked against the bonds as above.
     */
    @Test
    void theFourHundredDipeptides() {
        List<String> sequences = new ArrayList<>();
        for (char x : ONE_LETTER.toCharArray()) {
            for (char y : ONE_LETTER.toCharArray()) sequences.add("" + x + y);
        }
        // the builder is thread-safe; each dipeptide has its own seed
        List<Topology> all = java.util.stream.IntStream.range(0, sequences.size()).parallel()
                .mapToObj(i -> TestPeptides.build(sequences.get(i), i + 1).topology()).toList();
        for (int i = 0; i < all.size(); i++) assertTypesAreEquivalentLeaves(sequences.get(i), all.get(i));
        AtomVocabulary v = AtomVocabulary.covering(all);
        System.out.println("400 dipeptides: " + v.types().size() + " types " + v.types());
        assertEquals(2, v.positions());
        assertEquals(DIPEPTIDE_TYPES, v.types());
        for (Topology t : all) v.features(t);
        assertNotEquals(0, v.equivalentGroups(all.getFirst()).length);
    }

    /**
     * The 55 types of this canonicalisation (the TBG paper reports 54 with its own naming rules, which
     * are not reproduced here name for name).
     */
    static final List<String> DIPEPTIDE_TYPES = List.of(
            "C", "CA", "CB", "CD", "CD1", "CD2", "CE", "CE1", "CE2", "CE3", "CG", "CG1", "CG2", "CH2", "CZ", "CZ2",
            "CZ3", "H", "HA", "HB", "HD", "HD1", "HD2", "HE", "HE1", "HE2", "HE3", "HG", "HG1", "HG2", "HH", "HH1",
            "HH2", "HZ", "HZ2", "HZ3", "N", "ND1", "ND2", "NE", "NE1", "NE2", "NH1", "NH2", "NZ", "O", "OD", "OD1",
            "OE", "OE1", "OG", "OG1", "OH", "SD", "SG");
}
