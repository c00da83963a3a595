package org.boltzmann4j.bg.flow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An invertible map between latent points z and configurations x, applied to a batch, with the
 * log-determinant of its Jacobian and hand-written backward passes in both directions.
 *
 * <p>Shapes and types: latent points are matrices (n, {@link #dimension()}) and data points
 * (n, {@link #outputDimension()}), of {@link #dataType()}
 * (float64 unless the transform was built for float32); an input of another shape or type is
 * rejected, never silently converted. Outputs have the input's shape and type. Log-determinants
 * are always float64 vectors of length n, because they become log-densities and importance
 * weights.
 *
 * <p>{@code logDet} is log|det d(output)/d(input)| of the direction called, so the forward and
 * inverse log-determinants of matching points sum to zero. Maximum likelihood on data x trains
 * through {@link #inversePass}; reverse KL (training by energy) trains through {@link
 * #forwardPass}.
 */
public interface Transform {

    /** Size of the latent side: the input of forward, the output of inverse. */
    int dimension();

    /**
     * Size of the data side: the output of forward, the input of inverse. Equal to
     * {@link #dimension()} for bijections of R^d; larger for the last map of a molecular flow,
     * internal coordinates without the rigid body (3N-6) to Cartesian coordinates (3N), whose
     * log-det is that of the 3N-6 map onto the free Cartesian coordinates of a canonical frame.
     */
    default int outputDimension() {
        return dimension();
    }

    DataType dataType();

    /** The trainable parameters, in a stable order (empty for fixed transforms). */
    List<Parameter> parameters();

    /** z -> x, keeping what {@link Pass#backward} needs. */
    Pass forwardPass(INDArray z);

    /** x -> z, keeping what {@link Pass#backward} needs. */
    Pass inversePass(INDArray x);

    /** z -> (x, log|det dx/dz|). */
    default Result forward(INDArray z) {
        Pass p = forwardPass(z);
        p.release();
        return p.result();
    }

    /** x -> (z, log|det dz/dx|). */
    default Result inverse(INDArray x) {
        Pass p = inversePass(x);
        p.release();
        return p.result();
    }

    /** Parameters by name; a {@link Flow} prefixes the names with the index of each member. */
    default Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (Parameter p : parameters()) {
            if (named.putIfAbsent(p.name(), p) != null) {
                throw new IllegalStateException("two parameters named " + p.name());
            }
        }
        return named;
    }

    default void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Output (n, dimension) and float64 log-determinant (n) of one direction. */
    record Result(INDArray output, INDArray logDet) {}

    /**
     * One evaluation of a transform in one direction, holding the intermediate values its
     * backward pass needs. A pass may be differentiated several times; every call adds to the
     * parameter gradients, so two backward calls on passes of the same transform must not run
     * concurrently.
     */
    interface Pass {

        INDArray output();

        /** float64 (n). */
        INDArray logDet();

        /**
         * Given dL/d(output) and dL/d(logDet) of a scalar loss L, adds dL/dθ to the gradient of
         * every parameter θ and returns dL/d(input).
         *
         * @param gradOutput (n, dimension), float64 or the transform's data type, or null for zero
         * @param gradLogDet float64 (n), or null for zero
         * @return dL/d(input), (n, dimension) in the transform's data type
         */
        INDArray backward(INDArray gradOutput, INDArray gradLogDet);

        default Result result() {
            return new Result(output(), logDet());
        }

        /**
         * Frees, at once, the intermediate values this pass keeps for {@link #backward} (native
         * memory), when no more backward calls will be made; output and logDet stay valid, and
         * backward is then an error. Without it they are freed when the collector finds the pass,
         * which may be late: a training step makes few Java objects, so collections are rare.
         */
        default void release() {}

        /** A pass made of its output, its log-det and the function computing its backward. */
        static Pass of(INDArray output, INDArray logDet, Backward backward) {
            return new Computed(output, logDet, backward);
        }

        /** {@link #backward} as a function, for {@link #of}. */
        @FunctionalInterface
        interface Backward {
            INDArray apply(INDArray gradOutput, INDArray gradLogDet);
        }

        /** The pass {@link #of} returns. */
        record Computed(INDArray output, INDArray logDet, Backward gradient) implements Pass {
            @Override
            public INDArray backward(INDArray gradOutput, INDArray gradLogDet) {
                return gradient.apply(gradOutput, gradLogDet);
            }
        }
    }
}
