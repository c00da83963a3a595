/**
 * Target energies U(x): OpenMM through the bindings' context pool ({@link
 * org.boltzmann4j.bg.energy.OpenMMEnergy}), and analytic test potentials whose exact Boltzmann
 * distribution is known ({@link org.boltzmann4j.bg.energy.DoubleWell1D}, {@link
 * org.boltzmann4j.bg.energy.DoubleWell2D}, {@link org.boltzmann4j.bg.energy.MuellerBrown}, {@link
 * org.boltzmann4j.bg.energy.Harmonic}, all {@link org.boltzmann4j.bg.energy.AnalyticEnergy}
 * with exact gradients). {@link org.boltzmann4j.bg.energy.RegularizedEnergy} wraps any of them
 * for training by energy: log-linear above a cutoff, and a finite ceiling with zero gradient for
 * NaN or infinite energies.
 */
package org.boltzmann4j.bg.energy;
