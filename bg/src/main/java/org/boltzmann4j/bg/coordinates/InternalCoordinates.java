package org.boltzmann4j.bg.coordinates;

import org.boltzmann4j.bg.tensor.Batches;
import java.util.List;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Internal coordinates with the rigid body kept explicitly: a bijection between Cartesian
 * coordinates x in R^{3N} (nm, atom-major (x1, y1, z1, x2, ...)) and 3N-6 internal coordinates
 * (bonds, angles, torsions of a {@link ZMatrix}) plus 6 rigid-body coordinates (position of
 * reference atom r0, orientation as polar angle, azimuth and spin), laid out as described by
 * {@link InternalCoordinateLayout}. Forward is internal -> Cartesian, so that it is the last layer
 * of a Boltzmann generator. float64 only; no parameters.
 *
 * <p>log|det dx/d(ic)| = log(b1^2 sin alpha) + log(b2^2 sin theta2) + sum over the other N-3 atoms
 * of log(b^2 sin theta), with b1 = |r1 - r0|, b2 = |r2 - r0|, theta2 the angle r2-r0-r1 and alpha
 * the polar angle of r1 - r0. Why: each atom depends only on its own three coordinates and on
 * atoms placed before it, so with atoms in placement order the Jacobian is block lower triangular
 * and its determinant is the product of the 3x3 diagonal blocks. r0 = (x, y, z) gives 1; r1 is in
 * spherical coordinates (b1, alpha, beta) about r0, r2 in spherical coordinates (b2, theta2,
 * gamma) about r0 with polar axis r1 - r0, and every other atom in spherical coordinates (b, theta,
 * phi) about x_j with polar axis x_k - x_j (NeRF); a spherical block in an orthonormal frame has
 * |det| = radius^2 sin(polar angle). The inverse returns the negative.
 *
 * <p>Coordinates outside their ranges (negative bonds, angles outside [0, pi], polar angle outside
 * [0, pi]) are still mapped by forward, but inverse returns the equivalent in-range values; a
 * polar angle or bond angle of exactly 0 or pi makes the map singular (log|det| = -infinity).
 *
 * <p>Boltzmann generators usually drop the rigid body, whose density is uniform (translations) or
 * Haar (rotations) and carries no information about the energy: see {@link
 * CanonicalInternalCoordinates}, and {@link #toInternal}/{@link #fromInternal} here.
 */
public final class InternalCoordinates implements Transform {

    private final ZMatrix zMatrix;
    private final Nerf kernel;
    private final Nerf canonical;
    private final InternalCoordinateLayout layout;

    public InternalCoordinates(ZMatrix zMatrix) {
        this.zMatrix = zMatrix;
        this.kernel = new Nerf(zMatrix, true);
        this.canonical = new Nerf(zMatrix, false);
        this.layout = new InternalCoordinateLayout(zMatrix.atomCount(), true);
    }

    /** Built from a bond graph; see {@link ZMatrix#fromBondGraph(int, int[][], String[], String[])}. */
    public static InternalCoordinates fromBondGraph(int atomCount, int[][] bonds, String[] elements, String[] names) {
        return new InternalCoordinates(ZMatrix.fromBondGraph(atomCount, bonds, elements, names));
    }

    public ZMatrix zMatrix() {
        return zMatrix;
    }

    public InternalCoordinateLayout layout() {
        return layout;
    }

    /** 3N: both sides of the map. */
    @Override
    public int dimension() {
        return 3 * zMatrix.atomCount();
    }

    @Override
    public DataType dataType() {
        return DataType.DOUBLE;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    /** Internal coordinates (n, 3N) -> Cartesian (n, 3N), log|det dx/d(ic)|. */
    @Override
    public Pass forwardPass(INDArray ic) {
        int n = Batches.requireBatch(ic, dimension(), DataType.DOUBLE, "InternalCoordinates.forward");
        double[] in = Batches.toDoubles(ic);
        double[] x = new double[n * dimension()];
        double[] logDet = kernel.forward(in, x, n);
        return new KernelPass(kernel, true, in, x, n, Batches.matrix(x, n, dimension(), DataType.DOUBLE), Batches.vector(logDet));
    }

    /** Cartesian (n, 3N) -> internal coordinates (n, 3N), log|det d(ic)/dx|. */
    @Override
    public Pass inversePass(INDArray x) {
        int n = Batches.requireBatch(x, dimension(), DataType.DOUBLE, "InternalCoordinates.inverse");
        double[] in = Batches.toDoubles(x);
        double[] ic = new double[n * dimension()];
        double[] logDet = kernel.inverse(in, ic, n);
        return new KernelPass(kernel, false, ic, in, n, Batches.matrix(ic, n, dimension(), DataType.DOUBLE), Batches.vector(logDet));
    }

    /** The 3N-6 internal coordinates (n, 3N-6) and, separately, the 6 rigid-body ones (n, 6). */
    public Split toInternal(INDArray x) {
        int n = Batches.requireBatch(x, dimension(), DataType.DOUBLE, "InternalCoordinates.toInternal");
        int d = dimension();
        double[] ic = new double[n * d];
        kernel.inverse(Batches.toDoubles(x), ic, n);
        double[] internal = new double[n * (d - 6)];
        double[] rigid = new double[n * 6];
        for (int s = 0; s < n; s++) {
            System.arraycopy(ic, s * d, internal, s * (d - 6), d - 6);
            System.arraycopy(ic, s * d + d - 6, rigid, s * 6, 6);
        }
        return new Split(Batches.matrix(internal, n, d - 6, DataType.DOUBLE), Batches.matrix(rigid, n, 6, DataType.DOUBLE));
    }

    /** Cartesian (n, 3N) from internal (n, 3N-6) and rigid-body (n, 6) coordinates. */
    public INDArray fromInternal(INDArray internal, INDArray rigid) {
        int d = dimension();
        int n = Batches.requireBatch(internal, d - 6, DataType.DOUBLE, "InternalCoordinates.fromInternal");
        if (Batches.requireBatch(rigid, 6, DataType.DOUBLE, "InternalCoordinates.fromInternal (rigid)") != n) {
            throw new IllegalArgumentException("internal has " + n + " rows, rigid " + rigid.size(0));
        }
        double[] a = Batches.toDoubles(internal);
        double[] r = Batches.toDoubles(rigid);
        double[] ic = new double[n * d];
        for (int s = 0; s < n; s++) {
            System.arraycopy(a, s * (d - 6), ic, s * d, d - 6);
            System.arraycopy(r, s * 6, ic, s * d + d - 6, 6);
        }
        double[] x = new double[n * d];
        kernel.forward(ic, x, n);
        return Batches.matrix(x, n, d, DataType.DOUBLE);
    }

    /**
     * Cartesian (n, 3N) from internal coordinates (n, 3N-6) in the canonical frame: r0 at the
     * origin, r1 on the +x axis, r2 in the xy plane with y > 0.
     */
    public INDArray fromInternal(INDArray internal) {
        int d = dimension();
        int n = Batches.requireBatch(internal, d - 6, DataType.DOUBLE, "InternalCoordinates.fromInternal");
        double[] x = new double[n * d];
        canonical.forward(Batches.toDoubles(internal), x, n);
        return Batches.matrix(x, n, d, DataType.DOUBLE);
    }

    /** Internal (n, 3N-6) and rigid-body (n, 6) coordinates of a batch. */
    public record Split(INDArray internal, INDArray rigid) {}

    /**
     * A pass of either kernel in either direction. It keeps the internal coordinates and the
     * Cartesian ones of the batch, which is all the reverse mode needs.
     */
    record KernelPass(Nerf kernel, boolean forward, double[] ic, double[] x, int n, INDArray output,
            INDArray logDet) implements Pass {

        @Override
        public INDArray backward(INDArray gradOutput, INDArray gradLogDet) {
            int d3 = 3 * kernel.atoms;
            double[] gl = Batches.toDoubles(Batches.gradient(gradLogDet, n, 0, DataType.DOUBLE, "gradLogDet"));
            if (forward) {
                double[] gx = Batches.toDoubles(Batches.gradient(gradOutput, n, d3, DataType.DOUBLE, "gradOutput"));
                return Batches.matrix(kernel.forwardBackward(ic, x, gx, gl, n), n, kernel.dimension, DataType.DOUBLE);
            }
            double[] gic = Batches.toDoubles(Batches.gradient(gradOutput, n, kernel.dimension, DataType.DOUBLE, "gradOutput"));
            return Batches.matrix(kernel.inverseBackward(x, ic, gic, gl, n), n, d3, DataType.DOUBLE);
        }
    }
}
