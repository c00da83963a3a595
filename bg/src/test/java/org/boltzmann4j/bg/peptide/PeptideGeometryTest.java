package org.boltzmann4j.bg.peptide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.boltzmann4j.bg.forcefield.ForceField;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.junit.jupiter.api.Test;

/**
 * Geometry of built peptides, for every residue at every position: L-chirality at each CA, the
 * natural CB configuration of THR (R) and ILE (S), trans peptide bonds, bond lengths within 0.01 nm
 * of amber14's equilibrium values, no clashes; after minimization no non-bonded pair closer than
 * 0.15 nm. The chirality measures themselves are checked on a real protein.
 */
class PeptideGeometryTest {

    static final ForceField AMBER14 = ForceField.load(List.of("amber14-all.xml"));
    static final ForceField.Options VACUUM = ForceField.Options.defaults().withRemoveCMMotion(false);

    static List<Sequence> everyResidueEverywhere() {
        List<Sequence> out = new ArrayList<>();
        for (String r : new java.util.TreeSet<>(Sequence.RESIDUE_NAMES)) {
            out.add(Sequence.parse(r + "-ALA", Termini.ZWITTERION));
            out.add(Sequence.parse("GLY-" + r, Termini.ZWITTERION));
            out.add(Sequence.parse("ACE-" + r + "-NME", Termini.ZWITTERION));
            out.add(Sequence.parse("SER-" + r + "-LYS", Termini.ZWITTERION));
        }
        out.add(Sequence.parse("MEYDTWMTHM", Termini.ZWITTERION));
        out.add(Sequence.parse("ACE-ILE-THR-PRO-PRO-ILE-THR-NME", Termini.ZWITTERION));
        return out;
    }

    static void assertGoodGeometry(String what, Topology t, double[] xyz, List<String> types, boolean exactOmega) {
        int withCb = 0;
        int thr = 0;
        int ile = 0;
        for (Topology.Residue r : t.residues()) {
            if (!r.name().equals("GLY") && !r.name().equals("ACE") && !r.name().equals("NME")) withCb++;
            if (r.name().equals("THR")) thr++;
            if (r.name().equals("ILE")) ile++;
        }
        List<Double> volumes = PeptideGeometry.caSignedVolumes(t, xyz);
        assertEquals(withCb, volumes.size(), what);
        for (double v : volumes) assertTrue(v > 0, what + ": a CA is not L (signed volume " + v + ")");
        List<Character> beta = PeptideGeometry.betaConfigurations(t, xyz);
        int r = 0, s = 0;
        for (char c : beta) {
            if (c == 'R') r++; else s++;
        }
        assertEquals(thr + ile, beta.size(), what);
        // natural threonine is 2S,3R, natural isoleucine 2S,3S
        List<Topology.Residue> residues = t.residues();
        int k = 0;
        for (Topology.Residue res : residues) {
            if (res.name().equals("THR")) assertEquals('R', beta.get(k++), what + ": THR " + res.number() + " CB");
            if (res.name().equals("ILE")) assertEquals('S', beta.get(k++), what + ": ILE " + res.number() + " CB");
        }
        List<Double> omegas = PeptideGeometry.omegasDeg(t, xyz);
        assertEquals(residues.size() - 1, omegas.size(), what);
        for (double w : omegas) {
            // built: exactly 180; minimized in vacuum, a zwitterion's charges twist peptide planes by up to ~30 degrees
            assertTrue(Math.abs(w) > (exactOmega ? 179.999 : 135), what + ": omega " + w + " is not trans");
        }
        for (int[] b : t.bonds()) {
            double r0 = AMBER14.bond(types.get(b[0]), types.get(b[1])).orElseThrow().lengthNm();
            double d = Placement.distance(xyz, b[0], b[1]);
            assertTrue(Math.abs(d - r0) < 0.01, what + ": bond " + t.atoms().get(b[0]).name() + "-" + t.atoms().get(b[1]).name()
                    + " is " + d + " nm, amber14 says " + r0);
        }
    }

