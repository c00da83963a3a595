package org.boltzmann4j.bg.coordinates;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where each kind of coordinate sits in an internal-coordinate row, so that a flow can treat
 * torsions as circular and bonds and angles as bounded reals.
 *
 * <p>For N atoms: bonds at [0, N-1) (nm), angles at [N-1, 2N-3) (radians, in [0, pi]), torsions
 * at [2N-3, 3N-6) (radians, in (-pi, pi]), each in the order of {@link ZMatrix#bondAtoms()},
 * {@link ZMatrix#angleAtoms()} and {@link ZMatrix#torsionAtoms()}. With the rigid body, six more
 * at [3N-6, 3N): the position of reference atom r0 (x, y, z in nm), then the orientation as the
 * polar angle (in [0, pi]) and azimuth (in (-pi, pi]) of the direction r0 -> r1 and the spin (in
 * (-pi, pi]) of r2 about that direction.
 *
 * @param atoms N
 * @param rigidBody whether the six rigid-body coordinates are part of the row
 */
public record InternalCoordinateLayout(int atoms, boolean rigidBody) {

    public InternalCoordinateLayout {
        if (atoms < 3) {
            throw new IllegalArgumentException("need at least 3 atoms, got " + atoms);
        }
    }

    /** 3N with the rigid body, 3N-6 without. */
    public int dimension() {
        return rigidBody ? 3 * atoms : 3 * atoms - 6;
    }

    public int[] bondIndices() {
        return IntStream.range(0, atoms - 1).toArray();
    }

    public int[] angleIndices() {
        return IntStream.range(atoms - 1, 2 * atoms - 3).toArray();
    }

    public int[] torsionIndices() {
        return IntStream.range(2 * atoms - 3, 3 * atoms - 6).toArray();
    }

    /** Position x, y, z, then polar, azimuth, spin; empty without the rigid body. */
    public int[] rigidIndices() {
        return rigidBody ? IntStream.range(3 * atoms - 6, 3 * atoms).toArray() : new int[0];
    }

    /** Coordinates that live on a circle, (-pi, pi] with -pi = pi: torsions, and azimuth and spin. */
    public int[] circularIndices() {
        int[] torsions = torsionIndices();
        if (!rigidBody) {
            return torsions;
        }
        int[] all = Arrays.copyOf(torsions, torsions.length + 2);
        all[torsions.length] = 3 * atoms - 2;
        all[torsions.length + 1] = 3 * atoms - 1;
        return all;
    }

    /**
     * A fixed {@link ElementwiseAffine} whose forward map takes standardised coordinates to internal
     * coordinates: the coordinates marked in {@code include} (bonds and angles, in their
     * unconstrained form for a flow, and bounded torsions) as mean + std * z with (mean, std) fitted
     * on {@code ic} (a trajectory, (m, dimension())), the others unchanged. Its log|det| is the
     * constant sum of log std. Circular torsions stay angles because their natural base density is
     * uniform on the circle, not a Gaussian.
     *
     * @throws IllegalArgumentException if an included coordinate is constant in the data (e.g. a
     *     constrained bond), which has no density to standardise
     */
    public ElementwiseAffine standardization(INDArray ic, boolean[] include) {
        int m = Batches.requireBatch(ic, dimension(), DataType.DOUBLE, "standardization");
        if (m < 2) {
            throw new IllegalArgumentException("standardization needs at least 2 frames, got " + m);
        }
        int d = dimension();
        if (include.length != d) throw new IllegalArgumentException("include has " + include.length + " entries, expected " + d);
        double[] a = Batches.toDoubles(ic);
        double[] shift = new double[d];
        double[] logScale = new double[d];
        for (int j = 0; j < d; j++) {
            if (!include[j]) continue;
            double mean = 0;
            for (int r = 0; r < m; r++) {
                mean += a[r * d + j];
            }
            mean /= m;
            double var = 0;
            for (int r = 0; r < m; r++) {
                double c = a[r * d + j] - mean;
                var += c * c;
            }
            var /= m - 1;
            if (!(var > 0)) {
                throw new IllegalArgumentException((j < atoms - 1 ? "bond " + j : j < 2 * atoms - 3 ? "angle " + (j - atoms + 1) : "torsion " + (j - 2 * atoms + 3))
                        + " is constant in the data; remove constrained coordinates before standardising");
            }
            shift[j] = mean;
            logScale[j] = 0.5 * Math.log(var);
        }
        return ElementwiseAffine.fixed(shift, logScale, DataType.DOUBLE);
    }
}
