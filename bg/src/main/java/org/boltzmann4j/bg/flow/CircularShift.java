package org.boltzmann4j.bg.flow;

import java.util.List;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fixed rotation of circular dimensions: x = wrap(z + shift) on [-pi, pi), other dimensions
 * unchanged; log|det| = 0. Centring each torsion on its circular mean (shift = mean) keeps the
 * modes away from the seam at +-pi, where a circular spline (which fixes -pi) has the hardest time
 * putting density; the omega torsions of a peptide sit right at pi otherwise.
 */
public final class CircularShift implements Transform {
    private final double[] shift;
    private final boolean[] circular;
    private final DataType type;

    public CircularShift(double[] shift, boolean[] circular, DataType type) {
        Batches.requireType(type);
        if (shift.length != circular.length) throw new IllegalArgumentException("shift and circular flags differ in length");
        for (int j = 0; j < shift.length; j++) {
            if (!circular[j] && shift[j] != 0) throw new IllegalArgumentException("dimension " + j + " is not circular but has a shift");
        }
        this.shift = shift.clone();
        this.circular = circular.clone();
        this.type = type;
    }

    /** Shifts that centre each circular column of {@code data} (m, d) on its circular mean. */
    public static CircularShift centering(INDArray data, boolean[] circular, DataType type) {
        int d = circular.length;
        int m = Batches.requireBatch(data, d, data.dataType(), "CircularShift.centering");
        double[] a = Batches.toDoubles(data);
        double[] shift = new double[d];
        for (int j = 0; j < d; j++) {
            if (!circular[j]) continue;
            double c = 0, s = 0;
            for (int r = 0; r < m; r++) {
                c += Math.cos(a[r * d + j]);
                s += Math.sin(a[r * d + j]);
            }
            shift[j] = Math.atan2(s, c);
        }
        return new CircularShift(shift, circular, type);
    }

    /** Maps an angle to [-pi, pi). */
    public static double wrap(double angle) {
        if (angle >= -Math.PI && angle < Math.PI) {
            return angle;
        }
        double w = angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
        return w >= Math.PI ? w - 2 * Math.PI : w;
    }

    public double[] shift() {
        return shift.clone();
    }

    @Override
    public int dimension() {
        return shift.length;
    }

    @Override
    public DataType dataType() {
        return type;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Pass forwardPass(INDArray z) {
        return run(z, 1);
    }

    @Override
    public Pass inversePass(INDArray x) {
        return run(x, -1);
    }

    private Pass run(INDArray input, int sign) {
        int d = shift.length;
        int n = Batches.requireBatch(input, d, type, "CircularShift");
        INDArray output = input.dup('c');
        Values a = Values.of(output);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                if (circular[j]) a.set(r * d + j, wrap(a.get(r * d + j) + sign * shift[j]));
            }
        }
        // a rotation of each circle: unit Jacobian, and dL/din = dL/dout (the same array)
        return Pass.of(output, Nd4j.zeros(DataType.DOUBLE, n),
                (gradOutput, gradLogDet) -> Batches.gradient(gradOutput, n, d, type, getClass().getSimpleName()));
    }
}
