package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.BuildOptions;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.peptide.PeptideBuilder;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.peptide.Termini;
import org.junit.jupiter.api.Test;

/**
 * The backbone of a free (zwitterionic) dipeptide built by the peptide builder, against a
 * dihedral computed here from the atom names; evaluation warnings on a constructed case and
 * their absence on a clean one; the new metrics' keys on a whole evaluation.
 */
class DipeptideEvaluationTest {

    /** The IUPAC dihedral a-b-c-d by the textbook formula atan2(|b2| b1 . (b2 x b3), (b1 x b2) . (b2 x b3)), degrees. */
    static double dihedralDeg(double[] x, int a, int b, int c, int d) {
        double[] b1 = minus(x, b, a), b2 = minus(x, c, b), b3 = minus(x, d, c);
        double[] n1 = cross(b1, b2), n2 = cross(b2, b3);
        double norm = Math.sqrt(dot(b2, b2));
        return Math.toDegrees(Math.atan2(norm * dot(b1, n2), dot(n1, n2)));
    }

    private static double[] minus(double[] x, int i, int j) {
        return new double[] {x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]};
    }

    private static double[] cross(double[] u, double[] v) {
        return new double[] {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
    }

    private static double dot(double[] u, double[] v) {
        return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    }

    private static int atom(Topology t, int residue, String name) {
        Topology.Residue r = t.residues().get(residue);
        for (int a = r.firstAtom(); a < r.firstAtom() + r.atomCount(); a++) if (t.atoms().get(a).name().equals(name)) return a;
        throw new AssertionError("no " + name + " in residue " + residue);
    }

    private static BuiltPeptide aq(double psi1, double phi2) {
        return dipeptide("AQ", psi1, phi2);
    }

    private static BuiltPeptide dipeptide(String sequence, double psi1, double phi2) {
        // the C-terminal psi only turns COO-: the first of these that clears the rest of the molecule
        IllegalArgumentException last = null;
        for (double psi2 : new double[] {150, -60, 60, -150, 0, 100}) {
            try {
                return PeptideBuilder.build(Sequence.parse(sequence, Termini.ZWITTERION),
                        BuildOptions.defaults().withPhiPsiDeg(List.of(new double[] {-70, psi1}, new double[] {phi2, psi2})));
            } catch (IllegalArgumentException e) {
                last = e;
            }
        }
        throw last;
    }

    @Test
    void aZwitterionicDipeptideHasTheTbgPhiAndPsi() {
        BuiltPeptide p = aq(135, -85);
        Topology t = p.topology();
        List<BackboneDihedrals.PhiPsi> pairs = BackboneDihedrals.pairs(t);
        assertEquals(1, pairs.size());
        BackboneDihedrals.PhiPsi pair = pairs.getFirst();
        assertFalse(pair.sameResidue());
        assertEquals("ALA1-GLN2", pair.residue());
        int n1 = atom(t, 0, "N"), ca1 = atom(t, 0, "CA"), c1 = atom(t, 0, "C"), n2 = atom(t, 1, "N"), ca2 = atom(t, 1, "CA"), c2 = atom(t, 1, "C");
        assertArrayEquals(new int[] {c1, n2, ca2, c2}, pair.phi().atoms());
        assertArrayEquals(new int[] {n1, ca1, c1, n2}, pair.psi().atoms());
        double[] x = p.positionsNm();
        double phi = Math.toDegrees(pair.phi().compute(p.frames())[0]), psi = Math.toDegrees(pair.psi().compute(p.frames())[0]);
        assertEquals(dihedralDeg(x, c1, n2, ca2, c2), phi, 1e-9);
        assertEquals(dihedralDeg(x, n1, ca1, c1, n2), psi, 1e-9);
        // and they are the torsions the builder was asked for
        assertEquals(-85, phi, 1e-6);
        assertEquals(135, psi, 1e-6);
    }

    @Test
    void warningsFireOnAConstructedCaseAndNotOnACleanOne() {
        SplittableRandom random = new SplittableRandom(2);
        int n = 400;
        double[] phiRef = new double[n], psiRef = new double[n], phi = new double[n], psi = new double[n];
        for (int i = 0; i < n; i++) { // everything in the cell phi [-120, -60), psi [120, 180)
            phiRef[i] = Math.toRadians(-90 + 10 * random.nextDouble(-1, 1));
            psiRef[i] = Math.toRadians(150 + 10 * random.nextDouble(-1, 1));
            phi[i] = Math.toRadians(-90 + 10 * random.nextDouble(-1, 1));
            psi[i] = Math.toRadians(150 + 10 * random.nextDouble(-1, 1));
        }
        assertEquals(List.of(), EvaluationWarnings.states("X", phiRef, psiRef, phi, psi, null));
        assertEquals(List.of(), EvaluationWarnings.effectiveSamples(100, 1000));

        // the samples put 30 % of their weight at phi ~ +60 (never visited by the reference), and none in alpha_R,
        // which the reference visits with 20 % of its frames
        double[] phi2 = phi.clone(), psi2 = psi.clone(), phiRef2 = phiRef.clone(), psiRef2 = psiRef.clone(), w = new double[n];
        java.util.Arrays.fill(w, 1);
        for (int i = 0; i < n; i++) {
            if (i % 10 < 3) {
                phi2[i] = Math.toRadians(60 + 5 * random.nextDouble(-1, 1));
                psi2[i] = Math.toRadians(30 + 5 * random.nextDouble(-1, 1));
            }
            if (i % 5 == 0) {
                phiRef2[i] = Math.toRadians(-70 + 5 * random.nextDouble(-1, 1));
                psiRef2[i] = Math.toRadians(-40 + 5 * random.nextDouble(-1, 1));
            }
        }
        List<String> warnings = EvaluationWarnings.states("ALA1-GLN2", phiRef2, psiRef2, phi2, psi2, w);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("ALA1-GLN2, state phi > 0: the samples cover a state the reference never visits"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("ALA1-GLN2, Ramachandran cell phi [-120, -60) psi [-60, 0) deg: the reference visits a state "
                + "the samples never reach"), warnings.get(1));
        // the same phi > 0 samples with (almost) no weight are not a covered state: the mass is what counts
        for (int i = 0; i < n; i++) if (i % 10 < 3) w[i] = 1e-9;
        List<String> weighted = EvaluationWarnings.states("ALA1-GLN2", phiRef2, psiRef2, phi2, psi2, w);
        assertEquals(1, weighted.size(), weighted.toString());
        List<String> ess = EvaluationWarnings.effectiveSamples(42.5, 1000);
        assertEquals(1, ess.size());
        assertTrue(ess.getFirst().startsWith("only 42.5 effective samples"), ess.getFirst());
    }

    private static Frames frames(List<BuiltPeptide> built) {
        int atoms = built.getFirst().topology().atomCount();
        double[] xyz = new double[built.size() * atoms * 3];
        for (int f = 0; f < built.size(); f++) System.arraycopy(built.get(f).positionsNm(), 0, xyz, f * atoms * 3, atoms * 3);
        return new Frames(built.size(), atoms, xyz);
    }

    @Test
    void aWholeEvaluationOfADipeptideHasTheNewKeysAndWarnings() {
        SplittableRandom random = new SplittableRandom(6);
        List<BuiltPeptide> reference = new ArrayList<>(), samples = new ArrayList<>();
        int n = 60;
        for (int i = 0; i < n; i++) {
            reference.add(dipeptide("AG", 150 + random.nextDouble(-10, 10), -90 + random.nextDouble(-10, 10)));
            boolean alphaL = i % 3 == 0; // a third of the samples at phi ~ +60: a state the reference never visits
            samples.add(dipeptide("AG", 150 + random.nextDouble(-10, 10), alphaL ? 60 + random.nextDouble(-5, 5) : -90 + random.nextDouble(-10, 10)));
        }
        double[] energiesRef = new double[n], energies = new double[n], logW = new double[n];
        for (int i = 0; i < n; i++) {
            energiesRef[i] = -100 + 3 * random.nextGaussian();
            energies[i] = -95 + 4 * random.nextGaussian();
            logW[i] = 0.1 * random.nextGaussian();
        }
        Topology t = reference.getFirst().topology();
        var in = new GeneratorEvaluation.Inputs(t, 310, frames(samples), logW, energies, frames(reference), energiesRef, null, 3).withTorusSubsample(40);
        JsonNode m = GeneratorEvaluation.evaluate(in).metrics();
        assertEquals("ALA1-GLY2", m.path("residue").asText());
        assertTrue(m.path("backbone_convention").asText().contains("phi = C(1)-N(2)-CA(2)-C(2)"));
        assertTrue(m.path("nll_nats").isNull());
        assertEquals(KishEss.normalized(logW), m.path("ess").asDouble(), 0);
        assertEquals(m.path("ess").asDouble(), m.path("ess_normalized").asDouble(), 0);
        assertEquals(KishEss.normalizedTopRemoved(logW, 0.002), m.path("ess_normalized_top0.2pct_removed").asDouble(), 0);
        assertEquals(1, m.path("ess_top0.2pct_removed_count").asInt());
        assertEquals(DistributionMetrics.wasserstein2(energiesRef, null, energies, KishEss.normalizedWeights(logW)), m.path("energy_w2_kjmol").asDouble(), 1e-12);
        assertEquals(DistributionMetrics.wasserstein2(energiesRef, null, energies, null), m.path("energy_w2_raw_kjmol").asDouble(), 1e-12);
        assertEquals(40, m.path("torus_w2_subsample").asInt());
        // a third of the mass moves by about 150 degrees in phi: W2 near sqrt(1/3) * 2.6 rad = 1.5, far above the other points' spread
        assertTrue(m.path("torus_w2_raw_rad").asDouble() > 1.2 && m.path("torus_w2_raw_rad").asDouble() < 1.8, m.toString());
        assertEquals(1, m.path("residues").size());
        List<String> warnings = new ArrayList<>();
        m.path("warnings").forEach(w -> warnings.add(w.asText()));
        assertTrue(warnings.getFirst().startsWith("only "), warnings.toString()); // 60 samples cannot have 100 effective ones
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("ALA1-GLY2, state phi > 0: the samples cover a state the reference never visits")),
                warnings.toString());
    }

    @Test
    void longerPeptidesAreEvaluatedPerResidue() {
        // a free tripeptide: only its middle residue has both torsions, so it is per residue, not the dipeptide form
        List<BackboneDihedrals.PhiPsi> free = BackboneDihedrals.pairs(PeptideBuilder.build(Sequence.parse("AAA", Termini.ZWITTERION),
                BuildOptions.defaults()).topology());
        assertEquals(1, free.size());
        assertTrue(free.getFirst().sameResidue());
        assertEquals("ALA2", free.getFirst().residue());
        // capped ALA-ALA: one entry per residue in residues, the first one at the top level
        List<BuiltPeptide> reference = new ArrayList<>(), samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            reference.add(PeptideBuilder.build(Sequence.parse("AA", Termini.CAPPED), BuildOptions.defaults().withSeed(100 + i)));
            samples.add(PeptideBuilder.build(Sequence.parse("AA", Termini.CAPPED), BuildOptions.defaults().withSeed(200 + i)));
        }
        double[] e = new double[30];
        var in = new GeneratorEvaluation.Inputs(reference.getFirst().topology(), 300, frames(samples), new double[30], e, frames(reference), e, null, 1)
                .withTorusSubsample(30);
        JsonNode m = GeneratorEvaluation.evaluate(in).metrics();
        List<String> labels = new ArrayList<>();
        m.path("residues").forEach(r -> labels.add(r.path("residue").asText()));
        assertEquals(List.of("ALA2", "ALA3"), labels);
        assertEquals(m.path("residue").asText(), labels.getFirst());
        assertEquals(m.path("torus_w2_raw_rad"), m.path("residues").get(0).path("torus_w2_raw_rad"));
        assertTrue(m.path("residues").get(1).path("torus_w2_raw_rad").asDouble() > 0);
        assertTrue(m.path("backbone_convention").asText().startsWith("per residue"));
    }
}