    @Test
    void everyResidueAtEveryPositionHasTheRightGeometry() {
        long seed = 5;
        for (Sequence sequence : everyResidueEverywhere()) {
            ParameterizedPeptide p = PeptideBuilder.build(sequence, BuildOptions.defaults().withSeed(seed++), AMBER14, VACUUM);
            Topology t = p.peptide().topology();
            double[] xyz = p.peptide().positionsNm();
            assertGoodGeometry(sequence.toString(), t, xyz, p.system().atomTypes(), true);
            assertEquals(List.of(), PeptideBuilder.clashes(t, xyz), sequence.toString());
        }
    }

    @Test
    void givenTorsionsAreBuiltExceptProlinePhi() {
        BuildOptions options = BuildOptions.defaults().withPhiPsiDeg(List.of(new double[] {-150, 150}, new double[] {-60, -45},
                new double[] {-75, 145}, new double[] {-65, -40}));
        BuiltPeptide p = PeptideBuilder.build(Sequence.parse("ACE-ALA-VAL-PRO-SER-NME", Termini.ZWITTERION), options);
        List<double[]> measured = PeptideGeometry.phiPsiDeg(p.topology(), p.positionsNm());
        double[][] expected = {{-150, 150}, {-60, -45}, {Double.NaN, 145}, {-65, -40}};
        for (int i = 0; i < 4; i++) {
            if (i != 2) assertEquals(expected[i][0], measured.get(i)[0], 1e-9, "phi " + i);
            assertEquals(expected[i][1], measured.get(i)[1], 1e-9, "psi " + i);
        }
        double prolinePhi = measured.get(2)[0];
        assertTrue(prolinePhi > -90 && prolinePhi < -40, "proline phi " + prolinePhi);
        assertEquals(prolinePhi, p.phiPsiDeg().get(2)[0], 1e-9);
    }

