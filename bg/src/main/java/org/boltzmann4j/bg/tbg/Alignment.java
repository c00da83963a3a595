package org.boltzmann4j.bg.tbg;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Aligns data to its prior partner before flow matching: the optimal rotation (Kabsch, proper rotations
 * only) of each mean-free data row onto its prior row, and optionally the permutation within each group of
 * equivalent atoms that minimises the squared distance. CONTRACT SKELETON (conditioning branch).
 */
public final class Alignment {

    /** Groups of exchangeable atoms (from AtomVocabulary.equivalentGroups); empty for rotation only. */
    public Alignment(int atoms, int[][] equivalentGroups) {
        throw new UnsupportedOperationException("Alignment: contract skeleton, filled by the conditioning branch");
    }

    /** Rows of data (B, 3N), each aligned to the same row of prior (B, 3N); a new array. */
    public INDArray align(INDArray data, INDArray prior) {
        throw new UnsupportedOperationException();
    }
}
