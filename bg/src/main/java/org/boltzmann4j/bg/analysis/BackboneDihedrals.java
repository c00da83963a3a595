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
 * <p>Names are {@code phi_<residue>} and {@code psi_<residue>} with the residue as name and
 * number ({@code phi_ALA2}), prefixed by the chain ({@code phi_A:ALA2}) when the topology has
 * more than one chain.
 */
public final class BackboneDihedrals {

    /** The phi and psi of one residue. */
    public record PhiPsi(String residue, Dihedral phi, Dihedral psi) {}

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

    /** The residues that have both a phi and a psi, in order (one for alanine dipeptide). */
    public static List<PhiPsi> pairs(Topology topology) {
        List<PhiPsi> out = new ArrayList<>();
        for (Found f : search(topology)) {
            if (f.phi != null && f.psi != null) {
                out.add(new PhiPsi(f.label, f.phi, f.psi));
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
