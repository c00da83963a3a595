package org.boltzmann4j.bg.flow;

/**
 * The monotone rational-quadratic spline of Durkan et al. 2019 ("Neural Spline Flows"), on an
 * interval [-B, B] with identity (slope 1) tails outside, or on the circle [-pi, pi) as in
 * Rezende et al. 2020 ("Normalizing flows on tori and spheres").
 *
 * <p>K bins with widths and heights softmax(raw) scaled to the span, each at least a minimum
 * fraction of it, and positive knot derivatives minD + softplus(raw + a0). Interval: K - 1
 * interior derivatives; the boundary derivatives are 1 so that the tails join with a continuous
 * slope; 3K - 1 raw parameters. Circle: knots from -pi to pi, which f keeps fixed, and K
 * derivatives with the one at pi equal to the one at -pi, so that f is a diffeomorphism of the
 * circle; 3K raw parameters. Raw parameters of zero give equal bins and unit derivatives, the
 * identity.
 *
 * <p>In bin k with knots (x_k, y_k), width w, height h, s = h / w, derivatives d_k, d_k+1 and
 * xi = (u - x_k) / w in [0, 1] (Durkan et al., eqs. 4 and 5):
 * <pre>
 *   f  = y_k + h (s xi^2 + d_k xi(1-xi)) / D,       D = s + (d_k+1 + d_k - 2s) xi(1-xi)
 *   f' = s^2 (d_k+1 xi^2 + 2 s xi(1-xi) + d_k (1-xi)^2) / D^2
 * </pre>
 * The inverse solves the quadratic a xi^2 + b xi + c = 0 for xi in bin k of the y knots, with
 * a = h (s - d_k) + (y - y_k) delta, b = h d_k - (y - y_k) delta, c = -s (y - y_k), delta =
 * d_k+1 + d_k - 2s, taking the root 2c / (-b - sqrt(b^2 - 4ac)), which is free of cancellation.
 * The backward pass is the hand-derived reverse-mode derivative of these formulas through the
 * cumulative knots and the softmax.
 */
final class RationalQuadraticSpline extends ElementwiseTransformer {

    static final double DEFAULT_MIN_WIDTH = 1e-3;
    static final double DEFAULT_MIN_HEIGHT = 1e-3;
    static final double DEFAULT_MIN_DERIVATIVE = 1e-3;

    private final int bins;
    private final boolean circular;
    private final double lo;
    private final double hi;
    private final double span;
    private final double minWidth;
    private final double minHeight;
    private final double minDerivative;
    private final double derivativeShift;

