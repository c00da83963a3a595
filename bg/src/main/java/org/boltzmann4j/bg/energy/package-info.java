/**
 * Target energies U(x): OpenMM through the bindings' context pool, and analytic test potentials
 * (double well, Mueller-Brown, harmonic) whose exact Boltzmann distribution is known.
 */
package org.boltzmann4j.bg.energy;
