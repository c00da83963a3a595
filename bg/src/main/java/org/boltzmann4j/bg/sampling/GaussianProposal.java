package org.boltzmann4j.bg.sampling;

import java.util.random.RandomGenerator;

/** A fixed diagonal Gaussian proposal N(mean, diag(sigma^2)): exact log-density, for tests and toys. */
public final class GaussianProposal implements Proposal {
    private final double[] mean;
    private final double[] sigma;
    private final double logNorm;

    public GaussianProposal(double[] mean, double[] sigma) {
        if (mean.length != sigma.length) throw new IllegalArgumentException("mean and sigma differ in length");
        this.mean = mean.clone();
        this.sigma = sigma.clone();
        double c = 0;
        for (double s : sigma) {
            if (!(s > 0)) throw new IllegalArgumentException("sigma must be > 0, got " + s);
            c += Math.log(s) + 0.5 * Math.log(2 * Math.PI);
        }
        logNorm = c;
    }

    @Override
    public int dimension() {
        return mean.length;
    }

    @Override
    public Draws draw(int n, RandomGenerator random) {
        int d = mean.length;
        double[] x = new double[n * d];
        for (int i = 0; i < n * d; i++) x[i] = mean[i % d] + sigma[i % d] * random.nextGaussian();
        return new Draws(x, logQ(x, n));
    }

    @Override
    public double[] logQ(double[] x, int n) {
        int d = mean.length;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double u = (x[i * d + k] - mean[k]) / sigma[k];
                s += u * u;
            }
            out[i] = -0.5 * s - logNorm;
        }
        return out;
    }
}
