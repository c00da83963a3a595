package org.boltzmann4j.bg.energy;

/**
 * The Müller-Brown potential (Müller and Brown 1979, Theor. Chim. Acta 53, 75), a sum of four
 * Gaussians with three minima and two saddles, the classic test of path and sampling methods:
 * <pre>
 *   U(x, y) = scale * sum_k A_k exp(a_k (x - x0_k)^2 + b_k (x - x0_k)(y - y0_k) + c_k (y - y0_k)^2)
 * </pre>
 * with A = (-200, -100, -170, 15), a = (-1, -1, -6.5, 0.7), b = (0, 0, 11, 0.6),
 * c = (-10, -10, -6.5, 0.7), x0 = (1, 0, -0.5, -1), y0 = (0, 0.5, 1.5, 1). The deepest minimum is
 * near (-0.558, 1.442) with U = -146.7 (scale 1). Sampling studies usually scale it down (0.1 is
 * common) so that the barriers are a few kT at kT = 1.
 */
public record MuellerBrown(double scale) implements AnalyticEnergy {

    private static final double[] A = {-200, -100, -170, 15};
    private static final double[] AX = {-1, -1, -6.5, 0.7};
    private static final double[] BXY = {0, 0, 11, 0.6};
    private static final double[] CY = {-10, -10, -6.5, 0.7};
    private static final double[] X0 = {1, 0, -0.5, -1};
    private static final double[] Y0 = {0, 0.5, 1.5, 1};

    /** The original potential (scale 1). */
    public static MuellerBrown original() {
        return new MuellerBrown(1);
    }

    @Override
    public int dimension() {
        return 2;
    }

    @Override
    public double energy(double[] p, int offset, double[] gradient) {
        double x = p[offset];
        double y = p[offset + 1];
        double u = 0;
        double gx = 0;
        double gy = 0;
        for (int k = 0; k < 4; k++) {
            double dx = x - X0[k];
            double dy = y - Y0[k];
            double term = A[k] * Math.exp(AX[k] * dx * dx + BXY[k] * dx * dy + CY[k] * dy * dy);
            u += term;
            gx += term * (2 * AX[k] * dx + BXY[k] * dy);
            gy += term * (BXY[k] * dx + 2 * CY[k] * dy);
        }
        if (gradient != null) {
            gradient[offset] = scale * gx;
            gradient[offset + 1] = scale * gy;
        }
        return scale * u;
    }
}
