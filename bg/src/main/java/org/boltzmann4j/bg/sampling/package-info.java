/**
 * Sampling: OpenMM molecular dynamics runs with checkpoints and resume, and (with a trained
 * flow) the hybrid flow + MD sampler.
 */
package org.boltzmann4j.bg.sampling;
