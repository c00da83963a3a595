package org.boltzmann4j.bg.forcefield;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.boltzmann4j.bg.io.Topology;

/**
 * Matches each residue of a topology to a residue template by residue name, position in the chain
 * and atom names.
 *
 * <p>OpenMM Python matches by bond graph (elements and bonds, external bonds included) and takes
 * any template whose graph fits. Structures whose atoms carry the template's names (as OpenMM's
 * PDBFile writes them, and as {@code bg build} does) get the same assignment by names, which also
 * makes a mismatch easy to report: the atoms that are missing and those that are extra. The
 * candidates for a residue named R are R, NR (N-terminal) and CR (C-terminal), and for HIS, CYS,
 * LYS, ASP and GLU also their other protonation states; the one whose atom names (as written, or
 * through OpenMM's table of alternative names, {@link AtomNameAliases}), elements, bonds and bonds
 * to other residues all agree is taken.
 */
final class TemplateMatcher {

    private static final Map<String, List<String>> ALTERNATIVES = Map.of(
            "HIS", List.of("HIE", "HID", "HIP"),
            "CYS", List.of("CYX"),
            "LYS", List.of("LYN"),
            "ASP", List.of("ASH"),
            "GLU", List.of("GLH"));

    /** A matched residue: the template, and for each of its atoms (in topology order) the template atom index. */
    record Match(Topology.Residue residue, ResidueTemplate template, int[] templateIndex) {}

    private TemplateMatcher() {}

