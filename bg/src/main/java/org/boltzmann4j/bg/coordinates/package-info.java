/**
 * Internal coordinates as exact, invertible transforms for Boltzmann generators.
 *
 * <p>A {@link org.boltzmann4j.bg.coordinates.ZMatrix} (built from any molecule's bond graph,
 * independent of atom numbering, rings included since it is a spanning tree) says which bond,
 * angle and torsion places each atom. {@link org.boltzmann4j.bg.coordinates.InternalCoordinates}
 * is the 3N <-> 3N bijection with the six rigid-body degrees of freedom explicit; {@link
 * org.boltzmann4j.bg.coordinates.CanonicalInternalCoordinates} is the 3N-6 map in a canonical
 * molecular frame that Boltzmann generators learn densities on. Both give exact
 * log-determinants (products of spherical-coordinate Jacobians, b^2 sin theta per atom) and
 * hand-written reverse-mode derivatives, so OpenMM forces can be backpropagated to the internal
 * coordinates. {@link org.boltzmann4j.bg.coordinates.InternalCoordinateLayout} tells a flow which
 * columns are bonds, angles, torsions (circular) and rigid-body coordinates, and fits the
 * standardisation of bonds and angles.
 */
package org.boltzmann4j.bg.coordinates;
