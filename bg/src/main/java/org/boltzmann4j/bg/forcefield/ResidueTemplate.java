package org.boltzmann4j.bg.forcefield;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A residue template of a force field: its atoms in template order (each with its atom type and
 * the per-atom parameters the file gives, such as {@code charge}), its bonds as pairs of template
 * atom indices, and the atoms that bond to a neighbouring residue (one entry per external bond).
 *
 * <p>amber14 names its terminal variants with a prefix: {@code NALA} is an N-terminal (NH3+)
 * alanine, {@code CALA} a C-terminal (COO-) one; caps are residues of their own ({@code ACE},
 * {@code NME}).
 */
public record ResidueTemplate(String name, List<Atom> atoms, List<int[]> bonds, List<Integer> externalBonds,
                              int overrideLevel) {

    /** One template atom: name, atom type name, and parameters such as {@code charge}. */
    public record Atom(String name, String type, Map<String, Double> parameters) {
        public Atom {
            parameters = Map.copyOf(parameters);
        }

        /** The partial charge in elementary charges, if the template gives one. */
        public Optional<Double> charge() {
            return Optional.ofNullable(parameters.get("charge"));
        }
    }

    public ResidueTemplate {
        atoms = List.copyOf(atoms);
        bonds = bonds.stream().map(int[]::clone).toList();
        externalBonds = List.copyOf(externalBonds);
    }

    /** The index of the atom with this name, or -1. */
    public int indexOf(String atomName) {
        for (int i = 0; i < atoms.size(); i++) {
            if (atoms.get(i).name().equals(atomName)) {
                return i;
            }
        }
        return -1;
    }

    /** How many external bonds template atom {@code index} has. */
    public int externalBondCount(int index) {
        int n = 0;
        for (int i : externalBonds) {
            if (i == index) {
                n++;
            }
        }
        return n;
    }
}
