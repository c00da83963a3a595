package org.boltzmann4j.bg.coordinates;

import java.util.List;
import org.boltzmann4j.bg.flow.CircularShift;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Maps unconstrained reals onto the domain of internal coordinates, so that a flow on R^d stays
 * a bijection once the Z-matrix turns its output into Cartesian coordinates: bond lengths
 * b = exp(u) on (0, inf), angles theta = pi sigmoid(u) on (0, pi), circular torsions unchanged
 * (they are periodic, any value is valid), and bounded torsions t = c + pi (2 sigmoid(u) - 1): the
 * circle cut open opposite a centre c. Without it a spline's identity tails can hand the Z-matrix a
 * negative bond or an angle beyond pi, which it folds back: two latent points, one configuration,
 * and a wrong log q.
 *
 * <p>Bounded torsions are for the stiff ones (impropers, peptide bonds) that stay near one value:
 * on the open interval they are standardised and modelled like bonds and angles, with a Gaussian
 * base, instead of as circular coordinates whose uniform base a spline would have to squeeze into
 * a few degrees. The map still covers the whole circle but one point, so the density stays exact.
 *
 * <p>log|det| of forward = sum over bonds of u + sum over angles of log(pi s (1 - s)) + sum over
 * bounded torsions of log(2 pi s (1 - s)), s = sigmoid(u).
 */
public final class InternalCoordinateDomain implements Transform {
    private final int dimension;
    private final int[] kind; // 0 unchanged, 1 bond, 2 interval (angle or bounded torsion)
    // An interval coordinate is lo + width sigmoid(u): angles on (0, pi), bounded torsions on
    // (c - pi, c + pi), whose inverse first folds the torsion onto that interval.
    private final double[] lo;
    private final double[] width;
    private final boolean[] periodic;

    /** All torsions circular. */
    public InternalCoordinateDomain(InternalCoordinateLayout layout) {
        this(layout, new boolean[layout.dimension()], new double[layout.dimension()]);
    }

    /**
     * @param bounded which coordinates are bounded torsions (each must be a torsion)
     * @param centre the centre c of each bounded torsion (radians; ignored elsewhere)
     */
    public InternalCoordinateDomain(InternalCoordinateLayout layout, boolean[] bounded, double[] centre) {
        this.dimension = layout.dimension();
        if (bounded.length != dimension || centre.length != dimension)
            throw new IllegalArgumentException("bounded/centre have " + bounded.length + "/" + centre.length + " entries, expected " + dimension);
        this.kind = new int[dimension];
        this.lo = new double[dimension];
        this.width = new double[dimension];
        this.periodic = new boolean[dimension];
        for (int i : layout.bondIndices()) kind[i] = 1;
        for (int i : layout.angleIndices()) {
            kind[i] = 2;
            width[i] = Math.PI;
        }
        boolean[] torsion = new boolean[dimension];
        for (int i : layout.torsionIndices()) torsion[i] = true;
        for (int i = 0; i < dimension; i++) {
            if (!bounded[i]) continue;
            if (!torsion[i]) throw new IllegalArgumentException("coordinate " + i + " is not a torsion and cannot be a bounded torsion");
            if (!Double.isFinite(centre[i])) throw new IllegalArgumentException("bounded torsion " + i + " has centre " + centre[i]);
            kind[i] = 2;
            lo[i] = centre[i] - Math.PI;
            width[i] = 2 * Math.PI;
            periodic[i] = true;
        }
    }

    /** Where v lies on interval coordinate j's interval, as a fraction in (0, 1). */
    private double fraction(int j, double v) {
        double half = width[j] / 2;
        return periodic[j] ? (CircularShift.wrap(v - lo[j] - half) + half) / width[j] : (v - lo[j]) / width[j];
    }

