package org.boltzmann4j.bg.flow;

import java.util.Objects;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trainable array and the gradient of the loss with respect to it.
 *
 * <p>The owner of a parameter (a transform or a conditioner) reads {@link #value()} on every call,
 * so an optimizer updates a model by changing the value array in place. Backward passes add into
 * {@link #grad()}; the caller zeroes it between steps ({@link #zeroGrad()} or
 * {@link Transform#zeroGrad()}). Value and gradient have the same shape and data type.
 */
public final class Parameter {

    private final String name;
    private final INDArray value;
    private final INDArray grad;

    /**
     * @param value a dense float64 or float32 array ({@link Batches#dense}): kernels and the
     *     optimizer update it in place through its memory
     */
    public Parameter(String name, INDArray value) {
        this.name = Objects.requireNonNull(name, "name");
        this.value = Objects.requireNonNull(value, "value");
        Batches.requireType(value.dataType());
        if (!Batches.dense(value)) {
            throw new IllegalArgumentException("parameter " + name + " must be a dense row-major array, not a view: "
                    + value.shapeInfoToString());
        }
        this.grad = Nd4j.zeros(value.dataType(), value.shape());
    }

    /** A short name unique within its owner, such as {@code "mlp.layer1.weight"}. */
    public String name() {
        return name;
    }

    public INDArray value() {
        return value;
    }

    public INDArray grad() {
        return grad;
    }

    public void zeroGrad() {
        grad.assign(0);
    }

    public long size() {
        return value.length();
    }

    @Override
    public String toString() {
        return name + java.util.Arrays.toString(value.shape()) + " " + value.dataType();
    }
}
