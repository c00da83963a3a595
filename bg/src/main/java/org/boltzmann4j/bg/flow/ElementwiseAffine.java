package org.boltzmann4j.bg.flow;

import java.util.List;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * x = z * exp(logScale) + shift per dimension; log|det dx/dz| = sum(logScale) for every sample.
 * The scale is parametrised by its logarithm so that any real value is a valid, invertible map.
 * Fixed (normalisation, e.g. {@link #standardizing}) or trainable (then shift and logScale are
 * {@link Parameter}s named "shift" and "logScale").
 */
public final class ElementwiseAffine implements Transform {

    private final Parameter shift;
    private final Parameter logScale;
    private final boolean trainable;
    private final DataType type;
    private final int dimension;

    private ElementwiseAffine(double[] shift, double[] logScale, boolean trainable, DataType type) {
        Batches.requireType(type);
        if (shift.length != logScale.length) {
            throw new IllegalArgumentException("shift has " + shift.length + " entries, logScale " + logScale.length);
        }
        this.dimension = shift.length;
        this.type = type;
        this.trainable = trainable;
        this.shift = new Parameter("shift", Batches.vector(shift).castTo(type));
        this.logScale = new Parameter("logScale", Batches.vector(logScale).castTo(type));
    }

    /** The identity, trainable. */
    public static ElementwiseAffine trainable(int dimension, DataType type) {
        return new ElementwiseAffine(new double[dimension], new double[dimension], true, type);
    }

    public static ElementwiseAffine trainable(double[] shift, double[] logScale, DataType type) {
        return new ElementwiseAffine(shift.clone(), logScale.clone(), true, type);
    }

    public static ElementwiseAffine fixed(double[] shift, double[] logScale, DataType type) {
        return new ElementwiseAffine(shift.clone(), logScale.clone(), false, type);
    }

    /**
     * Fixed map whose inverse standardises the columns of {@code data} (m, d): z = (x - mean) /
     * std, with the unbiased (m - 1) standard deviation. Constant columns are rejected.
     */
    public static ElementwiseAffine standardizing(INDArray data, DataType type) {
        if (data.rank() != 2 || data.size(0) < 2) {
            throw new IllegalArgumentException("standardizing needs a data matrix (m >= 2, d)");
        }
        int m = (int) data.size(0);
        int d = (int) data.size(1);
        double[] a = Batches.toDoubles(data);
        double[] mean = new double[d];
        double[] logStd = new double[d];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < d; j++) {
                mean[j] += a[r * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= m;
        }
        double[] var = new double[d];
        for (int r = 0; r < m; r++) {
            for (int j = 0; j < d; j++) {
                double c = a[r * d + j] - mean[j];
                var[j] += c * c;
            }
        }
        for (int j = 0; j < d; j++) {
            var[j] /= (m - 1);
            if (!(var[j] > 0)) {
                throw new IllegalArgumentException("column " + j + " of the data is constant");
            }
            logStd[j] = 0.5 * Math.log(var[j]);
        }
        return new ElementwiseAffine(mean, logStd, false, type);
    }

    public INDArray shift() {
        return shift.value();
    }

    public INDArray logScale() {
        return logScale.value();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public List<Parameter> parameters() {
        return trainable ? List.of(shift, logScale) : List.of();
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
        int n = Batches.requireBatch(input, dimension, type, "ElementwiseAffine");
        int d = dimension;
        double[] b = Batches.toDoubles(shift.value());
        double[] ls = Batches.toDoubles(logScale.value());
        double[] scale = new double[d];
        double sumLogScale = 0;
        for (int j = 0; j < d; j++) {
            scale[j] = Math.exp(forward ? ls[j] : -ls[j]);
            sumLogScale += ls[j];
        }
        Values in = Values.of(Batches.contiguous(input));
        INDArray output = Batches.uninitialized(type, n, d);
        Values out = Values.of(output);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                int k = r * d + j;
                out.set(k, forward ? in.get(k) * scale[j] + b[j] : (in.get(k) - b[j]) * scale[j]);
            }
        }
        INDArray logDet = Nd4j.valueArrayOf(new long[] {n}, forward ? sumLogScale : -sumLogScale, DataType.DOUBLE);
        return Pass.of(output, logDet, (gradOutput, gradLogDet) -> {
            String who = getClass().getSimpleName();
            Values g = Values.of(Batches.gradient(gradOutput, n, d, type, who));
            Values gl = Values.of(Batches.gradient(gradLogDet, n, 0, DataType.DOUBLE, who));
            INDArray gradInput = Batches.uninitialized(type, n, d);
            Values gin = Values.of(gradInput);
            double[] gShift = new double[d];
            double[] gLogScale = new double[d];
            double sumGl = 0;
            for (int r = 0; r < n; r++) {
                sumGl += gl.get(r);
                for (int j = 0; j < d; j++) {
                    int k = r * d + j;
                    double gk = g.get(k);
                    gin.set(k, gk * scale[j]);
                    if (forward) {
                        // x = z e^s + b: dx/ds = z e^s = x - b
                        gShift[j] += gk;
                        gLogScale[j] += gk * (out.get(k) - b[j]);
                    } else {
                        // z = (x - b) e^-s: dz/db = -e^-s, dz/ds = -z
                        gShift[j] -= gk * scale[j];
                        gLogScale[j] -= gk * out.get(k);
                    }
                }
            }
            if (trainable) {
                Values gs = Values.of(shift.grad());
                Values gls = Values.of(logScale.grad());
                for (int j = 0; j < d; j++) {
                    gs.add(j, gShift[j]);
                    gls.add(j, gLogScale[j] + (forward ? sumGl : -sumGl));
                }
            }
            return gradInput;
        });
    }
}
