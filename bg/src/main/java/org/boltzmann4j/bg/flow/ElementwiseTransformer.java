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
         * After an evaluation or inversion with raw[off .. off + count), writes into state[soff ..
         * soff + count) what {@link #restore} needs to evaluate again at any u without the raw
         * parameters, so that a backward pass need not keep them; by default the raw parameters
         * themselves.
         */
        void save(double[] raw, int off, int count, double[] state, int soff) {
            System.arraycopy(raw, off, state, soff, count);
        }

        /**
         * The same as {@link #evaluate}(raw, off, u), bit for bit, from the state {@link #save}
         * wrote; {@link #accumulate} then adds to the gradient with the raw parameters' layout.
         */
        void restore(double[] state, int soff, double u) {
            evaluate(state, soff, u);
        }

        /**
         * At the point last evaluated (or inverted), adds c_f * df/dtheta + c_l * d(log f')/dtheta to
         * grad[goff .. goff + parameterCount).
         */
        abstract void accumulate(double cF, double cL, double[] grad, int goff);
    }

    /**
     * log(1 + e^x) without overflow, as max(x, 0) + log1p(e) with e = e^-|x| in (0, 1]. Math.log1p
     * is a slow software routine, so log(1 + e) (an intrinsic) is used where its rounding error,
     * below 1.2e-16 absolute, is below 1e-12 of the result, and the series e - e^2/2 + e^3/3 (error
     * below e^4/4 < 3e-17) for e < 1e-4.
     */
    static double softplus(double x) {
        double e = Math.exp(-Math.abs(x));
        double l = e < 1e-4 ? e * (1 - e * (0.5 - e / 3)) : Math.log(1 + e);
        return Math.max(x, 0) + l;
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
