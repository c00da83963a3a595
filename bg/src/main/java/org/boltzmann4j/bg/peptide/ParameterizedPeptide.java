package org.boltzmann4j.bg.peptide;

import java.util.List;
import java.util.Locale;
import org.boltzmann4j.bg.forcefield.ParameterizedSystem;
import org.boltzmann4j.bg.io.Topology;

/**
 * A built peptide with its force field's System (XmlSerializer XML, atom types, charges, matched
 * templates), atoms in the same order.
 */
public record ParameterizedPeptide(BuiltPeptide peptide, ParameterizedSystem system) {

    public ParameterizedPeptide {
        if (peptide.topology().atomCount() != system.atomCount()) {
            throw new IllegalArgumentException("peptide has " + peptide.topology().atomCount() + " atoms, System "
                    + system.atomCount());
        }
    }

    /** The same System at other coordinates. */
    public ParameterizedPeptide withPositionsNm(double[] xyz) {
        return new ParameterizedPeptide(peptide.withPositionsNm(xyz), system);
    }

    /**
     * topology.json: {@code atoms} (index, name, element, residue_name, residue_index from 0,
     * type, charge_e), {@code residues} (index, name, template), {@code bonds} (pairs of atom
     * indices, lower first, sorted).
     */
    public String topologyJson() {
        Topology t = peptide.topology();
        StringBuilder out = new StringBuilder(256 + 128 * t.atomCount());
        out.append("{\n \"atoms\": [\n");
        List<Topology.Residue> residues = t.residues();
        int[] residueOf = new int[t.atomCount()];
        for (Topology.Residue r : residues) {
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) residueOf[i] = r.index();
        }
        for (int i = 0; i < t.atomCount(); i++) {
            Topology.Atom a = t.atoms().get(i);
            out.append(String.format(Locale.ROOT,
                    "  {\"index\": %d, \"name\": %s, \"element\": %s, \"residue_name\": %s, \"residue_index\": %d,"
                            + " \"type\": %s, \"charge_e\": %s}%s\n",
                    i, quote(a.name()), quote(a.element()), quote(a.residueName()), residueOf[i],
                    quote(system.atomTypes().get(i)), Double.toString(system.charges().get(i)),
                    i + 1 < t.atomCount() ? "," : ""));
        }
        out.append(" ],\n \"residues\": [\n");
        for (Topology.Residue r : residues) {
            String template = r.index() < system.residueTemplates().size() ? system.residueTemplates().get(r.index()) : "";
            out.append(String.format(Locale.ROOT, "  {\"index\": %d, \"name\": %s, \"template\": %s}%s\n", r.index(),
                    quote(r.name()), quote(template), r.index() + 1 < residues.size() ? "," : ""));
        }
        out.append(" ],\n \"bonds\": [");
        int[][] bonds = t.bonds();
        for (int b = 0; b < bonds.length; b++) {
            out.append(b % 8 == 0 ? "\n  " : " ").append('[').append(bonds[b][0]).append(", ").append(bonds[b][1]).append(']');
            if (b + 1 < bonds.length) out.append(',');
        }
        out.append("\n ]\n}\n");
        return out.toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
