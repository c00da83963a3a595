package org.boltzmann4j.bg.io;

/**
 * A periodic box as crystallographers give it: edge lengths a, b, c in nm and the angles
 * alpha (between b and c), beta (a, c), gamma (a, b) in degrees. PDB's CRYST1 record and the
 * DCD unit cell record both store this form.
 */
public record UnitCell(double a, double b, double c, double alpha, double beta, double gamma) {

    public UnitCell {
        if (!(a > 0 && b > 0 && c > 0)) {
            throw new IllegalArgumentException("unit cell edges must be positive: " + a + ", " + b + ", " + c);
        }
        if (!(alpha > 0 && alpha < 180 && beta > 0 && beta < 180 && gamma > 0 && gamma < 180)) {
            throw new IllegalArgumentException("unit cell angles must lie in (0, 180) degrees: "
                    + alpha + ", " + beta + ", " + gamma);
        }
    }

    /** A rectangular box. */
    public static UnitCell rectangular(double a, double b, double c) {
        return new UnitCell(a, b, c, 90, 90, 90);
    }

    /**
     * The box from its three edge vectors (nm), given as (ax, ay, az, bx, by, bz, cx, cy, cz), as
     * OpenMM's periodic box vectors are.
     */
    public static UnitCell fromVectors(double[] v) {
        if (v.length != 9) {
            throw new IllegalArgumentException("box vectors need 9 numbers, got " + v.length);
        }
        double a = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        double b = Math.sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]);
        double c = Math.sqrt(v[6] * v[6] + v[7] * v[7] + v[8] * v[8]);
        double alpha = angle(v[3], v[4], v[5], v[6], v[7], v[8], b, c);
        double beta = angle(v[0], v[1], v[2], v[6], v[7], v[8], a, c);
        double gamma = angle(v[0], v[1], v[2], v[3], v[4], v[5], a, b);
        return new UnitCell(a, b, c, alpha, beta, gamma);
    }

    private static double angle(double x1, double y1, double z1, double x2, double y2, double z2,
                                double n1, double n2) {
        double cos = (x1 * x2 + y1 * y2 + z1 * z2) / (n1 * n2);
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
    }

    /**
     * The edge vectors (nm) in OpenMM's reduced form: a along x, b in the xy plane, c with a
     * positive z; (ax, ay, az, bx, by, bz, cx, cy, cz).
     */
    public double[] vectors() {
        double cosAlpha = cosDegrees(alpha);
        double cosBeta = cosDegrees(beta);
        double cosGamma = cosDegrees(gamma);
        double sinGamma = Math.sin(Math.toRadians(gamma));
        double cy = (cosAlpha - cosBeta * cosGamma) / sinGamma;
        double cz = Math.sqrt(Math.max(0, 1 - cosBeta * cosBeta - cy * cy));
        return new double[] {
            a, 0, 0,
            b * cosGamma, b * sinGamma, 0,
            c * cosBeta, c * cy, c * cz
        };
    }

    /** Whether all three angles are right angles. */
    public boolean isRectangular() {
        return alpha == 90 && beta == 90 && gamma == 90;
    }

    // cos(toRadians(90)) is 6e-17, which would tilt a rectangular box by a hair.
    static double cosDegrees(double degrees) {
        return degrees == 90 ? 0 : Math.cos(Math.toRadians(degrees));
    }
}
