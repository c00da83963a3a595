package org.boltzmann4j.bg.peptide;

import org.boltzmann4j.bg.coordinates.DihedralAngle;

/**
 * Places one atom from three others by bond length, angle and dihedral (the NeRF construction of
 * Parsons et al., J. Comput. Chem. 26, 1063 (2005)). coordinates/Nerf does the same for batches
 * of whole molecules along a fixed Z-matrix with Jacobians; it is package-private and its rows must
 * be proper torsions in one atom order, while residue templates place atoms one at a time, with
 * improper references and atoms of the previous residue, so this small function is its own.
 */
final class Placement {

    private Placement() {}

    /**
     * The position d with |d - c| = bond, angle(b, c, d) = angle and dihedral(a, b, c, d) =
     * torsion (radians), written into xyz at atom {@code d}.
     */
    static void place(double[] xyz, int a, int b, int c, int d, double bond, double angle, double torsion) {
        double bcx = xyz[3 * c] - xyz[3 * b];
        double bcy = xyz[3 * c + 1] - xyz[3 * b + 1];
        double bcz = xyz[3 * c + 2] - xyz[3 * b + 2];
        double l = Math.sqrt(bcx * bcx + bcy * bcy + bcz * bcz);
        bcx /= l; bcy /= l; bcz /= l;
        double abx = xyz[3 * b] - xyz[3 * a];
        double aby = xyz[3 * b + 1] - xyz[3 * a + 1];
        double abz = xyz[3 * b + 2] - xyz[3 * a + 2];
        // n = ab x bc, normal of the plane a-b-c
        double nx = aby * bcz - abz * bcy;
        double ny = abz * bcx - abx * bcz;
        double nz = abx * bcy - aby * bcx;
        double ln = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (ln < 1e-12) {
            // a, b, c collinear: any plane through b-c will do
            double px = Math.abs(bcx) < 0.9 ? 1 : 0;
            double py = Math.abs(bcx) < 0.9 ? 0 : 1;
            nx = py * bcz; ny = -px * bcz; nz = px * bcy - py * bcx;
            ln = Math.sqrt(nx * nx + ny * ny + nz * nz);
        }
        nx /= ln; ny /= ln; nz /= ln;
        // m = n x bc
        double mx = ny * bcz - nz * bcy;
        double my = nz * bcx - nx * bcz;
        double mz = nx * bcy - ny * bcx;
        double d2x = -bond * Math.cos(angle);
        double d2y = bond * Math.sin(angle) * Math.cos(torsion);
        double d2z = bond * Math.sin(angle) * Math.sin(torsion);
        xyz[3 * d] = xyz[3 * c] + d2x * bcx + d2y * mx + d2z * nx;
        xyz[3 * d + 1] = xyz[3 * c + 1] + d2x * bcy + d2y * my + d2z * ny;
        xyz[3 * d + 2] = xyz[3 * c + 2] + d2x * bcz + d2y * mz + d2z * nz;
    }

    static double distance(double[] xyz, int i, int j) {
        double dx = xyz[3 * i] - xyz[3 * j];
        double dy = xyz[3 * i + 1] - xyz[3 * j + 1];
        double dz = xyz[3 * i + 2] - xyz[3 * j + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Angle i-j-k, radians. */
    static double angle(double[] xyz, int i, int j, int k) {
        double ax = xyz[3 * i] - xyz[3 * j], ay = xyz[3 * i + 1] - xyz[3 * j + 1], az = xyz[3 * i + 2] - xyz[3 * j + 2];
        double bx = xyz[3 * k] - xyz[3 * j], by = xyz[3 * k + 1] - xyz[3 * j + 1], bz = xyz[3 * k + 2] - xyz[3 * j + 2];
        double dot = ax * bx + ay * by + az * bz;
        double cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
        return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), dot);
    }

    /** Dihedral i-j-k-l of atoms (not offsets), radians in (-pi, pi]: the project's one formula. */
    static double dihedral(double[] xyz, int i, int j, int k, int l) {
        return DihedralAngle.of(xyz, 3 * i, 3 * j, 3 * k, 3 * l);
    }

    /** ((a - x) x (b - x)) . (c - x): positive when a, b, c turn counter-clockwise seen from outside. */
    static double tripleProduct(double[] xyz, int x, int a, int b, int c) {
        double ax = xyz[3 * a] - xyz[3 * x], ay = xyz[3 * a + 1] - xyz[3 * x + 1], az = xyz[3 * a + 2] - xyz[3 * x + 2];
        double bx = xyz[3 * b] - xyz[3 * x], by = xyz[3 * b + 1] - xyz[3 * x + 1], bz = xyz[3 * b + 2] - xyz[3 * x + 2];
        double cx = xyz[3 * c] - xyz[3 * x], cy = xyz[3 * c + 1] - xyz[3 * x + 1], cz = xyz[3 * c + 2] - xyz[3 * x + 2];
        return (ay * bz - az * by) * cx + (az * bx - ax * bz) * cy + (ax * by - ay * bx) * cz;
    }
}