    /** Unconstrained values of internal coordinates (n, d): log of bonds, logit(theta / pi) of angles. */
    public INDArray unconstrain(INDArray ic) {
        return inverse(ic).output();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public DataType dataType() {
        return DataType.DOUBLE;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public Pass forwardPass(INDArray u) {
        int n = Batches.requireBatch(u, dimension, DataType.DOUBLE, "InternalCoordinateDomain.forward");
        Buffers a = new Buffers(Batches.contiguous(u), n, dimension);
        Values in = a.in, out = a.out, logDet = a.logDet, slope = a.slope;
        for (int r = 0; r < n; r++) {
            double ld = 0;
            for (int j = 0; j < dimension; j++) {
                int k = r * dimension + j;
                double v = in.get(k);
                switch (kind[j]) {
                    case 1 -> {
                        double b = Math.exp(v);
                        out.set(k, b);
                        slope.set(k, b);
                        ld += v;
                    }
                    case 2 -> {
                        double s = sigmoid(v);
                        out.set(k, lo[j] + width[j] * s);
                        slope.set(k, width[j] * s * (1 - s));
                        ld += Math.log(width[j]) + logSigmoid(v) + logSigmoid(-v);
                    }
                    default -> {
                        out.set(k, v);
                        slope.set(k, 1);
                    }
                }
            }
            logDet.set(r, ld);
        }
        return pass(n, a, true);
    }

    @Override
    public Pass inversePass(INDArray x) {
        int n = Batches.requireBatch(x, dimension, DataType.DOUBLE, "InternalCoordinateDomain.inverse");
        Buffers a = new Buffers(Batches.contiguous(x), n, dimension);
        Values in = a.in, out = a.out, logDet = a.logDet, slope = a.slope;
        for (int r = 0; r < n; r++) {
            double ld = 0;
            for (int j = 0; j < dimension; j++) {
                int k = r * dimension + j;
                double v = in.get(k);
                switch (kind[j]) {
                    case 1 -> {
                        double l = Math.log(v);
                        out.set(k, l);
                        slope.set(k, 1 / v);
                        ld -= l;
                    }
                    case 2 -> {
                        double s = fraction(j, v);
                        out.set(k, Math.log(s) - Math.log1p(-s));
                        slope.set(k, 1 / (width[j] * s * (1 - s)));
                        ld -= Math.log(width[j]) + Math.log(s) + Math.log1p(-s);
                    }
                    default -> {
                        out.set(k, v);
                        slope.set(k, 1);
                    }
                }
            }
            logDet.set(r, ld);
        }
        return pass(n, a, false);
    }

    /**
     * Backward: dL/din = dL/dout * slope + dL/dlogDet * d(logDet)/din, where d(logDet)/du is 1 for a
     * bond and 1 - 2s for an interval coordinate (forward); -1/b and -(1 - 2s)/(width s (1 - s))
     * (inverse).
     */
    private Pass pass(int n, Buffers a, boolean forward) {
        return Pass.of(a.outArray, a.logDetArray, (gradOutput, gradLogDet) -> {
            Values in = a.in, slope = a.slope;
            Values g = Values.of(Batches.gradient(gradOutput, n, dimension, DataType.DOUBLE, "InternalCoordinateDomain"));
            Values gl = Values.of(Batches.gradient(gradLogDet, n, 0, DataType.DOUBLE, "InternalCoordinateDomain"));
            INDArray gradInput = Batches.uninitialized(DataType.DOUBLE, n, dimension);
            Values gin = Values.of(gradInput);
            for (int r = 0; r < n; r++) {
                double glr = gl.get(r);
                for (int j = 0; j < dimension; j++) {
                    int k = r * dimension + j;
                    double v = in.get(k);
                    double dLogDet = switch (kind[j]) {
                        case 1 -> forward ? 1 : -1 / v;
                        case 2 -> {
                            if (forward) yield 1 - 2 * sigmoid(v);
                            double s = fraction(j, v);
                            yield -(1 - 2 * s) / (width[j] * s * (1 - s));
                        }
                        default -> 0;
                    };
                    gin.set(k, g.get(k) * slope.get(k) + glr * dLogDet);
                }
            }
            return gradInput;
        });
    }

    /** The input of a pass (kept for backward), its output, log-det and elementwise slopes. */
    private static final class Buffers {
        final INDArray outArray;
        final INDArray logDetArray;
        final Values in;
        final Values out;
        final Values logDet;
        final Values slope;

        Buffers(INDArray input, int n, int d) {
            outArray = Batches.uninitialized(DataType.DOUBLE, n, d);
            logDetArray = Nd4j.createUninitialized(DataType.DOUBLE, n);
            in = Values.of(input);
            out = Values.of(outArray);
            logDet = Values.of(logDetArray);
            slope = Values.of(Batches.uninitialized(DataType.DOUBLE, n, d));
        }
    }

    private static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /** log sigmoid(v), stable for large |v|. */
    private static double logSigmoid(double v) {
        return v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
    }
}
