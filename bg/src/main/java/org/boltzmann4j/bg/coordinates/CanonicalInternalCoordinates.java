package org.boltzmann4j.bg.coordinates;

import java.util.List;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Internal coordinates without the rigid body, as Boltzmann generators use them (the density lives
 * on the 3N-6 internal coordinates; cf. bgflow's global internal coordinate transformation):
 * forward maps the 3N-6 internal coordinates to Cartesian coordinates in the canonical frame
 * (reference atom r0 at the origin, r1 on the +x axis, r2 in the xy plane with y > 0); inverse
 * maps Cartesian coordinates in any frame to their internal coordinates, discarding position and
 * orientation. Its two sides differ in size ((n, 3N-6) and (n, 3N): {@link #outputDimension()}),
 * so it closes a flow on the 3N-6 internal coordinates.
 *
 * <p>log|det| of forward is that of the 3N-6 -> 3N-6 map from the internal coordinates to the
 * free Cartesian coordinates of the canonical frame (r1.x, r2.x, r2.y and all coordinates of the
 * other atoms), log b2 + sum over the other N-3 atoms of log(b^2 sin theta), plus the log of the
 * rotational volume element b1^2 b2 sin theta2 of the shape: log(b1^2) + log(b2^2 sin theta2) + sum
 * log(b^2 sin theta), the full 3N map of {@link InternalCoordinates} at sin alpha = 1. With it, the
 * flow's log q is the density of its shapes with respect to the measure in which the Boltzmann
 * density of a shape is exp(-U/kT) itself (the orientations integrated out), so log w = -U/kT - log q
 * and every importance weight and acceptance ratio built on it need no correction; without it they
 * would be biased by the rotational volume element, which varies with b1, b2 and theta2. Inverse
 * returns its negative at the internal coordinates of x.
 */
public final class CanonicalInternalCoordinates implements Transform {

    private final ZMatrix zMatrix;
    private final Nerf kernel;
    private final InternalCoordinateLayout layout;

    public CanonicalInternalCoordinates(ZMatrix zMatrix) {
        this.zMatrix = zMatrix;
        this.kernel = new Nerf(zMatrix, false);
        this.layout = new InternalCoordinateLayout(zMatrix.atomCount(), false);
    }

    public ZMatrix zMatrix() {
        return zMatrix;
    }

    public InternalCoordinateLayout layout() {
        return layout;
    }

    /** 3N-6: the internal side. */
    @Override
    public int dimension() {
        return 3 * zMatrix.atomCount() - 6;
    }

    /** 3N: the Cartesian side. */
    @Override
    public int outputDimension() {
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

    /** Internal (n, 3N-6) -> canonical-frame Cartesian (n, 3N), log|det| of the 3N-6 map. */
    @Override
    public Transform.Pass forwardPass(INDArray internal) {
        int n = Batches.requireBatch(internal, dimension(), DataType.DOUBLE, "CanonicalInternalCoordinates.forward");
        return InternalCoordinates.KernelPass.forward(kernel, Batches.contiguous(internal), n);
    }

    /**
     * Cartesian (n, 3N), any frame -> internal (n, 3N-6), minus the forward log|det|. Backward
     * returns dL/dx, which is invariant to rotations and translations (no force on the rigid body).
     */
    @Override
    public Transform.Pass inversePass(INDArray x) {
        int n = Batches.requireBatch(x, outputDimension(), DataType.DOUBLE, "CanonicalInternalCoordinates.inverse");
        return InternalCoordinates.KernelPass.inverse(kernel, Batches.contiguous(x), n);
    }

}
