package org.boltzmann4j.bg.sampling;

import java.util.random.RandomGenerator;

/**
 * An independence proposal for Metropolis-Hastings: draws configurations x' ~ q with their
 * log-density, and gives log q(x) of any configuration (the current state of a chain). A trained
 * Boltzmann generator is one; a fixed Gaussian is another (tests, toy systems).
 *
 * <p>Coordinates are flat rows of {@link #dimension()} doubles (nm for molecules); log q is the
 * density in those coordinates, up to a constant that must be the same for draws and for
 * {@link #logQ}. A draw whose log q is NaN lies outside the proposal's support (e.g. a TBG draw that is a
 * diastereomer) and is never accepted ({@link MetropolisHastings#logAcceptIndependence}).
 */
public interface Proposal {
    int dimension();

    /** n draws: x (n * dimension) and their log q (n). */
    Draws draw(int n, RandomGenerator random);

    /** log q of n configurations (n * dimension). */
    double[] logQ(double[] x, int n);

    record Draws(double[] x, double[] logQ) {}
}
