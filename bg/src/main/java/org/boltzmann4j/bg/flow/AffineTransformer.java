package org.boltzmann4j.bg.flow;

/**
 * The RealNVP transformer (Dinh et al. 2017) y = u * sigma(a) + t with raw parameters (a, t).
 * The scale is parametrised so that a = 0 is the identity: either log sigma = c tanh(a / c), which
 * bounds the log-scale by c and keeps early training stable, or sigma = m + softplus(a + a0), with
 * a0 chosen so that sigma(0) = 1 and m a small floor that keeps the map invertible.
 */
final class AffineTransformer extends ElementwiseTransformer {

    private final RealNvpCoupling.Scale scale;
    private final double bound;
    private final double minimum;
    private final double shift;

    AffineTransformer(RealNvpCoupling.Scale scale, double bound, double minimum) {
        this.scale = scale;
        this.bound = bound;
        this.minimum = minimum;
        this.shift = unitSoftplusShift(minimum);
    }

    @Override
    int parameterCount() {
        return 2;
    }

    @Override
    boolean circular() {
        return false;
    }

    @Override
    Kernel kernel() {
        return new Kernel() {
            private double u;
            private double dSigma; // d sigma / da
            private double dLogSigma; // d log sigma / da

            private void scale(double a) {
                if (scale == RealNvpCoupling.Scale.TANH) {
                    double th = Math.tanh(a / bound);
                    logDerivative = bound * th;
                    derivative = Math.exp(logDerivative);
                    dLogSigma = 1 - th * th;
                    dSigma = derivative * dLogSigma;
                } else {
                    derivative = minimum + softplus(a + shift);
                    logDerivative = Math.log(derivative);
                    dSigma = sigmoid(a + shift);
                    dLogSigma = dSigma / derivative;
                }
                dLogDerivative = 0;
            }

            @Override
            void evaluate(double[] raw, int off, double u) {
                scale(raw[off]);
                this.u = u;
                value = u * derivative + raw[off + 1];
            }

            @Override
            double invert(double[] raw, int off, double y) {
                scale(raw[off]);
                u = (y - raw[off + 1]) / derivative;
                value = y;
                return u;
            }

            @Override
            void accumulate(double cF, double cL, double[] grad, int goff) {
                grad[goff] += cF * u * dSigma + cL * dLogSigma;
                grad[goff + 1] += cF;
            }
        };
    }
}
