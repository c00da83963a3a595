/**
 * Force fields: OpenMM's force-field XML files (ffxml) read in Java, residue templates matched to
 * a {@link org.boltzmann4j.bg.io.Topology}, and the OpenMM System written as XmlSerializer XML,
 * the same System that OpenMM Python's {@code ForceField.createSystem} builds, without Python.
 *
 * <p>OpenMM's C++ library has no force-field assignment (it lives in OpenMM's Python layer), so
 * {@link org.boltzmann4j.bg.forcefield.ForceField} replicates that layer's rules: atom types and
 * classes, residue templates with terminal variants, harmonic bonds and angles, periodic proper
 * and improper torsions with wildcards and the most specific match winning, Amber improper
 * ordering, nonbonded parameters with 1-4 scaling, and the implicit solvents (amber99_obc's
 * native GBSAOBCForce; implicit/obc1, obc2 and gbn2 as the CustomGBForce the Python layer
 * builds; and the native GBSAOBCForce with the standard OBC2 radii and scales). Each ffxml is
 * parsed once per JVM. What the reader does not support is refused with one line naming the file
 * and the element, never silently skipped.
 */
package org.boltzmann4j.bg.forcefield;
