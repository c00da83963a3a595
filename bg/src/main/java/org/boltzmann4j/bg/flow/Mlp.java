package org.boltzmann4j.bg.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
        if (sizes[0] > 0 && (input == null || input.rank() != 2 || input.size(0) != n || input.size(1) != sizes[0])) {
            throw new IllegalArgumentException("Mlp: expected input (" + n + ", " + sizes[0] + "), got "
                    + (input == null ? "null" : java.util.Arrays.toString(input.shape())));
        }
        return forwardHost(sizes[0] == 0 ? null : HostArrays.read(input), n, true);
    }

    /**
     * The same on a row-major batch in a Java array (null when inputSize is zero), which the pass
     * keeps; without keepOutput the output goes to per-thread scratch ({@link HostScratch}), for
     * callers that read it at once (a coupling turns it into spline parameters). The products run
     * in BLAS ({@link Blas}), bias and activation in Java loops, so that a layer costs one product
     * and no chain of small ND4J ops. Activations are kept in Java arrays for the backward pass.
     */
    Pass forwardHost(double[] input, int n, boolean keepOutput) {
        int layers = sizes.length - 1;
        double[][] inputs = new double[layers][];
        double[][] slopes = new double[layers][];
        double[] h = input;
        for (int l = 0; l < layers; l++) {
            int fin = sizes[l];
            int fout = sizes[l + 1];
            inputs[l] = h;
            double[] pre = l == layers - 1 && !keepOutput
                    ? HostScratch.get(HostScratch.Slot.NETWORK_OUTPUT, n * fout)
                    : new double[n * fout];
            if (weights[l] != null) {
                Blas.forward(h, n, fin, weights[l].value(), fout, pre);
            }
            double[] b = HostArrays.read(biases[l].value());
            if (l == layers - 1) {
                RowBlocks.run(n, fout, (r0, r1) -> {
                    for (int k = r0 * fout; k < r1 * fout; k += fout) {
                        for (int j = 0; j < fout; j++) {
                            pre[k + j] += b[j];
                        }
                    }
                });
            } else {
                double[] slope = new double[n * fout];
                activate(pre, b, slope, n, fout);
                slopes[l] = slope;
            }
            h = pre;
        }
        return new Pass(n, inputs, slopes, h, keepOutput);
    }

    /**
     * h = act(a) with a = pre + b, in place, and act'(a) into slope: computed with the activation
     * because it costs a few multiplications once the exponential is known (and a Java array, not
     * an ND4J op, so sampling passes that never use it lose little).
     */
    private void activate(double[] pre, double[] b, double[] slope, int n, int width) {
        boolean silu = activation == Activation.SILU;
        RowBlocks.run(n, width, (r0, r1) -> {
            for (int k = r0 * width; k < r1 * width; k += width) {
                for (int j = 0; j < width; j++) {
                    double a = pre[k + j] + b[j];
                    if (silu) {
                        // silu(a) = a s(a), silu'(a) = s(a) (1 + a (1 - s(a)))
                        double sg = 1 / (1 + Math.exp(-a));
                        pre[k + j] = a * sg;
                        slope[k + j] = sg * (1 + a * (1 - sg));
                    } else {
                        double t = Math.tanh(a);
                        pre[k + j] = t;
                        slope[k + j] = 1 - t * t;
                    }
                }
            }
        });
    }

    /** One evaluation of the network. */
    public final class Pass {
        private final int n;
        private final double[][] inputs;
        private final double[][] slopes;
        private final double[] output;
        private final boolean kept;
        private volatile INDArray outputArray;

        private Pass(int n, double[][] inputs, double[][] slopes, double[] output, boolean kept) {
            this.n = n;
            this.inputs = inputs;
            this.slopes = slopes;
            this.output = output;
            this.kept = kept;
        }

        /** (n, outputSize). */
        public INDArray output() {
            if (!kept) {
                throw new IllegalStateException("this pass did not keep its output");
            }
            INDArray o = outputArray;
            if (o == null) {
                o = HostArrays.matrix(output, n, outputSize(), type);
                outputArray = o;
            }
            return o;
        }

        /**
         * The output as a row-major Java array, in float64 whatever the network's type; read it
         * only. Without keepOutput it is per-thread scratch, valid until the next forward call.
         */
        double[] hostOutput() {
            return output;
        }

        /**
         * Adds dL/dW and dL/db to the parameters' gradients and returns dL/d(input), or null when
         * the input size is zero.
         */
        public INDArray backward(INDArray gradOutput) {
            int out = outputSize();
            if (gradOutput.rank() != 2 || gradOutput.size(0) != n || gradOutput.size(1) != out) {
                throw new IllegalArgumentException("Mlp: expected gradient (" + n + ", " + out + "), got "
                        + java.util.Arrays.toString(gradOutput.shape()));
            }
            double[] g = backwardHost(HostArrays.read(gradOutput));
            return g == null ? null : HostArrays.matrix(g, n, sizes[0], type);
        }

        /**
         * The same on a row-major Java array (n, outputSize), which it leaves unchanged. The result
         * is per-thread scratch ({@link HostScratch}): read it before the next backward call.
         */
        double[] backwardHost(double[] gradOutput) {
            double[] g = gradOutput;
            boolean slotA = true;
            for (int l = sizes.length - 2; l >= 0; l--) {
                int fin = sizes[l];
                int fout = sizes[l + 1];
                // dL/db = column sums of g, in row order (deterministic)
                double[] gb = new double[fout];
                for (int k = 0; k < n * fout; k += fout) {
                    for (int j = 0; j < fout; j++) {
                        gb[j] += g[k + j];
                    }
                }
                HostArrays.add(biases[l].grad(), gb);
                if (weights[l] == null) {
                    return null;
                }
                // dL/dW += h^T g, and dL/dh = g W^T (into the scratch array g does not use)
                double[] gh = HostScratch.get(slotA ? HostScratch.Slot.LAYER_GRADIENT_A : HostScratch.Slot.LAYER_GRADIENT_B,
                        n * fin);
                slotA = !slotA;
                Blas.backward(inputs[l], g, n, fin, weights[l].value(), weights[l].grad(), fout, gh);
                if (l == 0) {
                    return gh;
                }
                double[] slope = slopes[l - 1];
                RowBlocks.run(n, fin, (r0, r1) -> {
                    for (int k = r0 * fin; k < r1 * fin; k++) {
                        gh[k] *= slope[k];
                    }
                });
                g = gh;
            }
            throw new IllegalStateException();
        }
    }
}
