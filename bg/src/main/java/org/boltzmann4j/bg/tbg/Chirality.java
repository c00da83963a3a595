package org.boltzmann4j.bg.tbg;

import java.util.ArrayList;
import java.util.List;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The handedness of a peptide's stereocentres (every CA but glycine's, and the CB of THR and ILE): the
 * sign of the volume of the neighbours around each centre, taken from a reference structure. A sample
 * with every sign wrong is the mirror image (an E(3)-equivariant flow samples both); x -> -x fixes it and
 * keeps q and the energy. A sample with some signs right and some wrong is no mirror image: no reflection
 * fixes it, so {@link #fix} leaves it alone and {@link #correct} keeps saying false: callers drop it ({@link TbgSampler},
 * {@link TbgProposal}).
 *
 * <p>At each centre c the three heavy neighbours a, b, d (from the topology's bonds, in atom-index order:
 * N, CB, C for a CA in amber's order) give the volume ((a - c) x (b - c)) . (d - c); its sign in the
 * reference is the right one. Using the reference rather than a formula keeps the check true for whatever
 * stereochemistry the reference has (D residues included).
 */
public final class Chirality {

    private final int atoms;
    /** Per centre: centre, a, b, d. */
    private final int[][] centres;
    private final int[] signs;
    private final List<String> names;

    private Chirality(int atoms, int[][] centres, int[] signs, List<String> names) {
        this.atoms = atoms;
        this.centres = centres;
        this.signs = signs;
        this.names = List.copyOf(names);
    }

    /** The stereocentres of this topology with their signs in the reference coordinates (3N, nm). */
    public static Chirality of(Topology topology, double[] referenceCoordinates) {
        int n = topology.atomCount();
        if (referenceCoordinates.length != 3 * n) {
            throw new IllegalArgumentException("chirality: " + referenceCoordinates.length + " reference coordinates for "
                    + n + " atoms");
        }
        List<List<Integer>> heavy = new ArrayList<>();
        for (int i = 0; i < n; i++) heavy.add(new ArrayList<>());
        for (int[] b : topology.bonds()) {
            if (!isHydrogen(topology.atoms().get(b[1]))) heavy.get(b[0]).add(b[1]);
            if (!isHydrogen(topology.atoms().get(b[0]))) heavy.get(b[1]).add(b[0]);
        }
        List<int[]> centres = new ArrayList<>();
        List<Integer> signs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Topology.Residue r : topology.residues()) {
            List<Integer> found = new ArrayList<>();
            Integer ca = find(topology, r, "CA");
            if (ca != null && find(topology, r, "CB") != null) found.add(ca);
            if (r.name().equals("THR") || r.name().equals("ILE")) {
                Integer cb = find(topology, r, "CB");
                if (cb == null) {
                    throw new IllegalArgumentException("chirality: residue " + r.name() + " " + r.number() + " has no CB");
                }
                found.add(cb);
            }
            for (int c : found) {
                String name = r.name() + " " + r.number() + " " + topology.atoms().get(c).name();
                List<Integer> nb = heavy.get(c).stream().sorted().toList();
                if (nb.size() != 3) {
                    throw new IllegalArgumentException("chirality: stereocentre " + name + " (atom " + c + ") has "
                            + nb.size() + " bonded heavy atoms, not 3 (are the topology's bonds complete?)");
                }
                int[] centre = {c, nb.get(0), nb.get(1), nb.get(2)};
                double v = volume(referenceCoordinates, 0, centre);
                if (!(v != 0)) {
                    throw new IllegalArgumentException("chirality: stereocentre " + name + " is flat or undefined in the"
                            + " reference (signed volume " + v + " nm^3)");
                }
                centres.add(centre);
                signs.add(v > 0 ? 1 : -1);
                names.add(name);
            }
        }
        return new Chirality(n, centres.toArray(new int[0][]), signs.stream().mapToInt(Integer::intValue).toArray(),
                names);
    }

    private static Integer find(Topology t, Topology.Residue r, String atom) {
        for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
            if (t.atoms().get(i).name().equals(atom)) return i;
        }
        return null;
    }

    private static boolean isHydrogen(Topology.Atom a) {
        if (a.element().isEmpty()) {
            throw new IllegalArgumentException("chirality: atom " + a.name() + " of " + a.residueName() + " "
                    + a.residueNumber() + " has no element");
        }
        return a.element().equalsIgnoreCase("H");
    }

    private static double volume(double[] x, int offset, int[] c) {
        int o = offset + 3 * c[0];
        double ax = x[offset + 3 * c[1]] - x[o], ay = x[offset + 3 * c[1] + 1] - x[o + 1], az = x[offset + 3 * c[1] + 2] - x[o + 2];
        double bx = x[offset + 3 * c[2]] - x[o], by = x[offset + 3 * c[2] + 1] - x[o + 1], bz = x[offset + 3 * c[2] + 2] - x[o + 2];
        double dx = x[offset + 3 * c[3]] - x[o], dy = x[offset + 3 * c[3] + 1] - x[o + 1], dz = x[offset + 3 * c[3] + 2] - x[o + 2];
        return (ay * bz - az * by) * dx + (az * bx - ax * bz) * dy + (ax * by - ay * bx) * dz;
    }

    /** The number of stereocentres. */
    public int centres() {
        return centres.length;
    }

    /** The stereocentres, as "residue number atom" (e.g. "ALA 2 CA"), in topology order. */
    public List<String> centreNames() {
        return names;
    }

    /** Per row of x (B, 3N): how many centres have the reference's sign (a zero volume is wrong). */
    public int[] correctCentres(INDArray x) {
        Batches.requireType(x.dataType());
        int rows = Batches.requireBatch(x, 3 * atoms, x.dataType(), "chirality");
        Values v = Values.of(Batches.contiguous(x));
        double[] row = new double[3 * atoms];
        int[] out = new int[rows];
        for (int b = 0; b < rows; b++) {
            v.get(b * 3 * atoms, row, 0, 3 * atoms);
            for (int k = 0; k < centres.length; k++) {
                double vol = volume(row, 0, centres[k]);
                if (signs[k] > 0 ? vol > 0 : vol < 0) out[b]++;
            }
        }
        return out;
    }

    /** Per row of x (B, 3N): true when every centre has the reference's sign. */
    public boolean[] correct(INDArray x) {
        int[] right = correctCentres(x);
        boolean[] out = new boolean[right.length];
        for (int b = 0; b < right.length; b++) out[b] = right[b] == centres.length;
        return out;
    }

    /**
     * Mirrors (x -> -x) in place every row that is the mirror image (every centre's sign opposite to the
     * reference's: x -> -x flips every volume, so afterwards all are right); returns the rows mirrored.
     * Rows with some centres right and some wrong are not mirror images and stay as they are.
     */
    public boolean[] fix(INDArray x) {
        Batches.requireType(x.dataType());
        int rows = Batches.requireBatch(x, 3 * atoms, x.dataType(), "chirality");
        Values v = Values.of(Batches.contiguous(x));
        double[] row = new double[3 * atoms];
        boolean[] mirrored = new boolean[rows];
        for (int b = 0; b < rows && centres.length > 0; b++) {
            v.get(b * 3 * atoms, row, 0, 3 * atoms);
            boolean allWrong = true;
            for (int k = 0; k < centres.length && allWrong; k++) {
                double vol = volume(row, 0, centres[k]);
                allWrong = signs[k] > 0 ? vol < 0 : vol > 0;
            }
            if (allWrong) {
                x.getRow(b).negi();
                mirrored[b] = true;
            }
        }
        return mirrored;
    }
}
