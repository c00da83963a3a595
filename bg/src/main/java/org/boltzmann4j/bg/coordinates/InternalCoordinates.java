package org.boltzmann4j.bg.coordinates;

import java.util.List;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
        return KernelPass.forward(kernel, Batches.contiguous(ic), n);
    }

    /** Cartesian (n, 3N) -> internal coordinates (n, 3N), log|det d(ic)/dx|. */
    @Override
    public Pass inversePass(INDArray x) {
        int n = Batches.requireBatch(x, dimension(), DataType.DOUBLE, "InternalCoordinates.inverse");
        return KernelPass.inverse(kernel, Batches.contiguous(x), n);
    }

    /** The 3N-6 internal coordinates (n, 3N-6) and, separately, the 6 rigid-body ones (n, 6). */
    public Split toInternal(INDArray x) {
        int n = Batches.requireBatch(x, dimension(), DataType.DOUBLE, "InternalCoordinates.toInternal");
        int d = dimension();
        INDArray ic = inversePass(x).output();
        return new Split(ic.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d - 6)).dup('c'),
                ic.get(NDArrayIndex.all(), NDArrayIndex.interval(d - 6, d)).dup('c'));
    }

    /** Cartesian (n, 3N) from internal (n, 3N-6) and rigid-body (n, 6) coordinates. */
    public INDArray fromInternal(INDArray internal, INDArray rigid) {
        int d = dimension();
        int n = Batches.requireBatch(internal, d - 6, DataType.DOUBLE, "InternalCoordinates.fromInternal");
        if (Batches.requireBatch(rigid, 6, DataType.DOUBLE, "InternalCoordinates.fromInternal (rigid)") != n) {
            throw new IllegalArgumentException("internal has " + n + " rows, rigid " + rigid.size(0));
        }
        return forwardPass(Nd4j.hstack(internal, rigid)).output();
    }

    /**
     * Cartesian (n, 3N) from internal coordinates (n, 3N-6) in the canonical frame: r0 at the
     * origin, r1 on the +x axis, r2 in the xy plane with y > 0.
     */
    public INDArray fromInternal(INDArray internal) {
        int d = dimension();
        int n = Batches.requireBatch(internal, d - 6, DataType.DOUBLE, "InternalCoordinates.fromInternal");
        return KernelPass.forward(canonical, Batches.contiguous(internal), n).output();
    }

    /** Internal (n, 3N-6) and rigid-body (n, 6) coordinates of a batch. */
    public record Split(INDArray internal, INDArray rigid) {}

    /**
     * A pass of either kernel in either direction. It keeps the internal coordinates and the
     * Cartesian ones of the batch (dense float64 arrays, the input itself and the output), which is
     * all the reverse mode needs.
     */
    record KernelPass(Nerf kernel, boolean forward, INDArray ic, INDArray x, int n, INDArray output,
            INDArray logDet) implements Pass {

        static KernelPass forward(Nerf kernel, INDArray ic, int n) {
            INDArray x = Batches.uninitialized(DataType.DOUBLE, n, 3 * kernel.atoms);
            INDArray logDet = Nd4j.createUninitialized(DataType.DOUBLE, n);
            kernel.forward(Values.of(ic), Values.of(x), Values.of(logDet), n);
            return new KernelPass(kernel, true, ic, x, n, x, logDet);
        }

        static KernelPass inverse(Nerf kernel, INDArray x, int n) {
            INDArray ic = Batches.uninitialized(DataType.DOUBLE, n, kernel.dimension);
            INDArray logDet = Nd4j.createUninitialized(DataType.DOUBLE, n);
            kernel.inverse(Values.of(x), Values.of(ic), Values.of(logDet), n);
            return new KernelPass(kernel, false, ic, x, n, ic, logDet);
        }

        @Override
        public INDArray backward(INDArray gradOutput, INDArray gradLogDet) {
            int d3 = 3 * kernel.atoms;
            Values gl = Values.of(Batches.gradient(gradLogDet, n, 0, DataType.DOUBLE, "gradLogDet"));
            if (forward) {
                Values gx = Values.of(Batches.gradient(gradOutput, n, d3, DataType.DOUBLE, "gradOutput"));
                INDArray gic = Batches.uninitialized(DataType.DOUBLE, n, kernel.dimension);
                kernel.forwardBackward(Values.of(ic), Values.of(x), gx, gl, Values.of(gic), n);
                return gic;
            }
            Values gic = Values.of(Batches.gradient(gradOutput, n, kernel.dimension, DataType.DOUBLE, "gradOutput"));
            INDArray gx = Batches.uninitialized(DataType.DOUBLE, n, d3);
            kernel.inverseBackward(Values.of(x), Values.of(ic), gic, gl, Values.of(gx), n);
            return gx;
        }
    }
}
