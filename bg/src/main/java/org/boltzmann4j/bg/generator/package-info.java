/**
 * Boltzmann generators (Noé et al. 2019, Science 365, eaaw1147): a base density, an invertible
 * flow z -&gt; x and a target energy at a temperature, giving samples with exact model
 * log-densities log q(x) and importance log-weights log w = -U(x)/kT - log q(x) towards the
 * Boltzmann distribution exp(-U/kT) / Z.
 */
package org.boltzmann4j.bg.generator;
