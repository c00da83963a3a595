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
}
