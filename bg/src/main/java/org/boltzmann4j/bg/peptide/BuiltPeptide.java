package org.boltzmann4j.bg.peptide;

import java.util.List;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Topology;

/**
 * A built (or completed) peptide: its topology in amber's residue and atom names, coordinates in
 * nm (3 per atom, atom order of the topology), and the backbone torsions (phi, psi per residue,
 * degrees; NaN where undefined) it was built with.
 */
public record BuiltPeptide(Topology topology, double[] positionsNm, List<double[]> phiPsiDeg) {

    public BuiltPeptide {
        if (positionsNm.length != 3 * topology.atomCount()) {
            throw new IllegalArgumentException(positionsNm.length + " coordinates for " + topology.atomCount() + " atoms");
        }
        positionsNm = positionsNm.clone();
        phiPsiDeg = List.copyOf(phiPsiDeg);
    }

    @Override
    public double[] positionsNm() {
        return positionsNm.clone();
    }

    /** The coordinates as one frame. */
    public Frames frames() {
        return Frames.single(positionsNm.clone());
    }

    /** The same peptide at other coordinates (a minimized structure, say). */
    public BuiltPeptide withPositionsNm(double[] xyz) {
        return new BuiltPeptide(topology, xyz, phiPsiDeg);
    }
}
