package org.boltzmann4j.bg.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.boltzmann4j.bg.coordinates.CanonicalInternalCoordinates;
import org.boltzmann4j.bg.coordinates.InternalCoordinateDomain;
import org.boltzmann4j.bg.coordinates.ZMatrix;
import org.boltzmann4j.bg.energy.AnalyticEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Flow;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The importance weights of a flow on internal coordinates target the Boltzmann distribution of
 * the molecule in Cartesian space, orientations integrated out: a triatomic with soft harmonic
 * bonds b1, b2 (to atom 0) and angle theta, U = k/2 ((b1 - 1)^2 + (b2 - 1)^2) + k/2 (theta -
 * 1.9)^2, kT = 1. Its exact marginals are p(b) ~ b^2 exp(-k (b - 1)^2 / 2) and p(theta) ~ sin theta
 * exp(-k (theta - 1.9)^2 / 2) (the b^2 and sin theta are the volume elements of the directions in
 * space), so the self-normalised reweighted means of b1, b2 and theta from a plain Gaussian
 * proposal must equal those of the quadratures within their statistical error. Without the
 * rotational volume element b1^2 b2 sin theta in log q, the mean of b1 would come out near 1.0
 * instead of 1.38.
 */
class RotationalVolumeTest {
    private static final double K = 4;
    private static final double THETA0 = 1.9;

    /** The triatomic's energy from Cartesian coordinates (nm), atom 0 the centre. */
    private static final AnalyticEnergy TRIATOMIC = new AnalyticEnergy() {
        @Override
        public int dimension() {
            return 9;
        }

        @Override
        public double energy(double[] x, int o, double[] gradient) {
            if (gradient != null) throw new UnsupportedOperationException("energy only");
            double[] u = new double[3], v = new double[3];
            for (int c = 0; c < 3; c++) {
                u[c] = x[o + 3 + c] - x[o + c];
                v[c] = x[o + 6 + c] - x[o + c];
            }
            double b1 = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
            double b2 = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            double theta = Math.acos((u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (b1 * b2));
            return K / 2 * ((b1 - 1) * (b1 - 1) + (b2 - 1) * (b2 - 1) + (theta - THETA0) * (theta - THETA0));
        }
    };

    /** E[f] under p(y) ~ jac(y) exp(-K (y - y0)^2 / 2) on (lo, hi), by the midpoint rule. */
    private static double quadratureMean(java.util.function.DoubleUnaryOperator jac, double y0, double lo, double hi) {
        int n = 200_000;
        double h = (hi - lo) / n, z = 0, m = 0;
        for (int i = 0; i < n; i++) {
            double y = lo + (i + 0.5) * h;
            double p = jac.applyAsDouble(y) * Math.exp(-K / 2 * (y - y0) * (y - y0));
            z += p;
            m += y * p;
        }
        return m / z;
    }

    @Test
    void reweightedBondsAndAngleFollowTheCartesianBoltzmannDistribution() {
        ZMatrix z = ZMatrix.of(3, new int[] {0, 1, 2}, new int[0][]);
        CanonicalInternalCoordinates coordinates = new CanonicalInternalCoordinates(z);
        // log-bonds ~ N(0.2, 0.45^2), logit(theta / pi) ~ N(0.45, 0.6^2): broad, covering the targets
        Flow flow = new Flow(List.of(
                ElementwiseAffine.fixed(new double[] {0.2, 0.2, 0.45}, new double[] {Math.log(0.45), Math.log(0.45), Math.log(0.6)},
                        DataType.DOUBLE),
                new InternalCoordinateDomain(coordinates.layout()), coordinates));
        BoltzmannGenerator generator = new BoltzmannGenerator(Distribution.standardNormal(3), flow, TRIATOMIC, 1.0);
        int n = 200_000;
        BoltzmannGenerator.Samples samples = generator.sample(n, 20261130L);
        double[] x = samples.x().dup('c').data().asDouble();
        double[] logW = samples.logW().dup().data().asDouble();
        double max = java.util.Arrays.stream(logW).max().orElseThrow();
        double[] w = new double[n];
        double sumW = 0, sumW2 = 0;
        for (int i = 0; i < n; i++) {
            w[i] = Math.exp(logW[i] - max);
            sumW += w[i];
            sumW2 += w[i] * w[i];
        }
        double ess = sumW * sumW / sumW2;
        assertTrue(ess > 0.1 * n, "the proposal covers the target (ESS " + ess + ")");
        double[] exact = {
            quadratureMean(b -> b * b, 1, 0, 4),
            quadratureMean(b -> b * b, 1, 0, 4),
            quadratureMean(Math::sin, THETA0, 0, Math.PI)};
        assertTrue(exact[0] > 1.3, "the volume element matters here: " + exact[0]);
        for (int q = 0; q < 3; q++) {
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                double[] r0 = {x[9 * i], x[9 * i + 1], x[9 * i + 2]};
                double[] r1 = {x[9 * i + 3] - r0[0], x[9 * i + 4] - r0[1], x[9 * i + 5] - r0[2]};
                double[] r2 = {x[9 * i + 6] - r0[0], x[9 * i + 7] - r0[1], x[9 * i + 8] - r0[2]};
                double b1 = Math.sqrt(r1[0] * r1[0] + r1[1] * r1[1] + r1[2] * r1[2]);
                double b2 = Math.sqrt(r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2]);
                y[i] = q == 0 ? b1 : q == 1 ? b2 : Math.acos((r1[0] * r2[0] + r1[1] * r2[1] + r1[2] * r2[2]) / (b1 * b2));
            }
            double mean = 0;
            for (int i = 0; i < n; i++) mean += w[i] * y[i];
            mean /= sumW;
            // delta-method standard error of a self-normalised importance estimate
            double var = 0;
            for (int i = 0; i < n; i++) var += w[i] * w[i] * (y[i] - mean) * (y[i] - mean);
            double se = Math.sqrt(var) / sumW;
            assertEquals(exact[q], mean, 5 * se, "coordinate " + q + ": reweighted " + mean + " +- " + se + ", exact " + exact[q]);
        }
    }
}
