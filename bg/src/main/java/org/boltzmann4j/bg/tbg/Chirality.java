package org.boltzmann4j.bg.tbg;

import org.boltzmann4j.bg.io.Topology;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The handedness of a peptide's stereocentres (every CA but glycine's, and the CB of THR and ILE): the
 * sign of the volume of the neighbours around each centre, taken from a reference structure. A sample
 * with any sign wrong is the mirror image (an E(3)-equivariant flow samples both); x -> -x fixes it and
 * keeps q and the energy. CONTRACT SKELETON (conditioning branch).
 */
public final class Chirality {

    /** The stereocentres of this topology with their signs in the reference coordinates (3N, nm). */
    public static Chirality of(Topology topology, double[] referenceCoordinates) {
        throw new UnsupportedOperationException("Chirality: contract skeleton, filled by the conditioning branch");
    }

    /** The number of stereocentres. */
    public int centres() {
        throw new UnsupportedOperationException();
    }

    /** Per row of x (B, 3N): true when every centre has the reference's sign. */
    public boolean[] correct(INDArray x) {
        throw new UnsupportedOperationException();
    }

    /** Mirrors (x -> -x) in place every row whose chirality is wrong; returns the rows mirrored. */
    public boolean[] fix(INDArray x) {
        throw new UnsupportedOperationException();
    }
}
