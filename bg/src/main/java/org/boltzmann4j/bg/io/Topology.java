package org.boltzmann4j.bg.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What a molecule is made of: its atoms, in file order, each with its residue and chain, and its
 * covalent bonds as pairs of 0-based atom indices.
 *
 * <p>Immutable. Bonds are kept normalized (each pair lowest index first, pairs sorted, no
 * duplicates), so two topologies with the same bonds are equal however the bonds were listed.
 */
public record Topology(List<Atom> atoms, int[][] bonds) {

    /**
     * One atom. {@code element} is the symbol as chemists write it ("C", "Cl"), empty if unknown;
     * {@code chainId} and {@code insertionCode} are one character or empty.
     */
    public record Atom(int serial, String name, String element, String residueName, int residueNumber,
                       String chainId, String insertionCode) {
        public Atom {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(element, "element");
            Objects.requireNonNull(residueName, "residueName");
            Objects.requireNonNull(chainId, "chainId");
            Objects.requireNonNull(insertionCode, "insertionCode");
        }

        /** An atom without a chain or insertion code. */
        public Atom(int serial, String name, String element, String residueName, int residueNumber) {
            this(serial, name, element, residueName, residueNumber, "", "");
        }

        boolean sameResidueAs(Atom other) {
            return residueNumber == other.residueNumber && residueName.equals(other.residueName)
                    && chainId.equals(other.chainId) && insertionCode.equals(other.insertionCode);
        }
    }

    /** A residue: atoms {@code firstAtom .. firstAtom + atomCount - 1}. */
    public record Residue(int index, String name, int number, String chainId, String insertionCode,
                          int firstAtom, int atomCount) {}

    public Topology {
        atoms = List.copyOf(atoms);
        bonds = normalize(bonds, atoms.size());
    }

    /** A topology without bonds. */
    public Topology(List<Atom> atoms) {
        this(atoms, new int[0][]);
    }

    /** The bonds (a copy), each pair lowest index first, sorted. */
    @Override
    public int[][] bonds() {
        int[][] copy = new int[bonds.length][];
        for (int i = 0; i < bonds.length; i++) {
            copy[i] = bonds[i].clone();
        }
        return copy;
    }

    public int atomCount() {
        return atoms.size();
    }

    public int bondCount() {
        return bonds.length;
    }

    /** The same atoms with other bonds. */
    public Topology withBonds(int[][] newBonds) {
        return new Topology(atoms, newBonds);
    }

    /**
     * The residues, in order: maximal runs of consecutive atoms with the same residue name,
     * number, chain and insertion code. Computed on each call.
     */
    public List<Residue> residues() {
        List<Residue> residues = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= atoms.size(); i++) {
            if (i == atoms.size() || !atoms.get(i).sameResidueAs(atoms.get(first))) {
                Atom a = atoms.get(first);
                residues.add(new Residue(residues.size(), a.residueName(), a.residueNumber(), a.chainId(),
                        a.insertionCode(), first, i - first));
                first = i;
            }
        }
        return List.copyOf(residues);
    }

    private static int[][] normalize(int[][] bonds, int atomCount) {
        int[][] pairs = new int[bonds.length][];
        for (int i = 0; i < bonds.length; i++) {
            int[] b = bonds[i];
            if (b.length != 2) {
                throw new IllegalArgumentException("bond " + i + " has " + b.length + " atoms, not 2");
            }
            if (b[0] < 0 || b[1] < 0 || b[0] >= atomCount || b[1] >= atomCount) {
                throw new IllegalArgumentException("bond " + Arrays.toString(b) + " names an atom outside 0.."
                        + (atomCount - 1));
            }
            if (b[0] == b[1]) {
                throw new IllegalArgumentException("bond " + Arrays.toString(b) + " joins an atom to itself");
            }
            pairs[i] = new int[] {Math.min(b[0], b[1]), Math.max(b[0], b[1])};
        }
        Arrays.sort(pairs, Comparator.<int[]>comparingInt(p -> p[0]).thenComparingInt(p -> p[1]));
        List<int[]> unique = new ArrayList<>(pairs.length);
        for (int[] p : pairs) {
            if (unique.isEmpty() || !Arrays.equals(unique.getLast(), p)) {
                unique.add(p);
            }
        }
        return unique.toArray(new int[0][]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Topology other && atoms.equals(other.atoms) && Arrays.deepEquals(bonds, other.bonds);
    }

    @Override
    public int hashCode() {
        return 31 * atoms.hashCode() + Arrays.deepHashCode(bonds);
    }

    @Override
    public String toString() {
        return "Topology[" + atoms.size() + " atoms, " + residues().size() + " residues, " + bonds.length
                + " bonds]";
    }
}
