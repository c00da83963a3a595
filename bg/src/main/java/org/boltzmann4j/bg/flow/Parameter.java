package org.boltzmann4j.bg.flow;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

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

    public Parameter(String name, INDArray value) {
        this.name = Objects.requireNonNull(name, "name");
        this.value = Objects.requireNonNull(value, "value");
        this.grad = value.ulike().assign(0);
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