    @Test
    void sameSeedSameStructureOtherSeedAnother() {
        Sequence s = Sequence.parse("KS", Termini.ZWITTERION);
        double[] a = PeptideBuilder.build(s, BuildOptions.defaults().withSeed(3)).positionsNm();
        double[] b = PeptideBuilder.build(s, BuildOptions.defaults().withSeed(3)).positionsNm();
        double[] c = PeptideBuilder.build(s, BuildOptions.defaults().withSeed(4)).positionsNm();
        assertTrue(java.util.Arrays.equals(a, b));
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void minimizedPeptidesKeepTheirChiralityAndHaveNoClosePairs() {
        long seed = 40;
        for (String text : List.of("KS", "ACE-ALA-NME", "IVWFVLRCI", "ACE-HIP-THR-ILE-PRO-NME", "PGHTGKPQ", "HID-ASN-GLN-ARG-HIE")) {
            ParameterizedPeptide built = PeptideBuilder.build(Sequence.parse(text, Termini.ZWITTERION),
                    BuildOptions.defaults().withSeed(seed++), AMBER14, VACUUM);
            ParameterizedPeptide min = PeptideBuilder.minimize(built, 10);
            double[] xyz = min.peptide().positionsNm();
            assertFalse(java.util.Arrays.equals(xyz, built.peptide().positionsNm()), text + ": the minimizer moved nothing");
            double closest = PeptideGeometry.closestNonbondedNm(min.peptide().topology(), xyz);
            assertTrue(closest >= 0.15, text + ": closest non-bonded pair " + closest + " nm after minimizing");
            assertGoodGeometry(text + " minimized", min.peptide().topology(), xyz, min.system().atomTypes(), false);
        }
    }

    /** The signed-volume and CIP measures on a real protein: OpenMM's villin headpiece (L residues, Thr 2S,3R). */
    @Test
    void chiralityMeasuresAgreeWithARealProtein() throws Exception {
        Pdb.Structure villin = Pdb.read(ForceField.dataFolder().resolve("test.pdb"));
        double[] xyz = villin.frames().frame(0);
        List<Double> volumes = PeptideGeometry.caSignedVolumes(villin.topology(), xyz);
        assertTrue(volumes.size() > 20);
        for (double v : volumes) assertTrue(v > 0, "villin CA signed volume " + v);
        List<Character> beta = PeptideGeometry.betaConfigurations(villin.topology(), xyz);
        assertFalse(beta.isEmpty());
        for (char c : beta) assertEquals('R', c, "villin THR CB");
        // and a mirror image flips both
        double[] mirror = xyz.clone();
        for (int i = 0; i < mirror.length; i += 3) mirror[i] = -mirror[i];
        for (double v : PeptideGeometry.caSignedVolumes(villin.topology(), mirror)) assertTrue(v < 0);
        for (char c : PeptideGeometry.betaConfigurations(villin.topology(), mirror)) assertEquals('S', c);
    }

    /**
     * The committed test structures (scripts/make-test-peptides.py, through bg build) are what the
     * builder makes now, OpenMM Python accepted each when they were made, and they cover every
     * residue, HID and HIP, and both termini.
     */
    @Test
    void committedTestStructuresAreTheBuildersAndOpenMMAcceptedThem() throws Exception {
        String folder = "/org/boltzmann4j/bg/forcefield/peptides/";
        JsonNode index;
        try (InputStream in = getClass().getResourceAsStream(folder + "peptides.json")) {
            index = new ObjectMapper().readTree(in);
        }
        JsonNode peptides = index.get("peptides");
        assertTrue(peptides.size() >= 40, peptides.size() + " peptides");
        Set<String> residues = new HashSet<>();
        Set<Termini> termini = new HashSet<>();
        for (JsonNode entry : peptides) {
            String name = entry.get("name").asText();
            assertTrue(entry.get("openmm_accepted").asBoolean(), name);
            Sequence sequence = Sequence.parse(entry.get("sequence").asText(), Termini.parse(entry.get("termini").asText(), "termini"));
            residues.addAll(sequence.residues());
            termini.add(sequence.termini());
            ParameterizedPeptide built = PeptideBuilder.build(sequence, BuildOptions.defaults().withSeed(entry.get("seed").asLong()),
                    AMBER14, VACUUM);
            Pdb.Structure committed;
            try (InputStream in = getClass().getResourceAsStream(folder + entry.get("file").asText())) {
                committed = Pdb.read(in, name);
            }
            Topology t = built.peptide().topology();
            assertEquals(t.atomCount(), committed.topology().atomCount(), name);
            assertEquals(entry.get("atoms").asInt(), t.atomCount(), name);
            double[] xyz = built.peptide().positionsNm();
            double[] file = committed.frames().frame(0);
            for (int i = 0; i < t.atomCount(); i++) {
                assertEquals(t.atoms().get(i).name(), committed.topology().atoms().get(i).name(), name);
                for (int k = 0; k < 3; k++) assertEquals(xyz[3 * i + k], file[3 * i + k], 6e-5, name + " atom " + i);
            }
            assertGoodGeometry(name, t, xyz, built.system().atomTypes(), true);
        }
        assertEquals(Sequence.RESIDUE_NAMES, residues);
        assertEquals(Set.of(Termini.values()), termini);
    }

    @Test
    void aResidueTheForceFieldLacksIsNamed() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ff");
        try {
            java.nio.file.Path file = TestForceFields.withoutLysine(dir);
            ForceField noLys = ForceField.load(List.of(file.toString()));
            RuntimeException e = assertThrows(RuntimeException.class, () -> PeptideBuilder.build(
                    Sequence.parse("KS", Termini.ZWITTERION), BuildOptions.defaults(), noLys, VACUUM));
            assertTrue(e.getMessage().contains("LYS"), e.getMessage());
        } finally {
            try (var s = java.nio.file.Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
