package org.boltzmann4j.bg.peptide;

import org.boltzmann4j.bg.io.Topology;

/**
 * Equilibrium bond lengths and angles of a molecule's atoms, by atom index, from a force field
 * (so that built structures sit at its minima of the bond and angle terms). NaN where the source
 * has no value; the builder then uses standard values (see {@link ResidueTemplate}).
 */
public interface EquilibriumGeometry {

    /** Equilibrium length of the bond i-j, nm, or NaN. */
    double bondNm(int i, int j);

    /** Equilibrium angle i-j-k (j the centre), radians, or NaN. */
    double angleRad(int i, int j, int k);

    /** A source that knows nothing: every value comes from the standard tables. */
    EquilibriumGeometry STANDARD = new EquilibriumGeometry() {
        @Override
        public double bondNm(int i, int j) {
            return Double.NaN;
        }

        @Override
        public double angleRad(int i, int j, int k) {
            return Double.NaN;
        }
    };

    /** Gives the geometry of a topology (a force field assigns its atom types first). */
    @FunctionalInterface
    interface Source {
        EquilibriumGeometry of(Topology topology);

        /** Standard values only. */
        Source STANDARD = topology -> EquilibriumGeometry.STANDARD;
    }
}
