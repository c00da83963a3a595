package org.boltzmann4j.bg.forcefield;

import java.util.List;
import java.util.Objects;

/**
 * What createSystem made: the System as OpenMM XmlSerializer XML (the bridge loads it on every
 * platform), and per atom (topology order) the force-field atom type and the partial charge the
 * NonbondedForce gives it, plus the template each residue matched.
 */
public record ParameterizedSystem(String systemXml, List<String> atomTypes, List<Double> charges,
                                  List<String> residueTemplates) {
    public ParameterizedSystem {
        Objects.requireNonNull(systemXml, "systemXml");
        atomTypes = List.copyOf(atomTypes);
        charges = List.copyOf(charges);
        residueTemplates = List.copyOf(residueTemplates);
        if (atomTypes.size() != charges.size()) {
            throw new IllegalArgumentException(atomTypes.size() + " atom types but " + charges.size() + " charges");
        }
    }

    public int atomCount() {
        return atomTypes.size();
    }
}
