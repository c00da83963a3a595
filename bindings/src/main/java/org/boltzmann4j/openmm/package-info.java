/**
 * A small Java API over OpenMM, through the jextract-generated bindings in {@code ffi} to the C
 * bridge in native/: {@link org.boltzmann4j.openmm.OpenMM} (version, platforms),
 * {@link org.boltzmann4j.openmm.OpenMMSystem} (from XML), {@link org.boltzmann4j.openmm.Context}
 * (energies, forces, dynamics) and {@link org.boltzmann4j.openmm.ContextPool} (a batch on all
 * cores). Units: nm, ps, K, kJ/mol, amu. Errors are {@link org.boltzmann4j.openmm.OpenMMException}s
 * carrying OpenMM's message; nothing here knows about machine learning.
 */
package org.boltzmann4j.openmm;
