package org.boltzmann4j.bg.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
        Batches.requireType(type);
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
                weights[l] = new Parameter("layer" + l + ".weight", Batches.matrix(w, fanIn, fanOut, type));
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
     * Evaluates the network on (n, inputSize), of the network's type, and keeps what the backward
     * pass needs; n is explicit because the input is null when inputSize is zero.
     *
     * <p>The products run in BLAS ({@link Blas}) on the arrays' own memory, bias and activation in
     * one Java loop over the same memory ({@link Values}), so that a layer costs one product and
     * no chain of small ND4J ops, and no copy. Activations are held in the network's type (float32
     * for a float32 network), computed in float64 arithmetic and rounded once.
     */
    public Pass forward(INDArray input, int n) {
        if (sizes[0] > 0 && (input == null || input.rank() != 2 || input.size(0) != n || input.size(1) != sizes[0])) {
            throw new IllegalArgumentException("Mlp: expected input (" + n + ", " + sizes[0] + "), got "
                    + (input == null ? "null" : java.util.Arrays.toString(input.shape())));
        }
        if (input != null && input.dataType() != type) {
            throw new IllegalArgumentException("Mlp: expected " + type + " input, got " + input.dataType());
        }
        int layers = sizes.length - 1;
        INDArray[] inputs = new INDArray[layers];
        INDArray[] slopes = new INDArray[layers];
        INDArray h = sizes[0] == 0 ? null : Batches.contiguous(input);
        for (int l = 0; l < layers; l++) {
            int fout = sizes[l + 1];
            inputs[l] = h;
            INDArray pre;
            if (weights[l] != null) {
                pre = Batches.uninitialized(type, n, fout);
                Blas.gemm(h, false, weights[l].value(), false, pre, 1.0, 0.0);
            } else {
                pre = Nd4j.zeros(type, n, fout);
            }
            Values b = Values.of(biases[l].value());
            Values p = Values.of(pre);
            if (l == layers - 1) {
                RowBlocks.run(n, fout, (r0, r1) -> {
                    for (int k = r0 * fout; k < r1 * fout; k += fout) {
                        for (int j = 0; j < fout; j++) {
                            p.set(k + j, p.get(k + j) + b.get(j));
                        }
                    }
                });
            } else {
                INDArray slope = Batches.uninitialized(type, n, fout);
                activate(p, b, Values.of(slope), n, fout);
                slopes[l] = slope;
            }
            h = pre;
        }
        return new Pass(n, inputs, slopes, h);
    }

    /**
     * h = act(a) with a = pre + b, in place, and act'(a) into slope: computed with the activation
     * because it costs a few multiplications once the exponential is known.
     */
    private void activate(Values pre, Values b, Values slope, int n, int width) {
        boolean silu = activation == Activation.SILU;
        RowBlocks.run(n, width, (r0, r1) -> {
            for (int k = r0 * width; k < r1 * width; k += width) {
                for (int j = 0; j < width; j++) {
                    double a = pre.get(k + j) + b.get(j);
                    if (silu) {
                        // silu(a) = a s(a), silu'(a) = s(a) (1 + a (1 - s(a)))
                        double sg = 1 / (1 + Math.exp(-a));
                        pre.set(k + j, a * sg);
                        slope.set(k + j, sg * (1 + a * (1 - sg)));
                    } else {
                        double t = Math.tanh(a);
                        pre.set(k + j, t);
                        slope.set(k + j, 1 - t * t);
                    }
                }
            }
        });
    }

    /** One evaluation of the network. */
    public final class Pass {
        private final int n;
        private final INDArray[] inputs;
        private final INDArray[] slopes;
        private final INDArray output;

        private Pass(int n, INDArray[] inputs, INDArray[] slopes, INDArray output) {
            this.n = n;
            this.inputs = inputs;
            this.slopes = slopes;
            this.output = output;
        }

        private boolean released;

        /** The input the pass was evaluated on (dense), null when inputSize is zero. */
        INDArray input() {
            return inputs[0];
        }

        /** (n, outputSize), dense, of the network's type; read it only. */
        public INDArray output() {
            return output;
        }

        /**
         * Frees the hidden activations and slopes kept for backward (not the input, not the
         * output); backward is then an error.
         */
        public void release() {
            if (released) {
                return;
            }
            released = true;
            for (int l = 1; l < inputs.length; l++) {
                inputs[l].close();
            }
            for (INDArray s : slopes) {
                if (s != null) {
                    s.close();
                }
            }
        }

        /**
         * Adds dL/dW and dL/db to the parameters' gradients and returns dL/d(input) (dense, of the
         * network's type), or null when the input size is zero. gradOutput is left unchanged.
         */
        public INDArray backward(INDArray gradOutput) {
            if (released) {
                throw new IllegalStateException("this pass was released: no backward");
            }
            int out = outputSize();
            if (gradOutput.rank() != 2 || gradOutput.size(0) != n || gradOutput.size(1) != out) {
                throw new IllegalArgumentException("Mlp: expected gradient (" + n + ", " + out + "), got "
                        + java.util.Arrays.toString(gradOutput.shape()));
            }
            INDArray g = Batches.contiguous(gradOutput, type);
            // dL/dh of the hidden layers is dead once the layer below has used it: freed at once,
            // rather than when the collector finds it (a step makes few Java objects, so it rarely runs)
            boolean ownsG = g != gradOutput;
            for (int l = sizes.length - 2; l >= 0; l--) {
                int fin = sizes[l];
                int fout = sizes[l + 1];
                // dL/db = column sums of g, in row order (deterministic)
                Values gv = Values.of(g);
                Values gb = Values.of(biases[l].grad());
                double[] sums = new double[fout];
                for (int k = 0; k < n * fout; k += fout) {
                    for (int j = 0; j < fout; j++) {
                        sums[j] += gv.get(k + j);
                    }
                }
                for (int j = 0; j < fout; j++) {
                    gb.add(j, sums[j]);
                }
                if (weights[l] == null) {
                    if (ownsG) {
                        g.close();
                    }
                    return null;
                }
                // dL/dW += h^T g, and dL/dh = g W^T
                Blas.gemm(inputs[l], true, g, false, weights[l].grad(), 1.0, 1.0);
                INDArray gh = Batches.uninitialized(type, n, fin);
                Blas.gemm(g, false, weights[l].value(), true, gh, 1.0, 0.0);
                if (ownsG) {
                    g.close();
                }
                if (l == 0) {
                    return gh;
                }
                Values ghv = Values.of(gh);
                Values slope = Values.of(slopes[l - 1]);
                RowBlocks.run(n, fin, (r0, r1) -> {
                    for (int k = r0 * fin; k < r1 * fin; k++) {
                        ghv.set(k, ghv.get(k) * slope.get(k));
                    }
                });
                g = gh;
                ownsG = true;
            }
            throw new IllegalStateException();
        }
    }
}
