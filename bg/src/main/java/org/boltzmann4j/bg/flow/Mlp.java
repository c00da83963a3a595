package org.boltzmann4j.bg.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A dense network, the conditioner of a coupling: h_l = act(h_{l-1} W_l + b_l) on the hidden
 * layers and a linear last layer, with its own backward pass. Weights W_l are (fan_in, fan_out)
 * so that a row batch is multiplied in one gemm.
 *
 * <p>Initialisation from a seed: He normal (std sqrt(2 / fan_in), He et al. 2015) for SiLU,
 * Xavier normal (std sqrt(2 / (fan_in + fan_out)), Glorot and Bengio 2010) for tanh, biases zero.
 * With {@code zeroLastLayer} the last layer starts at zero, so the network outputs zeros and every
 * coupling built on it starts as the identity. An input size of zero is allowed (the output is
 * then a function of the biases only, for couplings without conditioning dimensions).
 */
public final class Mlp {

    public enum Activation {
        /** x * sigmoid(x) (Swish), smooth, the usual choice for flows on molecules. */
        SILU,
        TANH
    }

    private final int[] sizes;
    private final Activation activation;
    private final DataType type;
    private final Parameter[] weights; // null where fan_in == 0
    private final Parameter[] biases;
    private final List<Parameter> parameters;

    public Mlp(int inputSize, int[] hiddenSizes, int outputSize, Activation activation, boolean zeroLastLayer,
            long seed, DataType type) {
        HostArrays.requireType(type);
        if (inputSize < 0 || outputSize <= 0) {
            throw new IllegalArgumentException("bad Mlp sizes " + inputSize + " -> " + outputSize);
        }
        this.sizes = new int[hiddenSizes.length + 2];
        sizes[0] = inputSize;
        for (int i = 0; i < hiddenSizes.length; i++) {
            if (hiddenSizes[i] <= 0) {
                throw new IllegalArgumentException("hidden width must be positive: " + hiddenSizes[i]);
            }
            sizes[i + 1] = hiddenSizes[i];
        }
        sizes[sizes.length - 1] = outputSize;
        this.activation = activation;
        this.type = type;
        int layers = sizes.length - 1;
        this.weights = new Parameter[layers];
        this.biases = new Parameter[layers];
        List<Parameter> all = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < layers; l++) {
            int fanIn = sizes[l];
            int fanOut = sizes[l + 1];
            boolean zero = zeroLastLayer && l == layers - 1;
            if (fanIn > 0) {
                double std = activation == Activation.SILU
                        ? Math.sqrt(2.0 / fanIn)
                        : Math.sqrt(2.0 / (fanIn + fanOut));
                double[] w = new double[fanIn * fanOut];
                for (int k = 0; k < w.length; k++) {
                    w[k] = zero ? 0 : std * rng.nextGaussian();
                }
                weights[l] = new Parameter("layer" + l + ".weight", HostArrays.matrix(w, fanIn, fanOut, type));
                all.add(weights[l]);
            }
            biases[l] = new Parameter("layer" + l + ".bias", Nd4j.zeros(type, 1, fanOut));
            all.add(biases[l]);
        }
        this.parameters = List.copyOf(all);
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[sizes.length - 1];
    }

    public DataType dataType() {
        return type;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Evaluates the network on (n, inputSize) and keeps what the backward pass needs; n is explicit
     * because the input is null when inputSize is zero.
     */
    public Pass forward(INDArray input, int n) {
        int layers = sizes.length - 1;
        INDArray[] inputs = new INDArray[layers];
        INDArray[] pres = new INDArray[layers];
        INDArray[] sigmoids = new INDArray[layers];
        INDArray h = input;
        for (int l = 0; l < layers; l++) {
            inputs[l] = h;
            INDArray pre = weights[l] == null
                    ? Nd4j.zeros(type, n, sizes[l + 1]).addiRowVector(biases[l].value())
                    : h.mmul(weights[l].value()).addiRowVector(biases[l].value());
            if (l == layers - 1) {
                h = pre;
            } else if (activation == Activation.SILU) {
                INDArray sig = Transforms.sigmoid(pre, true);
                h = pre.mul(sig);
                pres[l] = pre;
                sigmoids[l] = sig;
            } else {
                h = Transforms.tanh(pre, true);
            }
        }
        return new Pass(inputs, pres, sigmoids, h);
    }

    /** One evaluation of the network. */
    public final class Pass {
        private final INDArray[] inputs;
        private final INDArray[] pres;
        private final INDArray[] sigmoids;
        private final INDArray output;

        private Pass(INDArray[] inputs, INDArray[] pres, INDArray[] sigmoids, INDArray output) {
            this.inputs = inputs;
            this.pres = pres;
            this.sigmoids = sigmoids;
            this.output = output;
        }

        /**
         * act'(a) of hidden layer l, computed here rather than in forward so that passes that are
         * never differentiated (sampling) do not pay for it.
         */
        private INDArray slope(int l) {
            if (activation == Activation.SILU) {
                // silu'(a) = s(a) (1 + a (1 - s(a)))
                return sigmoids[l].rsub(1.0).muli(pres[l]).addi(1.0).muli(sigmoids[l]);
            }
            // tanh' = 1 - tanh^2, and the next layer's input is tanh(a)
            INDArray t = inputs[l + 1];
            return t.mul(t).rsubi(1.0);
        }

        /** (n, outputSize). */
        public INDArray output() {
            return output;
        }

        /**
         * Adds dL/dW and dL/db to the parameters' gradients and returns dL/d(input), or null when
         * the input size is zero.
         */
        public INDArray backward(INDArray gradOutput) {
            INDArray g = gradOutput;
            for (int l = sizes.length - 2; l >= 0; l--) {
                if (weights[l] != null) {
                    // dL/dW += h^T g, accumulated in place by gemm (beta = 1)
                    Nd4j.gemm(inputs[l], g, weights[l].grad(), true, false, 1.0, 1.0);
                }
                biases[l].grad().addi(g.sum(true, 0));
                if (l == 0 && weights[0] == null) {
                    return null;
                }
                INDArray gh = g.mmul(weights[l].value().transpose());
                if (l == 0) {
                    return gh;
                }
                g = gh.muli(slope(l - 1));
            }
            throw new IllegalStateException();
        }
    }
}
