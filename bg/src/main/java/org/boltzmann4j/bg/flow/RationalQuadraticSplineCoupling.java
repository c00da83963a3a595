package org.boltzmann4j.bg.flow;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Neural spline coupling (Durkan et al. 2019): each transformed dimension goes through a monotone
 * rational-quadratic spline with K bins whose widths, heights and knot derivatives an {@link Mlp}
 * computes from the conditioning dimensions. Per dimension, by the mask's circular flags:
 * interval dimensions use a spline on [-bound, bound] with identity tails outside; circular
 * dimensions (angles in [-pi, pi), such as torsions) use a circular spline (Rezende et al. 2020)
 * whose outputs stay in [-pi, pi). Circular conditioning dimensions enter the conditioner as
 * (cos, sin). The conditioner's last layer starts at zero, so a new coupling is the identity.
 *
 * <pre>
 *   boolean[] circular = {false, false, true, true};     // e.g. two angles, two torsions
 *   RationalQuadraticSplineCoupling c = RationalQuadraticSplineCoupling
 *           .builder(CouplingMask.alternating(circular, 0), 42)
 *           .bins(8).bound(5.0).hidden(64, 64).build();
 * </pre>
 */
public final class RationalQuadraticSplineCoupling extends Coupling {

    private final int bins;
    private final double bound;

    private RationalQuadraticSplineCoupling(Builder b) {
        super(b.mask, transformers(b), b.hidden, b.activation, b.seed, b.type);
        this.bins = b.bins;
        this.bound = b.bound;
    }

    private static ElementwiseTransformer[] transformers(Builder b) {
        RationalQuadraticSpline interval = RationalQuadraticSpline.interval(b.bins, b.bound);
        RationalQuadraticSpline circle = RationalQuadraticSpline.circle(b.bins);
        int[] trans = b.mask.transformedDims();
        ElementwiseTransformer[] ts = new ElementwiseTransformer[trans.length];
        for (int j = 0; j < trans.length; j++) {
            ts[j] = b.mask.isCircular(trans[j]) ? circle : interval;
        }
        return ts;
    }

    public int bins() {
        return bins;
    }

    public double bound() {
        return bound;
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
        private int bins = 8;
        private double bound = 5.0;

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

        /** Number of bins K (default 8). */
        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        /** B of the interval [-B, B] of interval dimensions (default 5); identity outside. */
        public Builder bound(double bound) {
            this.bound = bound;
            return this;
        }

        public RationalQuadraticSplineCoupling build() {
            return new RationalQuadraticSplineCoupling(this);
        }
    }
}
