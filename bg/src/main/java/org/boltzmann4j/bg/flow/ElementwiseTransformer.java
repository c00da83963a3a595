package org.boltzmann4j.bg.flow;

/**
 * A scalar monotone map y = f(u; theta) whose parameters theta come from a conditioner, the
 * "transformer" half of a coupling (a coupling = mask + conditioner + transformer, as in nflows).
 *
 * <p>Both directions of a coupling and both backward passes need only five local quantities at
 * the input-side point u: f, f' = df/du, log f', d(log f')/du, and the vector-Jacobian product
 * c_f * df/dtheta + c_l * d(log f')/dtheta. A {@link Kernel} computes them for one element at a
 * time in plain double arithmetic; the coupling loops over the batch.
 */
abstract class ElementwiseTransformer {

    /** Number of raw conditioner outputs per transformed dimension. */
    abstract int parameterCount();

    /** Whether the map acts on angles in [-pi, pi) (a diffeomorphism of the circle). */
    abstract boolean circular();

    /** Scratch state for one thread. */
    abstract Kernel kernel();

    abstract static class Kernel {
        /** f(u), for circular maps wrapped to [-pi, pi). */
        double value;
        /** f'(u) > 0. */
        double derivative;
        /** log f'(u), computed directly where that is more accurate than log(derivative). */
        double logDerivative;
        /** d log f'(u) / du. */
        double dLogDerivative;

        /** Evaluates f at u with parameters raw[off .. off + parameterCount). */
        abstract void evaluate(double[] raw, int off, double u);

        /** Returns u = f^-1(y) and leaves the kernel evaluated at u (value may differ from y by rounding). */
        abstract double invert(double[] raw, int off, double y);

        /**
         * At the point last evaluated (or inverted), adds c_f * df/dtheta + c_l * d(log f')/dtheta to
         * grad[goff .. goff + parameterCount).
         */
        abstract void accumulate(double cF, double cL, double[] grad, int goff);
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** The shift a0 with minimum + softplus(a0) = 1, so that a raw output of zero means slope 1. */
    static double unitSoftplusShift(double minimum) {
        return Math.log(Math.expm1(1 - minimum));
    }
}
