package org.boltzmann4j.bg.analysis;

import org.boltzmann4j.bg.io.Frames;

/**
 * A named torsion angle of four atoms (0-based indices i-j-k-l), such as phi or psi of a residue.
 *
 * <p>The angle is the IUPAC dihedral: looking along j-&gt;k, the rotation that brings the
 * projection of i onto that of l, positive clockwise, in radians on (-pi, pi]. It is computed as
 * atan2(y, x) with b1 the unit vector j-&gt;k, v and w the components of i-j and l-k
 * perpendicular to b1, x = v.w and y = (b1 x v).w: this form avoids acos and keeps full
 * precision near 0 and pi (the same formula as mdtraj's and as
 * scripts/make-reference-dihedrals.py).
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
            out[f] = angle(xyz, base + 3 * i, base + 3 * j, base + 3 * k, base + 3 * l);
        }
        return out;
    }

    /**
     * The dihedral of four points stored at offsets {@code p0..p3} of {@code xyz} (each x, y, z),
     * radians on (-pi, pi]; NaN when three of the points are collinear.
     */
    public static double angle(double[] xyz, int p0, int p1, int p2, int p3) {
        double b0x = xyz[p0] - xyz[p1], b0y = xyz[p0 + 1] - xyz[p1 + 1], b0z = xyz[p0 + 2] - xyz[p1 + 2];
        double b1x = xyz[p2] - xyz[p1], b1y = xyz[p2 + 1] - xyz[p1 + 1], b1z = xyz[p2 + 2] - xyz[p1 + 2];
        double b2x = xyz[p3] - xyz[p2], b2y = xyz[p3 + 1] - xyz[p2 + 1], b2z = xyz[p3 + 2] - xyz[p2 + 2];
        double norm = Math.sqrt(b1x * b1x + b1y * b1y + b1z * b1z);
        b1x /= norm;
        b1y /= norm;
        b1z /= norm;
        double d0 = b0x * b1x + b0y * b1y + b0z * b1z;
        double vx = b0x - d0 * b1x, vy = b0y - d0 * b1y, vz = b0z - d0 * b1z;
        double d2 = b2x * b1x + b2y * b1y + b2z * b1z;
        double wx = b2x - d2 * b1x, wy = b2y - d2 * b1y, wz = b2z - d2 * b1z;
        double x = vx * wx + vy * wy + vz * wz;
        double cx = b1y * vz - b1z * vy, cy = b1z * vx - b1x * vz, cz = b1x * vy - b1y * vx;
        double y = cx * wx + cy * wy + cz * wz;
        if (x == 0 && y == 0) {
            return Double.NaN; // collinear points: no plane, no angle
        }
        double a = Math.atan2(y, x);
        return a <= -Math.PI ? a + 2 * Math.PI : a;
    }
}
