/**
 * Continuous normalizing flows: a time-dependent {@link org.boltzmann4j.bg.cnf.VectorField}, ODE solvers that
 * carry its exact divergence ({@link org.boltzmann4j.bg.cnf.OdeSolver}), the probability path of conditional flow
 * matching, the mean-free Gaussian prior, the E(3)-equivariant network (EGNN), and
 * {@link org.boltzmann4j.bg.cnf.ContinuousFlow}, which makes all of it one more {@link org.boltzmann4j.bg.flow.Transform}.
 * Coordinates of N atoms are rows of length 3N, atom-major (x0, y0, z0, x1, ...), nm.
 */
package org.boltzmann4j.bg.cnf;