    /** An interval spline on [-bound, bound] with identity tails. */
    static RationalQuadraticSpline interval(int bins, double bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("spline bound must be positive: " + bound);
        }
        return new RationalQuadraticSpline(bins, false, -bound, bound);
    }

    /** A circular spline on [-pi, pi). */
    static RationalQuadraticSpline circle(int bins) {
        return new RationalQuadraticSpline(bins, true, -Math.PI, Math.PI);
    }

    private RationalQuadraticSpline(int bins, boolean circular, double lo, double hi) {
        if (bins < 1 || (!circular && bins < 2)) {
            throw new IllegalArgumentException("too few spline bins: " + bins);
        }
        this.bins = bins;
        this.circular = circular;
        this.lo = lo;
        this.hi = hi;
        this.span = hi - lo;
        this.minWidth = DEFAULT_MIN_WIDTH;
        this.minHeight = DEFAULT_MIN_HEIGHT;
        this.minDerivative = DEFAULT_MIN_DERIVATIVE;
        if (minWidth * bins >= 1 || minHeight * bins >= 1) {
            throw new IllegalArgumentException("too many bins for the minimum bin size: " + bins);
        }
        this.derivativeShift = unitSoftplusShift(minDerivative);
    }

    @Override
    int parameterCount() {
        return circular ? 3 * bins : 3 * bins - 1;
    }

    @Override
    boolean circular() {
        return circular;
    }

    @Override
    Kernel kernel() {
        return new SplineKernel();
    }

    private final class SplineKernel extends Kernel {
        private final double[] xs = new double[bins + 1];
        private final double[] ys = new double[bins + 1];
        private final double[] pw = new double[bins];
        private final double[] ph = new double[bins];
        private final double[] gx = new double[bins];
        private final double[] gy = new double[bins];
        private double[] raw;
        private int off;
        private boolean inside;
        private int k;
        private double xi;
        // intermediates of the bin formulas, for accumulate()
        private double w;
        private double h;
        private double s;
        private double q;
        private double den;
        private double num;
        private double m;
        private double delta;
        private double dk;
        private double dk1;

        @Override
        void evaluate(double[] raw, int off, double u) {
            if (circular) {
                u = CircularShift.wrap(u);
            } else if (u < lo || u > hi) {
                tail(u);
                return;
            }
            knots(raw, off);
            locate(u);
        }

        /** The bin of u and the bin formulas there, once the knots are known. */
        private void locate(double u) {
            k = bin(xs, u);
            w = xs[k + 1] - xs[k];
            dk = knotDerivative(k);
            dk1 = knotDerivative(k + 1);
            local(Math.min(1.0, Math.max(0.0, (u - xs[k]) / w)));
        }

        @Override
        double invert(double[] raw, int off, double y) {
            if (circular) {
                y = CircularShift.wrap(y);
            } else if (y < lo || y > hi) {
                tail(y);
                return y;
            }
            knots(raw, off);
            k = bin(ys, y);
            w = xs[k + 1] - xs[k];
            double hk = ys[k + 1] - ys[k];
            double sk = hk / w;
            dk = knotDerivative(k);
            dk1 = knotDerivative(k + 1);
            double dy = y - ys[k];
            double dl = dk1 + dk - 2 * sk;
            double a = hk * (sk - dk) + dy * dl;
            double b = hk * dk - dy * dl;
            double c = -sk * dy;
            double disc = Math.max(b * b - 4 * a * c, 0);
            double root = 2 * c / (-b - Math.sqrt(disc));
            local(Math.min(1.0, Math.max(0.0, root)));
            double u = xs[k] + xi * w;
            if (circular && u >= hi) {
                u -= span;
            }
            return u;
        }

        /**
         * The state has the raw layout with the bin fractions of widths and heights (the softmax,
         * 2K exponentials per evaluation) in place of their logits, and the raw knot derivatives.
         */
        @Override
        void save(double[] raw, int off, int count, double[] state, int soff) {
            System.arraycopy(pw, 0, state, soff, bins);
            System.arraycopy(ph, 0, state, soff + bins, bins);
            System.arraycopy(raw, off + 2 * bins, state, soff + 2 * bins, count - 2 * bins);
        }

        @Override
        void restore(double[] state, int soff, double u) {
            if (circular) {
                u = CircularShift.wrap(u);
            } else if (u < lo || u > hi) {
                tail(u);
                return;
            }
            // knot derivatives and their gradient indices read the state as they read raw
            this.raw = state;
            this.off = soff;
            inside = true;
            System.arraycopy(state, soff, pw, 0, bins);
            System.arraycopy(state, soff + bins, ph, 0, bins);
            knotsFrom(pw, xs, minWidth);
            knotsFrom(ph, ys, minHeight);
            locate(u);
        }

        private void tail(double u) {
            inside = false;
            value = u;
            derivative = 1;
            logDerivative = 0;
            dLogDerivative = 0;
        }

        private void knots(double[] raw, int off) {
            this.raw = raw;
            this.off = off;
            inside = true;
            cumulative(raw, off, pw, xs, minWidth);
            cumulative(raw, off + bins, ph, ys, minHeight);
        }

        /** Raw index of the derivative at knot i, or -1 for the fixed unit slopes at the ends of an interval. */
        private int derivativeIndex(int i) {
            if (circular) {
                return off + 2 * bins + (i == bins ? 0 : i);
            }
            return i == 0 || i == bins ? -1 : off + 2 * bins + i - 1;
        }

        /** Only the two derivatives of the current bin are needed, so only they are computed. */
        private double knotDerivative(int i) {
            int r = derivativeIndex(i);
            return r < 0 ? 1.0 : minDerivative + softplus(raw[r] + derivativeShift);
        }

        /** Knots lo + span * cumsum(min + (1 - K min) softmax(raw)), the last one exactly hi. */
        private void cumulative(double[] raw, int o, double[] p, double[] knots, double min) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < bins; i++) {
                max = Math.max(max, raw[o + i]);
            }
            double sum = 0;
            for (int i = 0; i < bins; i++) {
                p[i] = Math.exp(raw[o + i] - max);
                sum += p[i];
            }
            for (int i = 0; i < bins; i++) {
                p[i] /= sum;
            }
            knotsFrom(p, knots, min);
        }

        /** The knots from the bin fractions p (shared by evaluate and restore, so both give the same bits). */
        private void knotsFrom(double[] p, double[] knots, double min) {
            double scale = span * (1 - bins * min);
            knots[0] = lo;
            double acc = lo;
            for (int i = 0; i < bins; i++) {
                acc += span * min + scale * p[i];
                knots[i + 1] = acc;
            }
            knots[bins] = hi;
        }

        private int bin(double[] knots, double v) {
            int a = 0;
            int b = bins - 1;
            while (a < b) {
                int mid = (a + b + 1) >>> 1;
                if (knots[mid] <= v) {
                    a = mid;
                } else {
                    b = mid - 1;
                }
            }
            return a;
        }

        /** The bin formulas at (k, xi), with w already set. */
        private void local(double xi) {
            this.xi = xi;
            h = ys[k + 1] - ys[k];
            s = h / w;
            q = xi * (1 - xi);
            delta = dk1 + dk - 2 * s;
            den = s + delta * q;
            num = s * xi * xi + dk * q;
            double om = 1 - xi;
            m = dk1 * xi * xi + 2 * s * q + dk * om * om;
            double v = ys[k] + h * num / den;
            value = circular && v >= hi ? v - span : v;
            derivative = s * s * m / (den * den);
            logDerivative = Math.log(derivative);
            double mXi = 2 * dk1 * xi + 2 * s * (1 - 2 * xi) - 2 * dk * om;
            double denXi = delta * (1 - 2 * xi);
            dLogDerivative = (mXi / m - 2 * denXi / den) / w;
        }

        @Override
        void accumulate(double cF, double cL, double[] grad, int goff) {
            if (!inside) {
                return;
            }
            double om = 1 - xi;
            double hd = h / den;
            double hnd2 = h * num / (den * den);
            double numXi = 2 * s * xi + dk * (1 - 2 * xi);
            double denXi = delta * (1 - 2 * xi);
            double mXi = 2 * dk1 * xi + 2 * s * (1 - 2 * xi) - 2 * dk * om;
            double denS = 1 - 2 * q;
            // partial derivatives of (f, log f') with respect to xi, s, d_k, d_k+1
            double gXi = cF * (hd * numXi - hnd2 * denXi) + cL * (mXi / m - 2 * denXi / den);
            double gS = cF * (hd * xi * xi - hnd2 * denS) + cL * (2 / s + 2 * q / m - 2 * denS / den);
            double gDk = cF * (hd - hnd2) * q + cL * (om * om / m - 2 * q / den);
            double gDk1 = -cF * hnd2 * q + cL * (xi * xi / m - 2 * q / den);
            // xi = (u - x_k) / w and s = h / w
            double gH = cF * num / den + gS / w;
            double gW = -gXi * xi / w - gS * s / w;
            double gXk = -gXi / w;
            double gYk = cF;
            // knots: x_k carries gXk, w = x_k+1 - x_k; the same for y with h
            double gxk = gXk - gW;
            double gxk1 = gW;
            double gyk = gYk - gH;
            double gyk1 = gH;
            softmaxBackward(pw, gx, gxk, gxk1, minWidth, grad, goff);
            softmaxBackward(ph, gy, gyk, gyk1, minHeight, grad, goff + bins);
            // d = minD + softplus(raw + a0), d' = sigmoid(raw + a0); raw and grad share the layout
            int rk = derivativeIndex(k);
            int rk1 = derivativeIndex(k + 1);
            if (rk >= 0) {
                grad[goff - off + rk] += gDk * sigmoid(raw[rk] + derivativeShift);
            }
            if (rk1 >= 0) {
                grad[goff - off + rk1] += gDk1 * sigmoid(raw[rk1] + derivativeShift);
            }
        }

        /**
         * Knot j (1 <= j <= K-1) is lo + sum_{i<j} W_i with W = span (min + (1 - K min) p); knots 0
         * and K are constants. Only knots k and k+1 carry gradient.
         */
        private void softmaxBackward(double[] p, double[] gW, double gk, double gk1, double min,
                double[] grad, int goff) {
            double scale = span * (1 - bins * min);
            double dot = 0;
            for (int i = 0; i < bins; i++) {
                double g = 0;
                if (i < k && k >= 1) {
                    g += gk;
                }
                if (i < k + 1 && k + 1 <= bins - 1) {
                    g += gk1;
                }
                gW[i] = g * scale;
                dot += gW[i] * p[i];
            }
            // softmax: dp_i/da_j = p_i (delta_ij - p_j)
            for (int j = 0; j < bins; j++) {
                grad[goff + j] += p[j] * (gW[j] - dot);
            }
        }
    }
}
