package org.boltzmann4j.bg.peptide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.boltzmann4j.bg.io.Topology;
import org.junit.jupiter.api.Test;

/**
 * Completing a structure with its hydrogens puts them where the builder put them: the same
 * template rows, relative to the same heavy atoms.
 */
class HydrogenCompletionTest {

    private record Stripped(Topology topology, double[] xyz) {}

    /** The atoms of a built peptide that {@code keep} accepts, renamed by {@code rename}, in reverse residue-internal order. */
    private static Stripped strip(BuiltPeptide p, Predicate<Topology.Atom> keep, java.util.function.UnaryOperator<String> rename) {
        List<Topology.Atom> atoms = new ArrayList<>();
        List<Double> xyz = new ArrayList<>();
        double[] all = p.positionsNm();
        for (Topology.Residue r : p.topology().residues()) {
            // the file lists a residue's atoms in another order than the templates
            for (int i = r.firstAtom() + r.atomCount() - 1; i >= r.firstAtom(); i--) {
                Topology.Atom a = p.topology().atoms().get(i);
                if (!keep.test(a)) continue;
                atoms.add(new Topology.Atom(atoms.size() + 1, rename.apply(a.name()), a.element(), a.residueName().equals("HIE") ? "HIS" : a.residueName(),
                        a.residueNumber(), "A", ""));
                for (int k = 0; k < 3; k++) xyz.add(all[3 * i + k]);
            }
        }
        return new Stripped(new Topology(atoms), xyz.stream().mapToDouble(Double::doubleValue).toArray());
    }

    @Test
    void missingHydrogensGoWhereTheBuilderPutsThem() {
        for (String text : List.of("KS", "ACE-ALA-NME", "PGHTGKPQ", "ACE-TRP-HIP-THR-ILE-NME", "MEYDTWMTHM", "HID-ASN-GLN-ARG-CYS")) {
            BuiltPeptide built = PeptideBuilder.build(Sequence.parse(text, Termini.ZWITTERION), BuildOptions.defaults().withSeed(9));
            for (int keepResidue : new int[] {0, 1}) {
                // no hydrogens, or those of residue 1 only, named as in PDB v2 ("1HB" for HB1)
                Stripped s = strip(built, a -> !a.element().equals("H") || a.residueNumber() == keepResidue,
                        n -> n.startsWith("H") && n.length() >= 3 && Character.isDigit(n.charAt(n.length() - 1))
                                ? n.charAt(n.length() - 1) + n.substring(0, n.length() - 1) : n);
                BuiltPeptide done = PeptideBuilder.complete(s.topology(), s.xyz(), BuildOptions.defaults(), text);
                assertEquals(built.topology(), done.topology(), text);
                double[] a = built.positionsNm();
                double[] b = done.positionsNm();
                for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-9, text + " coordinate " + i);
            }
        }
    }

    @Test
    void aMissingHeavyAtomIsNamedWithItsResidue() {
        BuiltPeptide built = PeptideBuilder.build(Sequence.parse("KSA", Termini.ZWITTERION), BuildOptions.defaults());
        Stripped s = strip(built, a -> !(a.residueNumber() == 2 && (a.name().equals("CB") || a.name().equals("OG"))), n -> n);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeptideBuilder.complete(s.topology(), s.xyz(), BuildOptions.defaults(), "in.pdb"));
        assertTrue(e.getMessage().contains("in.pdb: residue SER 2") && e.getMessage().contains("lacks heavy atoms CB, OG"),
                e.getMessage());
    }

    @Test
    void atomsNoTemplateHasAreNamed() {
        BuiltPeptide built = PeptideBuilder.build(Sequence.parse("KSA", Termini.ZWITTERION), BuildOptions.defaults());
        Stripped s = strip(built, a -> true, n -> n.equals("HZ1") ? "HQ1" : n);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeptideBuilder.complete(s.topology(), s.xyz(), BuildOptions.defaults(), "in.pdb"));
        assertTrue(e.getMessage().contains("residue LYS 1") && e.getMessage().contains("atoms HQ1 are not in it"), e.getMessage());
        // a C-terminal residue needs its OXT
        Stripped noOxt = strip(built, a -> !a.name().equals("OXT"), n -> n);
        e = assertThrows(IllegalArgumentException.class,
                () -> PeptideBuilder.complete(noOxt.topology(), noOxt.xyz(), BuildOptions.defaults(), "in.pdb"));
        assertTrue(e.getMessage().contains("lacks heavy atoms OXT"), e.getMessage());
    }

    @Test
    void unknownResiduesAreRefused() {
        List<Topology.Atom> atoms = List.of(new Topology.Atom(1, "C1", "C", "LIG", 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeptideBuilder.complete(new Topology(atoms), new double[3], BuildOptions.defaults(), "x.pdb"));
        assertTrue(e.getMessage().contains("residue LIG 1 has no template"), e.getMessage());
    }

    /** A real protein: OpenMM's villin headpiece (GROMACS names: methylene HB1/HB2), without its water and ions. */
    @Test
    void completesVillinWithItsOwnAndWithoutItsHydrogens() throws Exception {
        org.boltzmann4j.bg.io.Pdb.Structure villin = org.boltzmann4j.bg.io.Pdb.read(
                org.boltzmann4j.bg.forcefield.ForceField.dataFolder().resolve("test.pdb"));
        double[] all = villin.frames().frame(0);
        for (boolean withHydrogens : new boolean[] {true, false}) {
            List<Topology.Atom> atoms = new ArrayList<>();
            List<Double> xyz = new ArrayList<>();
            for (int i = 0; i < villin.topology().atomCount(); i++) {
                Topology.Atom a = villin.topology().atoms().get(i);
                if (a.residueName().equals("HOH") || a.residueName().equals("Cl")) continue;
                if (!withHydrogens && a.element().equals("H")) continue;
                atoms.add(new Topology.Atom(atoms.size() + 1, a.name(), a.element(), a.residueName(), a.residueNumber(), "", ""));
                for (int k = 0; k < 3; k++) xyz.add(all[3 * i + k]);
            }
            double[] in = xyz.stream().mapToDouble(Double::doubleValue).toArray();
            BuiltPeptide done = PeptideBuilder.complete(new Topology(atoms), in, BuildOptions.defaults(), "villin");
            assertEquals(582, done.topology().atomCount());
            assertTrue(PeptideGeometry.caSignedVolumes(done.topology(), done.positionsNm()).stream().allMatch(v -> v > 0));
            if (withHydrogens) {
                // nothing was missing: every atom keeps its coordinates
                java.util.Set<List<Double>> given = new java.util.HashSet<>();
                for (int i = 0; i < in.length; i += 3) given.add(List.of(in[i], in[i + 1], in[i + 2]));
                double[] out = done.positionsNm();
                for (int i = 0; i < out.length; i += 3) assertTrue(given.contains(List.of(out[i], out[i + 1], out[i + 2])), "atom " + i / 3);
            } else {
                // placed hydrogens sit at bonded distances from their heavy atoms
                double[] out = done.positionsNm();
                for (int[] b : done.topology().bonds()) {
                    double d = Placement.distance(out, b[0], b[1]);
                    assertTrue(d > 0.09 && d < 0.19, "bond " + java.util.Arrays.toString(b) + " " + d);
                }
            }
        }
    }
}
