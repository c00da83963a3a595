/**
 * The transferable Boltzmann generator (TBG; Klein and Noe, NeurIPS 2024): one continuous flow on
 * all-atom Cartesian coordinates for many peptides, conditioned on each atom's type, residue position and
 * amino acid; its vocabulary, the checks that make samples valid (chirality, bond graph), alignment of data
 * to prior samples, the model folder, training by flow matching and sampling with exact likelihoods.
 */
package org.boltzmann4j.bg.tbg;
