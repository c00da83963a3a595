package org.boltzmann4j.bg.peptide;

import java.util.List;
import org.boltzmann4j.bg.forcefield.ForceField;
import org.boltzmann4j.bg.forcefield.ParameterizedSystem;
import org.boltzmann4j.bg.io.Topology;

/**
 * Equilibrium bond lengths and angles from a force field, by the atom types its createSystem gave
 * each atom; remembers the {@link ParameterizedSystem} it made, because the System does not depend
 * on coordinates and is then written as it is (one template match per peptide, not two).
 */
final class ForceFieldGeometry implements EquilibriumGeometry.Source {

    private final ForceField forceField;
    private final ForceField.Options options;
    private Topology topology;
    private ParameterizedSystem system;

    ForceFieldGeometry(ForceField forceField, ForceField.Options options) {
        this.forceField = forceField;
        this.options = options;
    }

    @Override
    public EquilibriumGeometry of(Topology t) {
        if (system == null || !t.equals(topology)) {
            system = forceField.createSystem(t, options);
            topology = t;
        }
        List<String> types = system.atomTypes();
        return new EquilibriumGeometry() {
            @Override
            public double bondNm(int i, int j) {
                return forceField.bond(types.get(i), types.get(j)).map(ForceField.BondParameters::lengthNm).orElse(Double.NaN);
            }

            @Override
            public double angleRad(int i, int j, int k) {
                return forceField.angle(types.get(i), types.get(j), types.get(k)).map(ForceField.AngleParameters::angleRad)
                        .orElse(Double.NaN);
            }
        };
    }

    /** The System made for the last topology asked about. */
    ParameterizedSystem system() {
        return system;
    }
}
