package org.boltzmann4j.bg.sampling;

/**
 * Acceptance of Metropolis-Hastings moves that keep the Boltzmann distribution exp(-U/kT).
 */
public final class MetropolisHastings {
    private MetropolisHastings() {}

    /**
     * log of the acceptance probability of an independence proposal x' ~ q from x:
     * min(0, -(U(x') - U(x))/kT + log q(x) - log q(x')). A proposal with infinite or NaN energy
     * is never accepted; a current state with infinite energy is always left.
     */
    public static double logAcceptIndependence(double uCurrent, double uProposed, double logQCurrent, double logQProposed, double kT) {
        if (Double.isNaN(uProposed) || uProposed == Double.POSITIVE_INFINITY || Double.isNaN(logQProposed)) return Double.NEGATIVE_INFINITY;
        if (uCurrent == Double.POSITIVE_INFINITY) return 0;
        double log = -(uProposed - uCurrent) / kT + (logQCurrent - logQProposed);
        return Double.isNaN(log) ? Double.NEGATIVE_INFINITY : Math.min(0, log);
    }

    /** log of the acceptance probability of an HMC trajectory: min(0, -(H' - H)/kT). */
    public static double logAcceptHamiltonian(double hCurrent, double hProposed, double kT) {
        if (!Double.isFinite(hProposed)) return Double.NEGATIVE_INFINITY;
        return Math.min(0, -(hProposed - hCurrent) / kT);
    }

    /** Decides with a uniform random number u in [0, 1): accepted when log u < log alpha. */
    public static boolean accept(double logAlpha, double uniform) {
        return logAlpha >= 0 || Math.log(uniform) < logAlpha;
    }
}
