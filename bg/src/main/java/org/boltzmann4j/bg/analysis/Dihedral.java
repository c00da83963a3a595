package org.boltzmann4j.bg.analysis;

import org.boltzmann4j.bg.coordinates.DihedralAngle;
import org.boltzmann4j.bg.io.Frames;

/**
 * A named torsion angle of four atoms (0-based indices i-j-k-l), such as phi or psi of a residue.
 *
 * <p>The angle is the IUPAC dihedral of {@link DihedralAngle}, the formula the Z-matrix uses
 * too, in radians on (-pi, pi]; NaN in a frame where three of the atoms are collinear.
 */
public record Dihedral(String name, int i, int j, int k, int l) {

    public Dihedral {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a dihedral needs a name");
        }
        if (i < 0 || j < 0 || k < 0 || l < 0) {
            throw new IllegalArgumentException(name + ": negative atom index");
        }
        if (i == j || i == k || i == l || j == k || j == l || k == l) {
            throw new IllegalArgumentException(name + ": four distinct atoms are needed, got " + i + " " + j
                    + " " + k + " " + l);
        }
    }

    /** The four atom indices, in order. */
    public int[] atoms() {
        return new int[] {i, j, k, l};
    }

    /** This angle in every frame, radians on (-pi, pi]. */
    public double[] compute(Frames frames) {
        return compute(frames, i, j, k, l);
    }

    /** The dihedral i-j-k-l in every frame, radians on (-pi, pi]. */
    public static double[] compute(Frames frames, int i, int j, int k, int l) {
        int atoms = frames.atoms();
        for (int a : new int[] {i, j, k, l}) {
            if (a < 0 || a >= atoms) {
                throw new IllegalArgumentException("atom " + a + " is outside 0.." + (atoms - 1));
            }
        }
        double[] xyz = frames.xyz();
        double[] out = new double[frames.frames()];
        for (int f = 0; f < out.length; f++) {
            int base = f * atoms * 3;
            out[f] = DihedralAngle.of(xyz, base + 3 * i, base + 3 * j, base + 3 * k, base + 3 * l);
        }
        return out;
    }
}
