package org.boltzmann4j.bg.tbg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import org.boltzmann4j.bg.io.Topology;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The conditioning vocabulary: each atom's canonical type (its name with the digits of equivalent atoms
 * dropped: HB1/HB2/HB3 -> HB; ring hydrogens keep theirs), its residue's position in the chain and its
 * amino-acid type, one-hot, concatenated: features() is (N, width()). CONTRACT SKELETON (conditioning branch).
 */
public final class AtomVocabulary {

    /** The vocabulary that covers these topologies (types in sorted order, positions up to the longest chain). */
    public static AtomVocabulary covering(Collection<Topology> topologies) {
        throw new UnsupportedOperationException("AtomVocabulary: contract skeleton, filled by the conditioning branch");
    }

    /** The canonical type of an atom name in a residue ("ALA", "HB2" -> "HB"). */
    public static String canonicalType(String residueName, String atomName) {
        throw new UnsupportedOperationException();
    }

    /** The number of features per atom. */
    public int width() {
        throw new UnsupportedOperationException();
    }

    /**
     * Features of every atom (N, width()), float64; an atom, residue or position outside the vocabulary
     * is refused with an IllegalArgumentException naming it.
     */
    public INDArray features(Topology topology) {
        throw new UnsupportedOperationException();
    }

    /** Groups of atom indices (size >= 2) with identical features: exchangeable under the flow's symmetry. */
    public int[][] equivalentGroups(Topology topology) {
        throw new UnsupportedOperationException();
    }

    /** The vocabulary as JSON, for the model folder. */
    public ObjectNode toJson() {
        throw new UnsupportedOperationException();
    }

    public static AtomVocabulary fromJson(JsonNode json) {
        throw new UnsupportedOperationException();
    }
}
