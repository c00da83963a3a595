package org.boltzmann4j.bg.flow;

import java.util.List;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * <p>The elementwise work runs in Java loops over the batch's own native memory ({@link Values}),
 * and the conditioner's products run in BLAS on the same memory: no layer copies a batch into
 * Java arrays and back. Batches of
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
        Batches.requireType(type);
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
        int n = Batches.requireBatch(input, dimension(), type, getClass().getSimpleName());
        int d = dimension();
        int t = trans.length;
        INDArray in = Batches.contiguous(input);
        Values a = Values.of(in);
        Mlp.Pass cp = conditioner.forward(features == 0 ? null : features(a, n), n);
        Values raw = Values.of(cp.output());
        // the conditioning dimensions pass through: one native copy, then the transformed ones
        INDArray output = in.dup('c');
        Values out = Values.of(output);
        INDArray logDet = Nd4j.createUninitialized(DataType.DOUBLE, n);
        Values ld = Values.of(logDet);
        // the input-side points u of the elementwise maps, where backward evaluates derivatives
        // (float64 even in a float32 flow, so that backward evaluates where forward did)
        INDArray uArray = forward ? null : Nd4j.createUninitialized(DataType.DOUBLE, n, t);
        Values u = forward ? null : Values.of(uArray);
        // what each element's map keeps for backward, in the raw layout (the spline's softmax
        // instead of its logits), so that backward neither keeps raw nor recomputes the softmax
        INDArray stateArray = Nd4j.createUninitialized(DataType.DOUBLE, n, rawSize);
        Values state = Values.of(stateArray);
        forBlocks(n, (r0, r1) -> {
            ElementwiseTransformer.Kernel[] ks = kernels();
            // one row of raw parameters and of state at a time, in Java arrays the kernels index
            double[] rawRow = new double[rawSize];
            double[] stateRow = new double[rawSize];
            for (int r = r0; r < r1; r++) {
                raw.get(r * rawSize, rawRow, 0, rawSize);
                double sum = 0;
                for (int j = 0; j < t; j++) {
                    int idx = r * d + trans[j];
                    ElementwiseTransformer.Kernel k = ks[j];
                    if (forward) {
                        k.evaluate(rawRow, offsets[j], a.get(idx));
                        out.set(idx, k.value);
                        sum += k.logDerivative;
                    } else {
                        double v = k.invert(rawRow, offsets[j], a.get(idx));
                        out.set(idx, v);
                        u.set(r * t + j, v);
                        sum -= k.logDerivative;
                    }
                    k.save(rawRow, offsets[j], transformers[j].parameterCount(), stateRow, offsets[j]);
                }
                state.put(r * rawSize, stateRow, 0, rawSize);
                ld.set(r, sum);
            }
        });
        // the raw parameters are dead: backward works from the saved state
        cp.output().close();
        INDArray featureArray = features == 0 ? null : cp.input();
        return new Pass() {
            private boolean released;

            @Override
            public INDArray output() {
                return output;
            }

            @Override
            public INDArray logDet() {
                return logDet;
            }

            @Override
            public INDArray backward(INDArray gradOutput, INDArray gradLogDet) {
                if (released) {
                    throw new IllegalStateException("this pass was released: no backward");
                }
                return Coupling.this.backward(forward, n, in, uArray, stateArray, cp, gradOutput, gradLogDet);
            }

            @Override
            public void release() {
                if (released) {
                    return;
                }
                released = true;
                cp.release();
                stateArray.close();
                if (uArray != null) {
                    uArray.close();
                }
                if (featureArray != null) {
                    featureArray.close();
                }
                if (in != input) {
                    in.close(); // a dense copy of a view: ours
                }
            }
        };
    }

    private INDArray backward(boolean forward, int n, INDArray in, INDArray uArray, INDArray stateArray, Mlp.Pass cp,
            INDArray gradOutput, INDArray gradLogDet) {
        int d = dimension();
        int t = trans.length;
        String who = getClass().getSimpleName();
        Values a = Values.of(in);
        Values u = forward ? null : Values.of(uArray);
        Values state = Values.of(stateArray);
        Values g = Values.of(Batches.gradient(gradOutput, n, d, type, who));
        Values gl = Values.of(Batches.gradient(gradLogDet, n, 0, DataType.DOUBLE, who));
        INDArray ginArray = Batches.uninitialized(type, n, d);
        Values gin = Values.of(ginArray);
        INDArray grawArray = Batches.uninitialized(type, n, rawSize);
        Values graw = Values.of(grawArray);
        forBlocks(n, (r0, r1) -> {
            ElementwiseTransformer.Kernel[] ks = kernels();
            double[] stateRow = new double[rawSize];
            double[] gradRow = new double[rawSize];
            for (int r = r0; r < r1; r++) {
                state.get(r * rawSize, stateRow, 0, rawSize);
                java.util.Arrays.fill(gradRow, 0.0);
                for (int c : cond) {
                    gin.set(r * d + c, g.get(r * d + c));
                }
                double glr = gl.get(r);
                for (int j = 0; j < t; j++) {
                    int idx = r * d + trans[j];
                    int off = offsets[j];
                    ElementwiseTransformer.Kernel k = ks[j];
                    k.restore(stateRow, off, forward ? a.get(idx) : u.get(r * t + j));
                    double gy = g.get(idx);
                    if (forward) {
                        gin.set(idx, gy * k.derivative + glr * k.dLogDerivative);
                        k.accumulate(gy, glr, gradRow, off);
                    } else {
                        double gu = (gy - glr * k.dLogDerivative) / k.derivative;
                        gin.set(idx, gu);
                        k.accumulate(-gu, -glr, gradRow, off);
                    }
                }
                graw.put(r * rawSize, gradRow, 0, rawSize);
            }
        });
        INDArray gfArray = cp.backward(grawArray);
        grawArray.close(); // dead now; freed at once (see Mlp.Pass.backward)
        if (gfArray != null) {
            Values gf = Values.of(gfArray);
            forBlocks(n, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int f = r * features;
                    for (int c : cond) {
                        int idx = r * d + c;
                        if (mask.isCircular(c)) {
                            // features (cos x, sin x): d/dx = (-sin x, cos x)
                            double x = a.get(idx);
                            gin.add(idx, -Math.sin(x) * gf.get(f) + Math.cos(x) * gf.get(f + 1));
                            f += 2;
                        } else {
                            gin.add(idx, gf.get(f));
                            f += 1;
                        }
                    }
                }
            });
            gfArray.close();
        }
        return ginArray;
    }

    /** Conditioner inputs: x_c for interval dimensions, (cos x_c, sin x_c) for circular ones. */
    private INDArray features(Values a, int n) {
        int d = dimension();
        INDArray fArray = Batches.uninitialized(type, n, features);
        Values f = Values.of(fArray);
        forBlocks(n, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int p = r * features;
                for (int c : cond) {
                    double v = a.get(r * d + c);
                    if (mask.isCircular(c)) {
                        f.set(p++, Math.cos(v));
                        f.set(p++, Math.sin(v));
                    } else {
                        f.set(p++, v);
                    }
                }
            }
        });
        return fArray;
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
