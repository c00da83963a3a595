package org.boltzmann4j.bg.flow;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Affine coupling (RealNVP, Dinh et al. 2017): y_t = u_t * sigma(a_t) + shift_t on the transformed
 * dimensions, with (a, shift) from an {@link Mlp} of the conditioning dimensions. The last layer of
 * the conditioner starts at zero, so a new coupling is the identity. Circular dimensions may
 * condition; a circular dimension is transformed only when {@link Builder#circularBins} is set,
 * by a circular rational-quadratic spline (an affine map is no bijection of the circle, and a
 * rotation alone could not reshape a torsion's density).
 *
 * <pre>
 *   RealNvpCoupling c = RealNvpCoupling.builder(CouplingMask.alternating(circular, 0), 42)
 *           .hidden(64, 64).scale(RealNvpCoupling.Scale.TANH).build();
 * </pre>
 */
public final class RealNvpCoupling extends Coupling {

    /** How the raw conditioner output a becomes the scale sigma > 0 (sigma = 1 at a = 0). */
    public enum Scale {
        /** log sigma = bound * tanh(a / bound): the log-scale stays within +-bound. */
        TANH,
        /** sigma = 1e-3 + softplus(a + a0): unbounded above, floored below. */
        SOFTPLUS
    }

    private RealNvpCoupling(Builder b) {
        super(b.mask, transformers(b), b.hidden, b.activation, b.seed, b.type);
    }

    private static ElementwiseTransformer[] transformers(Builder b) {
        int[] trans = b.mask.transformedDims();
        ElementwiseTransformer[] ts = new ElementwiseTransformer[trans.length];
        AffineTransformer affine = new AffineTransformer(b.scale, b.scaleBound, 1e-3);
        RationalQuadraticSpline circle = b.circularBins > 0 ? RationalQuadraticSpline.circle(b.circularBins) : null;
        for (int j = 0; j < trans.length; j++) {
            if (b.mask.isCircular(trans[j]) && circle == null) {
                throw new IllegalArgumentException("RealNvpCoupling cannot transform circular dimension " + trans[j]
                        + " without circularBins; or use RationalQuadraticSplineCoupling");
            }
            ts[j] = b.mask.isCircular(trans[j]) ? circle : affine;
        }
        return ts;
    }

    /** A builder with the conditioner's initialisation seed. */
    public static Builder builder(CouplingMask mask, long seed) {
        return new Builder(mask, seed);
    }

    public static final class Builder {
        private final CouplingMask mask;
        private final long seed;
        private int[] hidden = {64, 64};
        private Mlp.Activation activation = Mlp.Activation.SILU;
        private DataType type = DataType.DOUBLE;
        private Scale scale = Scale.TANH;
        private double scaleBound = 2.0;
        private int circularBins;

        private Builder(CouplingMask mask, long seed) {
            this.mask = mask;
            this.seed = seed;
        }

        /** Hidden layer widths of the conditioner (default 64, 64). */
        public Builder hidden(int... widths) {
            this.hidden = widths.clone();
            return this;
        }

        /** Default SiLU. */
        public Builder activation(Mlp.Activation activation) {
            this.activation = activation;
            return this;
        }

        /** DOUBLE (default) or FLOAT for inputs, outputs and parameters. */
        public Builder dataType(DataType type) {
            this.type = type;
            return this;
        }

        /** Default TANH. */
        public Builder scale(Scale scale) {
            this.scale = scale;
            return this;
        }

        /** The bound on |log sigma| for {@link Scale#TANH} (default 2). */
        public Builder scaleBound(double bound) {
            if (!(bound > 0)) {
                throw new IllegalArgumentException("scale bound must be positive: " + bound);
            }
            this.scaleBound = bound;
            return this;
        }

        /**
         * Bins of the circular spline that transforms circular dimensions (default 0: a circular
         * transformed dimension is refused).
         */
        public Builder circularBins(int bins) {
            if (bins < 0) {
                throw new IllegalArgumentException("circular bins must be >= 0: " + bins);
            }
            this.circularBins = bins;
            return this;
        }

        public RealNvpCoupling build() {
            return new RealNvpCoupling(this);
        }
    }
}