    static List<Match> match(ForceField ff, Topology topology) {
        List<Topology.Residue> residues = topology.residues();
        int n = topology.atomCount();
        int[] residueOf = new int[n];
        for (Topology.Residue r : residues) {
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                residueOf[i] = r.index();
            }
        }
        List<List<int[]>> internal = new ArrayList<>();
        int[] external = new int[n];
        for (int k = 0; k < residues.size(); k++) {
            internal.add(new ArrayList<>());
        }
        for (int[] b : topology.bonds()) {
            if (residueOf[b[0]] == residueOf[b[1]]) {
                internal.get(residueOf[b[0]]).add(b);
            } else {
                external[b[0]]++;
                external[b[1]]++;
            }
        }
        List<Match> matches = new ArrayList<>();
        for (Topology.Residue r : residues) {
            matches.add(matchResidue(ff, topology, r, internal.get(r.index()), external));
        }
        return matches;
    }

    private static Match matchResidue(ForceField ff, Topology topology, Topology.Residue r, List<int[]> bonds,
                                      int[] external) {
        String label = "residue " + (r.index() + 1) + " (" + r.name() + " " + r.number() + ")";
        Map<String, Integer> byName = new HashMap<>();
        for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
            String name = topology.atoms().get(i).name();
            if (byName.put(name, i) != null) {
                throw new ForceFieldException(label + " has two atoms named " + name);
            }
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(r.name());
        names.addAll(ALTERNATIVES.getOrDefault(r.name(), List.of()));
        List<ResidueTemplate> candidates = new ArrayList<>();
        for (String base : names) {
            for (String name : List.of(base, "N" + base, "C" + base)) {
                ResidueTemplate t = ff.templates.get(name);
                if (t != null) {
                    candidates.add(t);
                }
            }
        }
        if (candidates.isEmpty()) {
            throw new ForceFieldException(label + ": " + ff.name() + " has no template for residue " + r.name());
        }
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        AtomNameAliases aliases = AtomNameAliases.in(ff.folder());
        for (ResidueTemplate t : candidates) {
            // Atom i of the residue is template atom index[i]: same name, else same canonical name.
            int[] index = new int[r.atomCount()];
            boolean[] used = new boolean[t.atoms().size()];
            java.util.Arrays.fill(index, -1);
            for (int i = 0; i < r.atomCount(); i++) {
                int ti = t.indexOf(topology.atoms().get(r.firstAtom() + i).name());
                if (ti >= 0) {
                    index[i] = ti;
                    used[ti] = true;
                }
            }
            for (int i = 0; i < r.atomCount(); i++) {
                if (index[i] >= 0) {
                    continue;
                }
                String canonical = aliases.canonical(r.name(), topology.atoms().get(r.firstAtom() + i).name());
                int found = -1;
                for (int ti = 0; ti < t.atoms().size(); ti++) {
                    if (!used[ti] && aliases.canonical(r.name(), t.atoms().get(ti).name()).equals(canonical)) {
                        found = found == -1 ? ti : -2;
                    }
                }
                if (found >= 0) {
                    index[i] = found;
                    used[found] = true;
                }
            }
            Set<String> missing = new TreeSet<>();
            for (int ti = 0; ti < used.length; ti++) {
                if (!used[ti]) {
                    missing.add(t.atoms().get(ti).name());
                }
            }
            Set<String> extra = new TreeSet<>();
            for (int i = 0; i < r.atomCount(); i++) {
                if (index[i] < 0) {
                    extra.add(topology.atoms().get(r.firstAtom() + i).name());
                }
            }
            if (missing.isEmpty() && extra.isEmpty()) {
                String problem = structuralProblem(ff, topology, r, t, index, bonds, external);
                if (problem == null) {
                    return new Match(r, t, index);
                }
                if (bestScore > 0) {
                    bestScore = 0;
                    best = "its atoms have the names of template " + t.name() + " but " + problem;
                }
                continue;
            }
            int score = missing.size() + extra.size();
            if (score < bestScore) {
                bestScore = score;
                best = "closest template " + t.name() + ": "
                        + (missing.isEmpty() ? "" : "missing atoms " + String.join(" ", missing))
                        + (missing.isEmpty() || extra.isEmpty() ? "" : "; ")
                        + (extra.isEmpty() ? "" : "extra atoms " + String.join(" ", extra));
            }
        }
        throw new ForceFieldException(label + " matches no template of " + ff.name() + ": " + best);
    }

    /** Why a template with the residue's atom names still does not fit, or null if it does. */
    private static String structuralProblem(ForceField ff, Topology topology, Topology.Residue r, ResidueTemplate t,
                                            int[] index, List<int[]> bonds, int[] external) {
        for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
            Topology.Atom atom = topology.atoms().get(i);
            int ti = index[i - r.firstAtom()];
            String element = ff.atomType(t.atoms().get(ti).type()).orElseThrow().element();
            if (!atom.element().isEmpty() && !element.isEmpty() && !atom.element().equalsIgnoreCase(element)) {
                return "atom " + atom.name() + " is " + atom.element() + ", the template's is " + element;
            }
            int want = t.externalBondCount(ti);
            if (external[i] != want) {
                return "atom " + atom.name() + " has " + external[i] + " bond(s) to other residues, the template's has "
                        + want;
            }
        }
        Set<String> have = new HashSet<>();
        for (int[] b : bonds) {
            have.add(pair(t.atoms().get(index[b[0] - r.firstAtom()]).name(), t.atoms().get(index[b[1] - r.firstAtom()]).name()));
        }
        Set<String> want = new HashSet<>();
        for (int[] b : t.bonds()) {
            want.add(pair(t.atoms().get(b[0]).name(), t.atoms().get(b[1]).name()));
        }
        Set<String> missing = new TreeSet<>(want);
        missing.removeAll(have);
        Set<String> extra = new TreeSet<>(have);
        extra.removeAll(want);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            return (missing.isEmpty() ? "" : "bonds missing " + String.join(" ", missing))
                    + (missing.isEmpty() || extra.isEmpty() ? "" : "; ")
                    + (extra.isEmpty() ? "" : "extra bonds " + String.join(" ", extra));
        }
        return null;
    }

    private static String pair(String a, String b) {
        return a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a;
    }
}
