package org.boltzmann4j.bg.flow;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A coupling layer (Dinh et al. 2015, 2017): the conditioning dimensions x_c pass through, the
 * transformed dimensions go through an elementwise monotone map whose parameters an {@link Mlp}
 * computes from x_c. The Jacobian is triangular, so log|det| = sum of log f' over transformed
 * dimensions, and the inverse needs only the inverse of the elementwise map.
 *
 * <p>Backward, forward direction: dL/du = g_y f' + g_ld (log f')_u, and dL/dtheta = g_y f_theta +
 * g_ld (log f')_theta. Inverse direction (u = f^-1(y), ld = -log f'(u)): dL/dy = (g_u - g_ld
 * (log f')_u) / f', and dL/dtheta = -dL/dy f_theta - g_ld (log f')_theta. dL/dtheta then flows
 * through the conditioner into the conditioning dimensions.
 *
 * <p>The elementwise work runs in Java loops over double[], and the conditioner takes and returns
 * Java arrays too, so a batch crosses into ND4J only at the layer's input and output. Batches of
 * at least {@value RowBlocks#PARALLEL_ELEMENTS} elements are split over the common fork-join pool
 * in fixed row blocks ({@link RowBlocks}), each element computed by one thread, so results do not
 * depend on the thread count.
 */
public abstract class Coupling implements Transform {

    private final CouplingMask mask;
    private final Mlp conditioner;
    private final ElementwiseTransformer[] transformers;
    private final int[] offsets;
    private final int rawSize;
    private final int[] cond;
    private final int[] trans;
    private final int features;
    private final DataType type;
    private final List<Parameter> parameters;

    Coupling(CouplingMask mask, ElementwiseTransformer[] transformers, int[] hidden, Mlp.Activation activation,
            long seed, DataType type) {
        HostArrays.requireType(type);
        this.mask = mask;
        this.trans = mask.transformedDims();
        this.cond = mask.conditioningDims();
        this.features = mask.featureCount();
        this.transformers = transformers.clone();
        if (transformers.length != trans.length) {
            throw new IllegalArgumentException("one transformer per transformed dimension");
        }
        this.offsets = new int[trans.length];
        int p = 0;
        for (int j = 0; j < trans.length; j++) {
            offsets[j] = p;
            p += transformers[j].parameterCount();
        }
        this.rawSize = p;
        this.type = type;
        this.conditioner = new Mlp(features, hidden, rawSize, activation, true, seed, type);
        this.parameters = conditioner.parameters();
    }

    public CouplingMask mask() {
        return mask;
    }

    public Mlp conditioner() {
        return conditioner;
    }

    @Override
    public int dimension() {
        return mask.dimension();
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public java.util.Map<String, Parameter> namedParameters() {
        java.util.Map<String, Parameter> named = new java.util.LinkedHashMap<>();
        for (Parameter q : parameters) {
            named.put("conditioner." + q.name(), q);
        }
        return named;
    }

    @Override
    public Pass forwardPass(INDArray z) {
        return run(z, true);
    }

    @Override
    public Pass inversePass(INDArray x) {
        return run(x, false);
    }

    private Pass run(INDArray input, boolean forward) {
        int n = HostArrays.requireBatch(input, dimension(), type, getClass().getSimpleName());
        int d = dimension();
        int t = trans.length;
        double[] a = HostArrays.read(input);
        // the raw parameters are scratch, read here only: backward works from the saved state
        Mlp.Pass cp = conditioner.forwardHost(features == 0 ? null : features(a, n), n, false);
        double[] raw = cp.hostOutput();
        double[] out = a.clone();
        double[] ld = new double[n];
        // the input-side points u of the elementwise maps, where backward evaluates derivatives
        double[] u = forward ? null : new double[n * t];
        // what each element's map keeps for backward, in the raw layout (the spline's softmax
        // instead of its logits), so that backward neither keeps raw nor recomputes the softmax
        double[] state = new double[n * rawSize];
        forBlocks(n, (r0, r1) -> {
            ElementwiseTransformer.Kernel[] ks = kernels();
            for (int r = r0; r < r1; r++) {
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    int idx = r * d + trans[j];
                    ElementwiseTransformer.Kernel k = ks[j];
                    if (forward) {
                        k.evaluate(raw, r * rawSize + offsets[j], a[idx]);
                        out[idx] = k.value;
                        sum += k.logDerivative;
                    } else {
                        double v = k.invert(raw, r * rawSize + offsets[j], a[idx]);
                        out[idx] = v;
                        u[r * t + j] = v;
                        sum -= k.logDerivative;
                    }
                    int off = r * rawSize + offsets[j];
                    k.save(raw, off, transformers[j].parameterCount(), state, off);
                }
                ld[r] = sum;
            }
        });
        INDArray output = HostArrays.matrix(out, n, d, type);
        INDArray logDet = HostArrays.vector(ld);
        return Pass.of(output, logDet, (gradOutput, gradLogDet) -> backward(forward, n, a, u, state, cp, gradOutput, gradLogDet));
    }

    private INDArray backward(boolean forward, int n, double[] a, double[] u, double[] state, Mlp.Pass cp,
            INDArray gradOutput, INDArray gradLogDet) {
        int d = dimension();
        int t = trans.length;
        double[] g = HostArrays.readOutputGrad(gradOutput, n, d);
        double[] gl = HostArrays.readLogDetGrad(gradLogDet, n);
        double[] gin = new double[n * d];
        double[] graw = HostScratch.zeroed(HostScratch.Slot.RAW_GRADIENT, n * rawSize);
        forBlocks(n, (r0, r1) -> {
            ElementwiseTransformer.Kernel[] ks = kernels();
            for (int r = r0; r < r1; r++) {
                for (int c : cond) {
                    gin[r * d + c] = g[r * d + c];
                }
                for (int j = 0; j < t; j++) {
                    int idx = r * d + trans[j];
                    int off = r * rawSize + offsets[j];
                    ElementwiseTransformer.Kernel k = ks[j];
                    k.restore(state, off, forward ? a[idx] : u[r * t + j]);
                    if (forward) {
                        gin[idx] = g[idx] * k.derivative + gl[r] * k.dLogDerivative;
                        k.accumulate(g[idx], gl[r], graw, off);
                    } else {
                        double gy = (g[idx] - gl[r] * k.dLogDerivative) / k.derivative;
                        gin[idx] = gy;
                        k.accumulate(-gy, -gl[r], graw, off);
                    }
                }
            }
        });
        double[] gf = cp.backwardHost(graw);
        if (gf != null) {
            for (int r = 0; r < n; r++) {
                int f = r * features;
                for (int c : cond) {
                    int idx = r * d + c;
                    if (mask.isCircular(c)) {
                        // features (cos x, sin x): d/dx = (-sin x, cos x)
                        gin[idx] += -Math.sin(a[idx]) * gf[f] + Math.cos(a[idx]) * gf[f + 1];
                        f += 2;
                    } else {
                        gin[idx] += gf[f];
                        f += 1;
                    }
                }
            }
        }
        return HostArrays.matrix(gin, n, d, type);
    }

    /** Conditioner inputs: x_c for interval dimensions, (cos x_c, sin x_c) for circular ones. */
    private double[] features(double[] a, int n) {
        int d = dimension();
        double[] f = new double[n * features];
        int p = 0;
        for (int r = 0; r < n; r++) {
            for (int c : cond) {
                double v = a[r * d + c];
                if (mask.isCircular(c)) {
                    f[p++] = Math.cos(v);
                    f[p++] = Math.sin(v);
                } else {
                    f[p++] = v;
                }
            }
        }
        return f;
    }

    private ElementwiseTransformer.Kernel[] kernels() {
        ElementwiseTransformer.Kernel[] ks = new ElementwiseTransformer.Kernel[transformers.length];
        for (int j = 0; j < ks.length; j++) {
            ks[j] = transformers[j].kernel();
        }
        return ks;
    }

    private void forBlocks(int n, RowBlocks.Body body) {
        RowBlocks.run(n, trans.length, body);
    }
}
