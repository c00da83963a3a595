package org.boltzmann4j.bg.coordinates;

/**
 * The dihedral (torsion) angle of four points, the one formula the Z-matrix ({@link InternalCoordinates})
 * and the analyses (phi and psi of a residue) share.
 *
 * <p>IUPAC sign: looking along j-&gt;k, the rotation that brings the projection of i onto that of
 * l, positive clockwise, in radians on (-pi, pi]. With b0 = x_i - x_j, b1 = unit(x_k - x_j),
 * b2 = x_l - x_k and v, w the parts of b0 and b2 normal to b1, the angle is
 * atan2((b1 x v) . w, v . w): no acos, so full precision near 0 and pi (the same formula as
 * mdtraj's and scripts/peptide_geometry.py's).
 */
public final class DihedralAngle {
    private DihedralAngle() {}

    /**
     * The dihedral of four points stored at offsets {@code p0..p3} of {@code xyz} (each x, y, z),
     * radians on (-pi, pi]; NaN when three of the points are collinear (no plane, no angle) or a
     * coordinate is not finite.
     */
    public static double of(double[] xyz, int p0, int p1, int p2, int p3) {
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
            return Double.NaN; // collinear points
        }
        double a = Math.atan2(y, x);
        return a <= -Math.PI ? a + 2 * Math.PI : a;
    }
}
