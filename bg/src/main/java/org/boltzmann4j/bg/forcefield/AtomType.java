package org.boltzmann4j.bg.forcefield;

import java.util.Objects;

/**
 * An atom type of a force field: its name (unique in the force field), its class (what bonded
 * parameters usually refer to), its element symbol (empty for virtual particles) and its mass in
 * amu, which becomes the particle's mass in the System.
 */
public record AtomType(String name, String atomClass, String element, double massAmu) {
    public AtomType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(atomClass, "atomClass");
        Objects.requireNonNull(element, "element");
    }
}
