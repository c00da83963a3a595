/**
 * Peptide structures from a sequence: residue templates as internal coordinates (a z-matrix per
 * residue, heavy atoms and hydrogens, in the atom naming of OpenMM's amber14 residue templates),
 * a chain builder that places them with trans peptide bonds, L-chirality at every CA and chosen
 * or randomly drawn backbone torsions, and the completion of a structure made elsewhere by the
 * hydrogens it lacks.
 *
 * <p>{@link org.boltzmann4j.bg.peptide.PeptideBuilder} is the entry point: a
 * {@link org.boltzmann4j.bg.peptide.Sequence} and {@link org.boltzmann4j.bg.peptide.BuildOptions}
 * give a {@link org.boltzmann4j.bg.peptide.BuiltPeptide} (topology and coordinates in nm);
 * {@code bg build} writes it with a force field's System.
 */
package org.boltzmann4j.bg.peptide;
