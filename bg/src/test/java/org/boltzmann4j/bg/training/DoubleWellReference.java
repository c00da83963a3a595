package org.boltzmann4j.bg.training;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact properties of the Boltzmann density of a {@link DoubleWell2D} at kT, by quadrature.
 *
 * <p>exp(-U/kT) factorises into p1(x1) ~ exp(-(a x1^4 - b x1^2 + c x1)/kT) and x2 ~ N(0, kT/d),
 * so everything reduces to one-dimensional integrals of p1 on [-L, L], done with the composite
 * Simpson rule on {@value #INTERVALS} intervals. For the paper's well at kT = 1, L = 4 (U1 = 156
 * at |x1| = 4, so the mass outside is below e^-160) and h = 4e-5, Simpson's error h^4 |f''''| is
 * ~1e-15 relative: the quadrature is exact for every purpose here.
 */
public final class DoubleWellReference {

    static final int INTERVALS = 200_000;

    private final DoubleWell2D well;
    private final double kT;
    private final double lo;
    private final double h;
    private final double shift; // min of U1, subtracted before exponentiating
    private final double[] cdf; // normalised cumulative distribution of x1 at the grid points
    private final double logZ1;
    private final double meanU1;
    private final double barrier;

    public DoubleWellReference(DoubleWell2D well, double kT, double bound) {
        this.well = well;
        this.kT = kT;
        this.lo = -bound;
        this.h = 2 * bound / INTERVALS;
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= INTERVALS; i++) {
            min = Math.min(min, u1(lo + i * h));
        }
        this.shift = min;
        double[] f = new double[INTERVALS + 1];
        for (int i = 0; i <= INTERVALS; i++) {
            f[i] = Math.exp(-(u1(lo + i * h) - shift) / kT);
        }
        double z = 0;
        double zu = 0;
        for (int i = 0; i <= INTERVALS; i++) {
            double w = (i == 0 || i == INTERVALS) ? 1 : (i % 2 == 1 ? 4 : 2);
            z += w * f[i];
            zu += w * f[i] * u1(lo + i * h);
        }
        z *= h / 3;
        zu *= h / 3;
        this.logZ1 = Math.log(z) - shift / kT;
        this.meanU1 = zu / z;
        // cumulative trapezoid on the same grid, for inverse-CDF sampling
        this.cdf = new double[INTERVALS + 1];
        for (int i = 1; i <= INTERVALS; i++) {
            cdf[i] = cdf[i - 1] + 0.5 * h * (f[i - 1] + f[i]);
        }
        double total = cdf[INTERVALS];
        for (int i = 0; i <= INTERVALS; i++) {
            cdf[i] /= total;
        }
        this.barrier = barrierTop();
    }

    /** The paper's well at kT = 1 on [-4, 4]. */
    public static DoubleWellReference noe2019() {
        return new DoubleWellReference(DoubleWell2D.noe2019(), 1.0, 4.0);
    }

    private double u1(double x) {
        return well.a() * x * x * x * x - well.b() * x * x + well.c() * x;
    }

    /** The local maximum of U1 between the wells: the root of 4a x^3 - 2b x + c near 0 (bisection). */
    private double barrierTop() {
        double l = -0.5 * Math.sqrt(well.b() / (2 * well.a()));
        double r = 0.5 * Math.sqrt(well.b() / (2 * well.a()));
        for (int i = 0; i < 200; i++) {
            double m = 0.5 * (l + r);
            double g = 4 * well.a() * m * m * m - 2 * well.b() * m + well.c();
            // U1 climbs (U1' > 0) left of the top and falls right of it
            if (g > 0) {
                l = m;
            } else {
                r = m;
            }
        }
        return 0.5 * (l + r);
    }

    /** x1 of the barrier top, the boundary between the two modes. */
    public double barrier() {
        return barrier;
    }

    /** log of the partition function of the whole 2D density. */
    public double logZ() {
        return logZ1 + 0.5 * Math.log(2 * Math.PI * kT / well.d());
    }

    /** The exact probability of the right mode, x1 &gt; barrier. */
    public double rightModeProbability() {
        double t = (barrier - lo) / h;
        int i = (int) t;
        return 1 - (cdf[i] + (t - i) * (cdf[i + 1] - cdf[i]));
    }

    /** The entropy -E_p[log p] = log Z + E_p[U]/kT in nats: the minimum of the expected NLL. */
    public double entropy() {
        return logZ1 + meanU1 / kT + 0.5 * Math.log(2 * Math.PI * Math.E * kT / well.d());
    }

    /** log p(x) of the normalised Boltzmann density, per row of a float64 (n, 2) matrix. */
    public double[] logDensity(INDArray x) {
        double[] a = x.dup('c').data().asDouble();
        double[] out = new double[a.length / 2];
        double logZ = logZ();
        for (int r = 0; r < out.length; r++) {
            out[r] = -well.energy(a[2 * r], a[2 * r + 1]) / kT - logZ;
        }
        return out;
    }

    /**
     * n exact samples: x1 by inverting the grid CDF (linear within a cell, so a uniform density
     * inside each 4e-5 wide cell, a negligible approximation), x2 from N(0, kT/d).
     */
    public INDArray sample(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[2 * n];
        double sigma2 = Math.sqrt(kT / well.d());
        for (int r = 0; r < n; r++) {
            double u = rng.nextDouble();
            int i = java.util.Arrays.binarySearch(cdf, u);
            if (i < 0) {
                i = -i - 2;
            }
            i = Math.max(0, Math.min(INTERVALS - 1, i));
            double frac = (u - cdf[i]) / Math.max(1e-300, cdf[i + 1] - cdf[i]);
            a[2 * r] = lo + (i + Math.min(1, Math.max(0, frac))) * h;
            a[2 * r + 1] = sigma2 * rng.nextGaussian();
        }
        return Nd4j.create(a, new long[] {n, 2}, DataType.DOUBLE);
    }
}
