package org.boltzmann4j.bg.tbg;

import org.boltzmann4j.bg.io.Topology;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sample's bond graph from its distances (a pair is bonded below 0.14 nm with a hydrogen, 0.22 nm with
 * sulfur, 0.18 nm otherwise, as the TBG paper's check) against the topology's bonds. CONTRACT SKELETON
 * (conditioning branch).
 */
public final class BondGraph {

    public static BondGraph of(Topology topology) {
        throw new UnsupportedOperationException("BondGraph: contract skeleton, filled by the conditioning branch");
    }

    /** Per row of x (B, 3N): true when the bonds from distances are exactly the topology's. */
    public boolean[] matches(INDArray x) {
        throw new UnsupportedOperationException();
    }
}
