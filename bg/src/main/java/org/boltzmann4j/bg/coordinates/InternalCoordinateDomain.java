package org.boltzmann4j.bg.coordinates;

import org.boltzmann4j.bg.tensor.Batches;
import java.util.List;
import org.boltzmann4j.bg.flow.CircularShift;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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
        double[] in = Batches.toDoubles(u), out = new double[in.length], logDet = new double[n], slope = new double[in.length];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < dimension; j++) {
                int k = r * dimension + j;
                double v = in[k];
                switch (kind[j]) {
                    case 1 -> {
                        out[k] = Math.exp(v);
                        slope[k] = out[k];
                        logDet[r] += v;
                    }
                    case 2 -> {
                        double s = sigmoid(v);
                        out[k] = lo[j] + width[j] * s;
                        slope[k] = width[j] * s * (1 - s);
                        logDet[r] += Math.log(width[j]) + logSigmoid(v) + logSigmoid(-v);
                    }
                    default -> {
                        out[k] = v;
                        slope[k] = 1;
                    }
                }
            }
        }
        return pass(n, in, out, logDet, slope, true);
    }

    @Override
    public Pass inversePass(INDArray x) {
        int n = Batches.requireBatch(x, dimension, DataType.DOUBLE, "InternalCoordinateDomain.inverse");
        double[] in = Batches.toDoubles(x), out = new double[in.length], logDet = new double[n], slope = new double[in.length];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < dimension; j++) {
                int k = r * dimension + j;
                double v = in[k];
                switch (kind[j]) {
                    case 1 -> {
                        out[k] = Math.log(v);
                        slope[k] = 1 / v;
                        logDet[r] -= out[k];
                    }
                    case 2 -> {
                        double s = fraction(j, v);
                        out[k] = Math.log(s) - Math.log1p(-s);
                        slope[k] = 1 / (width[j] * s * (1 - s));
                        logDet[r] -= Math.log(width[j]) + Math.log(s) + Math.log1p(-s);
                    }
                    default -> {
                        out[k] = v;
                        slope[k] = 1;
                    }
                }
            }
        }
        return pass(n, in, out, logDet, slope, false);
    }

    /**
     * Backward: dL/din = dL/dout * slope + dL/dlogDet * d(logDet)/din, where d(logDet)/du is 1 for a
     * bond and 1 - 2s for an interval coordinate (forward); -1/b and -(1 - 2s)/(width s (1 - s))
     * (inverse).
     */
    private Pass pass(int n, double[] in, double[] out, double[] logDet, double[] slope, boolean forward) {
        INDArray output = Batches.matrix(out, n, dimension, DataType.DOUBLE), logDets = Batches.vector(logDet);
        return Pass.of(output, logDets, (gradOutput, gradLogDet) -> {
            double[] g = Batches.toDoubles(Batches.gradient(gradOutput, n, dimension, DataType.DOUBLE, "InternalCoordinateDomain"));
            double[] gl = Batches.toDoubles(Batches.gradient(gradLogDet, n, 0, DataType.DOUBLE, "InternalCoordinateDomain"));
            double[] gin = new double[in.length];
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < dimension; j++) {
                    int k = r * dimension + j;
                    double dLogDet = switch (kind[j]) {
                        case 1 -> forward ? 1 : -1 / in[k];
                        case 2 -> {
                            if (forward) yield 1 - 2 * sigmoid(in[k]);
                            double s = fraction(j, in[k]);
                            yield -(1 - 2 * s) / (width[j] * s * (1 - s));
                        }
                        default -> 0;
                    };
                    gin[k] = g[k] * slope[k] + gl[r] * dLogDet;
                }
            }
            return Batches.matrix(gin, n, dimension, DataType.DOUBLE);
        });
    }

    private static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /** log sigmoid(v), stable for large |v|. */
    private static double logSigmoid(double v) {
        return v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v));
    }
}
