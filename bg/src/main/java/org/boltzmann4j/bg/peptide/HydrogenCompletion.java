package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.boltzmann4j.bg.io.Topology;

/**
 * A peptide made elsewhere (one chain of standard residues, caps allowed), renamed and reordered
 * to amber's templates, with the hydrogens it lacks placed by the same template rows as a built
 * peptide's, relative to the heavy atoms present. Hydrogens may be named as in the templates or in
 * PDB version 2 style (1HB for HB1; HN for H), or as OpenMM's PDB writer names cap atoms. Histidine named HIS becomes HIP, HID or HIE by the
 * ring hydrogens present (HIE when it has none).
 */
final class HydrogenCompletion {

    private HydrogenCompletion() {}

    static BuiltPeptide complete(Topology topology, double[] xyz, BuildOptions options, String source) {
        List<Topology.Residue> residues = topology.residues();
        Set<String> chains = new LinkedHashSet<>();
        for (Topology.Residue r : residues) chains.add(r.chainId());
        if (chains.size() > 1) {
            throw new IllegalArgumentException(source + ": " + chains.size() + " chains (" + String.join(", ", chains)
                    + "); one peptide chain is supported");
        }
        List<Map<String, Integer>> fileAtoms = new ArrayList<>();
        List<ResidueTemplate> templates = new ArrayList<>();
        for (int k = 0; k < residues.size(); k++) {
            Topology.Residue r = residues.get(k);
            Map<String, Integer> names = new HashMap<>();
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                String name = templateName(r.name(), topology.atoms().get(i).name());
                if (names.put(name, i) != null) {
                    throw new IllegalArgumentException(source + ": residue " + label(r) + " has atom " + name + " twice");
                }
            }
            String name = r.name().trim().toUpperCase(Locale.ROOT);
            if (name.equals("HIS")) {
                boolean hd1 = names.containsKey("HD1");
                boolean he2 = names.containsKey("HE2");
                name = hd1 && he2 ? "HIP" : hd1 ? "HID" : "HIE";
            }
            if (name.equals("NMA")) name = "NME";
            boolean cap = name.equals("ACE") || name.equals("NME");
            if (!(cap || Sequence.RESIDUE_NAMES.contains(name)) || !ResidueTemplate.known(name)) {
                throw new IllegalArgumentException(source + ": residue " + label(r) + " has no template (the 20 standard"
                        + " amino acids, HID/HIE/HIP, caps ACE and NME)");
            }
            if (name.equals("ACE") && k != 0 || name.equals("NME") && k != residues.size() - 1) {
                throw new IllegalArgumentException(source + ": residue " + label(r) + " is a cap in the middle of the chain");
            }
            boolean first = k == 0 && !cap;
            boolean last = k == residues.size() - 1 && !cap;
            ResidueTemplate t = ResidueTemplate.of(name, first, last);
            Set<String> extra = new TreeSet<>(names.keySet());
            extra.removeAll(t.atoms);
            if (!extra.isEmpty()) {
                throw new IllegalArgumentException(source + ": residue " + label(r) + " does not match the template " + t
                        + ": atoms " + String.join(", ", extra) + " are not in it (its atoms: " + String.join(" ", t.atoms) + ")");
            }
            List<String> missing = new ArrayList<>();
            for (String a : t.atoms) {
                if (!ResidueTemplate.element(a).equals("H") && !names.containsKey(a)) missing.add(a);
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(source + ": residue " + label(r) + " (template " + t + ") lacks heavy atoms "
                        + String.join(", ", missing));
            }
            templates.add(t);
            fileAtoms.add(names);
        }
        PeptideChain chain = new PeptideChain(templates);
        PeptideBuilder.Geometry g = new PeptideBuilder.Geometry(chain, options.geometry().of(chain.topology));
        double[] out = new double[3 * chain.atomCount()];
        boolean[] placed = new boolean[chain.atomCount()];
        for (int k = 0; k < templates.size(); k++) {
            for (Map.Entry<String, Integer> e : fileAtoms.get(k).entrySet()) {
                int to = chain.atom(k, e.getKey());
                System.arraycopy(xyz, 3 * e.getValue(), out, 3 * to, 3);
                placed[to] = true;
            }
        }
        for (int k = 0; k < templates.size(); k++) {
            for (ResidueTemplate.Row row : templates.get(k).rows) {
                int x = chain.atom(k, row.atom());
                if (placed[x]) continue;
                if (row.torsion() != null) {
                    throw new IllegalStateException(row.atom() + " is a heavy atom and should be present");
                }
                for (String ref : new String[] {row.parent(), row.angleRef(), row.dihedralRef()}) {
                    int i = chain.atom(k, ref);
                    if (i < 0 || !placed[i]) {
                        throw new IllegalArgumentException(source + ": cannot place " + row.atom() + " of residue "
                                + label(residues.get(k)) + ": " + ref + " is missing");
                    }
                }
                PeptideBuilder.placeRow(chain, g, out, k, row, row.offsetDeg());
                placed[x] = true;
            }
        }
        return new BuiltPeptide(chain.topology, out, PeptideGeometry.phiPsiDeg(chain.topology, out));
    }

    private static String label(Topology.Residue r) {
        return r.name() + " " + r.number() + (r.chainId().isEmpty() ? "" : " (chain " + r.chainId() + ")");
    }

    /**
     * Other spellings of template atoms: OpenMM's PDB writer (ACE H1-H3 and NME C, H1-H3, from its
     * pdbNames.xml), CHARMM's terminal names and old PDB names.
     */
    private static final Map<String, String> CAP_ALIASES = Map.ofEntries(
            Map.entry("ACE:H1", "HH31"), Map.entry("ACE:H2", "HH32"), Map.entry("ACE:H3", "HH33"), Map.entry("ACE:CA", "CH3"),
            Map.entry("NME:C", "CH3"), Map.entry("NME:CA", "CH3"), Map.entry("NME:H1", "HH31"), Map.entry("NME:H2", "HH32"),
            Map.entry("NME:H3", "HH33"));
    private static final Map<String, String> AMINO_ALIASES = Map.ofEntries(
            Map.entry("HT1", "H1"), Map.entry("HT2", "H2"), Map.entry("HT3", "H3"), Map.entry("OT1", "O"),
            Map.entry("OC1", "O"), Map.entry("OT2", "OXT"), Map.entry("OC2", "OXT"), Map.entry("ILE:CD", "CD1"),
            Map.entry("SER:HG1", "HG"), Map.entry("CYS:HG1", "HG"));

    /**
     * Template spelling of an atom name in a residue: upper case, PDB v2 leading digits moved to
     * the end ("1HB" is HB1), HN as H, and the aliases above.
     */
    static String templateName(String residue, String name) {
        String res = residue.trim().toUpperCase(Locale.ROOT);
        if (res.equals("NMA")) res = "NME";
        String n = name.trim().toUpperCase(Locale.ROOT);
        int digits = 0;
        while (digits < n.length() - 1 && Character.isDigit(n.charAt(digits))) digits++;
        if (digits > 0) n = n.substring(digits) + n.substring(0, digits);
        if (n.equals("HN")) return "H";
        String alias = CAP_ALIASES.get(res + ":" + n);
        if (alias == null) alias = AMINO_ALIASES.get(res + ":" + n);
        if (alias == null && !res.equals("ACE") && !res.equals("NME")) alias = AMINO_ALIASES.get(n);
        return alias == null ? n : alias;
    }
}
