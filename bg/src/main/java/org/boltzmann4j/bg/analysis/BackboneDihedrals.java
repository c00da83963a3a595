package org.boltzmann4j.bg.analysis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.boltzmann4j.bg.io.Topology;

/**
 * The backbone torsions of a peptide, found from its topology: for residue i,
 * phi_i = C(i-1)-N(i)-CA(i)-C(i) and psi_i = N(i)-CA(i)-C(i)-N(i+1).
 *
 * <p>A residue has a backbone when it has atoms named N, CA and C bonded N-CA and CA-C. Its phi
 * needs an atom named C of another residue bonded to its N, its psi an atom named N of another
 * residue bonded to its C; that is how the caps take part: ACE gives the C of alanine
 * dipeptide's phi and NME the N of its psi, though neither has a backbone of its own. The
 * partners are found by the bonds, not by residue order, so a chain break (no peptide bond)
 * means no phi or psi there. Proline's N is bonded to its own CD as well; only the C of another
 * residue counts, so its phi is found as usual.
 *
 * <p>A free dipeptide (NH3+-X-Y-COO-) has no residue with both; {@link #pairs} then pairs the
 * torsions about its peptide bond (the TBG convention).
 *
 * <p>Names are {@code phi_<residue>} and {@code psi_<residue>} with the residue as name and
 * number ({@code phi_ALA2}), prefixed by the chain ({@code phi_A:ALA2}) when the topology has
 * more than one chain.
 */
public final class BackboneDihedrals {

    /**
     * The phi and psi of one residue, or of a free dipeptide's peptide bond (see {@link #pairs}),
     * labelled {@code residue} ("ALA2", or "ALA1-GLN2" for the dipeptide form).
     */
    public record PhiPsi(String residue, Dihedral phi, Dihedral psi) {
        /** True when phi and psi turn about the same CA (per residue); false for the dipeptide form. */
        public boolean sameResidue() {
            return phi.k() == psi.j();
        }

        /** The definition used, in words, for reports. */
        public String convention() {
            return sameResidue() ? "per residue: phi = C(i-1)-N(i)-CA(i)-C(i), psi = N(i)-CA(i)-C(i)-N(i+1)"
                    : "dipeptide X-Y: phi = C(1)-N(2)-CA(2)-C(2), psi = N(1)-CA(1)-C(1)-N(2) (the TBG papers' convention)";
        }
    }

    private BackboneDihedrals() {}

    /** Every phi and psi, in residue order, phi before psi within a residue. */
    public static List<Dihedral> find(Topology topology) {
        List<Dihedral> out = new ArrayList<>();
        for (Found f : search(topology)) {
            if (f.phi != null) {
                out.add(f.phi);
            }
            if (f.psi != null) {
                out.add(f.psi);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The residues that have both a phi and a psi, in order (one for alanine dipeptide, ACE-ALA-NME).
     *
     * <p>When no residue has both, as in a free (zwitterionic) dipeptide X-Y, whose X has no phi
     * (its N is NH3+) and Y no psi (its C is COO-), the backbone is the pair of torsions about each
     * peptide bond instead: phi = C(1)-N(2)-CA(2)-C(2), the phi of Y, and psi = N(1)-CA(1)-C(1)-N(2),
     * the psi of X, as the transferable-BG papers define (phi, psi) of their dipeptides; labelled
     * "X1-Y2" with both residues ({@link PhiPsi#sameResidue()} false).
     */
    public static List<PhiPsi> pairs(Topology topology) {
        List<Found> found = search(topology);
        List<PhiPsi> out = new ArrayList<>();
        for (Found f : found) {
            if (f.phi != null && f.psi != null) {
                out.add(new PhiPsi(f.label, f.phi, f.psi));
            }
        }
        if (!out.isEmpty()) return List.copyOf(out);
        for (Found first : found) {
            if (first.psi == null) continue;
            for (Found second : found) { // the phi whose N is the N that ends first's psi: the same peptide bond
                if (second.phi != null && second.phi.j() == first.psi.l() && second.phi.i() == first.psi.k()) {
                    out.add(new PhiPsi(first.label + "-" + second.label, second.phi, first.psi));
                }
            }
        }
        return List.copyOf(out);
    }

    private record Found(String label, Dihedral phi, Dihedral psi) {}

    private static List<Found> search(Topology topology) {
        int n = topology.atomCount();
        List<Topology.Atom> atoms = topology.atoms();
        List<List<Integer>> neighbours = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            neighbours.add(new ArrayList<>());
        }
        for (int[] b : topology.bonds()) {
            neighbours.get(b[0]).add(b[1]);
            neighbours.get(b[1]).add(b[0]);
        }
        List<Topology.Residue> residues = topology.residues();
        int[] residueOf = new int[n];
        Set<String> chains = new HashSet<>();
        for (Topology.Residue r : residues) {
            for (int a = r.firstAtom(); a < r.firstAtom() + r.atomCount(); a++) {
                residueOf[a] = r.index();
            }
            chains.add(r.chainId());
        }
        List<Found> found = new ArrayList<>();
        for (Topology.Residue r : residues) {
            int nAtom = named(atoms, r, "N");
            int ca = named(atoms, r, "CA");
            int c = named(atoms, r, "C");
            if (nAtom < 0 || ca < 0 || c < 0 || !neighbours.get(nAtom).contains(ca) || !neighbours.get(ca).contains(c)) {
                continue;
            }
            String label = (chains.size() > 1 ? r.chainId() + ":" : "") + r.name() + r.number() + r.insertionCode();
            int previousC = partner(atoms, neighbours.get(nAtom), residueOf, r.index(), "C");
            int nextN = partner(atoms, neighbours.get(c), residueOf, r.index(), "N");
            Dihedral phi = previousC < 0 ? null : new Dihedral("phi_" + label, previousC, nAtom, ca, c);
            Dihedral psi = nextN < 0 ? null : new Dihedral("psi_" + label, nAtom, ca, c, nextN);
            if (phi != null || psi != null) {
                found.add(new Found(label, phi, psi));
            }
        }
        return found;
    }

    /** The atom of residue r with this name, -1 if none (the first if several). */
    private static int named(List<Topology.Atom> atoms, Topology.Residue r, String name) {
        for (int a = r.firstAtom(); a < r.firstAtom() + r.atomCount(); a++) {
            if (atoms.get(a).name().equals(name)) {
                return a;
            }
        }
        return -1;
    }

    /** A bonded atom with this name in another residue, -1 if none. */
    private static int partner(List<Topology.Atom> atoms, List<Integer> bonded, int[] residueOf, int residue,
                               String name) {
        for (int b : bonded) {
            if (residueOf[b] != residue && atoms.get(b).name().equals(name)) {
                return b;
            }
        }
        return -1;
    }
}
