package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.io.Topology;

/**
 * The residue templates of one chain and the topology they make: atoms numbered in template order,
 * residue by residue, bonds within residues and the peptide bonds C(i)-N(i+1).
 */
final class PeptideChain {

    final List<ResidueTemplate> residues;
    final Topology topology;
    /** Index of the first atom of each residue. */
    final int[] firstAtom;
    final List<Map<String, Integer>> index = new ArrayList<>();
    /** Neighbour count of each atom. */
    final int[] neighbours;
    /** For each atom, the residue-local name of the five-membered ring it is in, or null. */
    final boolean[] inRing5;

    PeptideChain(List<ResidueTemplate> residues) {
        this.residues = List.copyOf(residues);
        firstAtom = new int[residues.size()];
        List<Topology.Atom> atoms = new ArrayList<>();
        List<int[]> bonds = new ArrayList<>();
        for (int r = 0; r < residues.size(); r++) {
            ResidueTemplate t = residues.get(r);
            firstAtom[r] = atoms.size();
            Map<String, Integer> names = new HashMap<>();
            for (String name : t.atoms) {
                names.put(name, atoms.size());
                atoms.add(new Topology.Atom(atoms.size() + 1, name, ResidueTemplate.element(name), t.name, r + 1, "A", ""));
            }
            index.add(names);
            for (String[] b : t.bonds) {
                bonds.add(new int[] {names.get(b[0]), names.get(b[1])});
            }
            if (r > 0) {
                Integer c = index.get(r - 1).get("C");
                Integer n = names.get("N");
                if (c != null && n != null) bonds.add(new int[] {c, n});
            }
        }
        topology = new Topology(atoms, bonds.toArray(new int[0][]));
        neighbours = new int[atoms.size()];
        for (int[] b : topology.bonds()) {
            neighbours[b[0]]++;
            neighbours[b[1]]++;
        }
        inRing5 = new boolean[atoms.size()];
        for (int r = 0; r < residues.size(); r++) {
            for (String name : residues.get(r).ring5) inRing5[index.get(r).get(name)] = true;
        }
    }

    /** The chain of a sequence: caps when capped, terminal variants at the ends otherwise. */
    static PeptideChain of(Sequence sequence) {
        List<ResidueTemplate> list = new ArrayList<>();
        boolean capped = sequence.termini() == Termini.CAPPED;
        if (capped) list.add(ResidueTemplate.of("ACE", false, false));
        List<String> names = sequence.residues();
        for (int i = 0; i < names.size(); i++) {
            boolean first = !capped && i == 0;
            boolean last = !capped && i == names.size() - 1;
            list.add(ResidueTemplate.of(names.get(i), first, last));
        }
        if (capped) list.add(ResidueTemplate.of("NME", false, false));
        return new PeptideChain(list);
    }

    /**
     * The atom index of a name in residue r; a leading '-' means residue r - 1. -1 if absent.
     */
    int atom(int r, String name) {
        if (name.startsWith("-")) {
            if (r == 0) return -1;
            r--;
            name = name.substring(1);
        }
        Integer i = index.get(r).get(name);
        return i == null ? -1 : i;
    }

    int atomCount() {
        return topology.atomCount();
    }

    String element(int i) {
        return topology.atoms().get(i).element();
    }
}
