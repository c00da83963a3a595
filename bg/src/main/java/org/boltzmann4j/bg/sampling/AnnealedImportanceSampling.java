package org.boltzmann4j.bg.sampling;

import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.flow.CircularShift;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Annealed importance sampling (Neal 2001) from a flow q towards a target, with Hamiltonian
 * Monte Carlo transitions: the sampler of FAB (Midgley et al., ICLR 2023) and of {@code bg sample
 * --ais}.
 *
 * <p>Samples of q go through K intermediate distributions
 * log pi_k = (1 - beta_k) log q + beta_k log target, 0 = beta_0 &lt; beta_1 &lt; ... &lt; beta_K &lt;
 * beta_{K+1} = 1, with one Metropolised HMC transition that keeps pi_k at each intermediate level,
 * and collect the log weight sum_{k=1..K+1} (beta_k - beta_{k-1}) (log target - log q)(x_{k-1}).
 * The target is the Boltzmann density p = exp(-U/kT) ({@link Target#BOLTZMANN}) or FAB's p^2/q
 * ({@link Target#FAB}, log target = 2 log p - log q, q held fixed), both unnormalised; the mean of
 * exp(log w) estimates the ratio of their normalisers to q's (which is 1), unbiased for any K and
 * any step size.
 *
 * <p>Why in the latent space: the chains run on z with x = F(z), where q pulls back to the base
 * density p_Z and the target to target(F(z)) |det dF/dz|. The weights are the same as in x (AIS is
 * invariant under a change of variables), but z has the flow's dimension (3N - 6 for internal
 * coordinates, whose q has no density on all of R^3N), its circular coordinates are plain periods
 * (wrapped into [-pi, pi)), and a unit mass matrix suits it because the flow has whitened the
 * target. Gradients: d/dz log p(F(z)) + log|det| through the flow's forward pass and its backward
 * (dL/dx = -dU/dx / kT from the energy: OpenMM forces through the context pool, or an analytic
 * potential; dL/dlogdet = 1), d/dz log p_Z from the base. The backward pass also adds into the
 * flow's parameter gradients; those are restored before {@link #run} returns.
 *
 * <p>Step sizes: one per intermediate distribution, multiplied after each batch's transition by
 * exp(2 (acceptance - target acceptance)), so they settle where the acceptance is the target
 * (0.65 by default). Within one batch a step size is fixed, so the weights stay exact; the
 * adapted sizes are state ({@link #stepSizes()}) that a checkpoint saves.
 *
 * <p>Cost: one energy evaluation with gradient per leapfrog step and row, n (1 + K L) in all.
 */
public final class AnnealedImportanceSampling {

    /** What the chains anneal towards. */
    public enum Target {
        /** p = exp(-U/kT). */
        BOLTZMANN,
        /** p^2 / q, FAB's alpha = 2 target. */
        FAB
    }

    /** How the betas of the intermediate distributions are spaced on (0, 1). */
    public enum Spacing {
        /** beta_k = k / (K + 1). */
        LINEAR,
        /** beta_k = 10^(-3 (K + 1 - k) / K), from 0.001 to 1 (denser near q). */
        GEOMETRIC
    }

    /**
     * @param intermediateDistributions K, the levels between q and the target with one HMC
     *     transition each (0: plain importance sampling)
     * @param leapfrogSteps leapfrog steps of one HMC transition
     * @param initialStepSize leapfrog step size (in latent units) before any adaptation
     * @param targetAcceptance acceptance the step sizes are adapted towards
     * @param adaptStepSize whether to adapt the step sizes after each batch
     */
    public record Settings(int intermediateDistributions, int leapfrogSteps, double initialStepSize, double targetAcceptance,
            boolean adaptStepSize, Spacing spacing) {
        public static final int DEFAULT_INTERMEDIATE_DISTRIBUTIONS = 8;
        public static final int DEFAULT_LEAPFROG_STEPS = 4;
        public static final double DEFAULT_INITIAL_STEP_SIZE = 0.1;
        public static final double DEFAULT_TARGET_ACCEPTANCE = 0.65;

        public Settings {
            Objects.requireNonNull(spacing, "spacing");
            if (intermediateDistributions < 0)
                throw new IllegalArgumentException("--ais-steps must be >= 0, got " + intermediateDistributions);
            if (leapfrogSteps < 1) throw new IllegalArgumentException("--hmc-steps must be >= 1, got " + leapfrogSteps);
            if (!(initialStepSize > 0) || Double.isInfinite(initialStepSize))
                throw new IllegalArgumentException("HMC step size must be > 0, got " + initialStepSize);
            if (!(targetAcceptance > 0 && targetAcceptance < 1))
                throw new IllegalArgumentException("target acceptance must lie in (0, 1), got " + targetAcceptance);
        }

        /** 8 intermediate distributions with 4 leapfrog steps each (fab-torch's alanine dipeptide run), step 0.1 adapted towards 0.65, linear spacing. */
        public static Settings defaults() {
            return new Settings(DEFAULT_INTERMEDIATE_DISTRIBUTIONS, DEFAULT_LEAPFROG_STEPS, DEFAULT_INITIAL_STEP_SIZE,
                    DEFAULT_TARGET_ACCEPTANCE, true, Spacing.LINEAR);
        }

        public Settings withIntermediateDistributions(int value) {
            return new Settings(value, leapfrogSteps, initialStepSize, targetAcceptance, adaptStepSize, spacing);
        }

        public Settings withLeapfrogSteps(int value) {
            return new Settings(intermediateDistributions, value, initialStepSize, targetAcceptance, adaptStepSize, spacing);
        }

        public Settings withInitialStepSize(double value) {
            return new Settings(intermediateDistributions, leapfrogSteps, value, targetAcceptance, adaptStepSize, spacing);
        }

        public Settings withTargetAcceptance(double value) {
            return new Settings(intermediateDistributions, leapfrogSteps, initialStepSize, value, adaptStepSize, spacing);
        }

        public Settings withAdaptStepSize(boolean value) {
            return new Settings(intermediateDistributions, leapfrogSteps, initialStepSize, targetAcceptance, value, spacing);
        }

        public Settings withSpacing(Spacing value) {
            return new Settings(intermediateDistributions, leapfrogSteps, initialStepSize, targetAcceptance, adaptStepSize, value);
        }

        /** beta_0 .. beta_{K+1}. */
        public double[] betas() {
            int k = intermediateDistributions;
            double[] b = new double[k + 2];
            for (int i = 1; i <= k; i++) {
                b[i] = spacing == Spacing.LINEAR ? (double) i / (k + 1) : Math.pow(10, -3.0 * (k + 1 - i) / k);
            }
            b[k + 1] = 1;
            return b;
        }
    }

    /**
     * One AIS batch, float64 throughout.
     *
     * @param x final samples (n, data dimension)
     * @param logW AIS log weights towards the (unnormalised) target
     * @param logQ log q(x) of the final samples under the flow
     * @param reducedEnergies U(x)/kT of the final samples
     * @param flowLogW importance log weights -U/kT - log q of the initial flow samples (towards p)
     * @param acceptance mean HMC acceptance at each intermediate distribution
     * @param stepSizes the step sizes used at each intermediate distribution
     * @param energyEvaluations configurations whose energy (and gradient) was evaluated
     */
    public record Result(INDArray x, double[] logW, double[] logQ, double[] reducedEnergies, double[] flowLogW,
            double[] acceptance, double[] stepSizes, long energyEvaluations) {
        public int size() {
            return logW.length;
        }

        /** Normalised Kish ESS of the AIS weights. */
        public double ess() {
            return KishEss.normalized(logW);
        }

        /** Normalised Kish ESS of the flow's own importance weights on the initial samples. */
        public double flowEss() {
            return KishEss.normalized(flowLogW);
        }

        /** Mean acceptance over the intermediate distributions (NaN without any). */
        public double meanAcceptance() {
            return Arrays.stream(acceptance).average().orElse(Double.NaN);
        }
    }

    private final Distribution base;
    private final Transform flow;
    private final Energy energy;
    private final double kT;
    private final boolean[] periodic;
    private final Target target;
    private final Settings settings;
    private final double[] betas;
    private final double[] stepSizes;
    private final int d;

    /**
     * @param periodic which latent coordinates are circular (wrapped into [-pi, pi)); null for none
     */
    public AnnealedImportanceSampling(Distribution base, Transform flow, Energy energy, double kT, boolean[] periodic, Target target,
            Settings settings) {
        this.base = Objects.requireNonNull(base, "base");
        this.flow = Objects.requireNonNull(flow, "flow");
        this.energy = Objects.requireNonNull(energy, "energy");
        this.target = Objects.requireNonNull(target, "target");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!(kT > 0) || Double.isInfinite(kT)) throw new IllegalArgumentException("kT must be positive and finite: " + kT);
        if (base.dimension() != flow.dimension() || energy.dimension() != flow.outputDimension())
            throw new IllegalArgumentException("dimensions differ: base " + base.dimension() + ", flow " + flow.dimension() + " -> "
                    + flow.outputDimension() + ", energy " + energy.dimension());
        this.d = flow.dimension();
        this.periodic = periodic == null ? new boolean[d] : periodic.clone();
        if (this.periodic.length != d) throw new IllegalArgumentException("periodic flags for " + this.periodic.length + " coordinates, the flow has " + d);
        this.kT = kT;
        this.betas = settings.betas();
        this.stepSizes = new double[settings.intermediateDistributions()];
        Arrays.fill(stepSizes, settings.initialStepSize());
    }

    public Settings settings() {
        return settings;
    }

    public Target target() {
        return target;
    }

    /** The current (adapted) step size of each intermediate distribution. */
    public double[] stepSizes() {
        return stepSizes.clone();
    }

    /** Sets the step sizes, e.g. from a checkpoint. */
    public void setStepSizes(double[] values) {
        if (values.length != stepSizes.length)
            throw new IllegalArgumentException(values.length + " step sizes for " + stepSizes.length + " intermediate distributions");
        for (double v : values) if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException("bad step size " + v);
        System.arraycopy(values, 0, stepSizes, 0, values.length);
    }

    /** n AIS samples, starting from n draws of the flow; every random number comes from {@code random}. */
    public Result run(int n, RandomGenerator random) {
        if (n < 1) throw new IllegalArgumentException("AIS needs at least one sample, got " + n);
        INDArray z0 = base.sample(n, random);
        return run(Batches.toDoubles(z0), n, random);
    }

    /** AIS from given latent points z (n * dimension, row-major), which must be draws of the base density. */
    public Result run(double[] z, int n, RandomGenerator random) {
        if (z.length != (long) n * d) throw new IllegalArgumentException(z.length + " latent values for " + n + " rows of " + d);
        Saved grads = Saved.of(flow);
        try {
            return anneal(z.clone(), n, random);
        } finally {
            grads.restore();
        }
    }

    /** Log densities at a batch of latent points, and their gradients when asked. */
    private final class Point {
        final double[] logBase, f, logQ, u; // f = -u + log|det dF/dz|: the target's pull-back
        final double[] gradBase, gradF;
        final double[] x;

        Point(double[] z, int n, boolean withGradient) {
            INDArray zm = Batches.matrix(z, n, d, DataType.DOUBLE);
            logBase = Batches.toDoubles(base.logProb(zm));
            gradBase = withGradient ? Batches.toDoubles(base.gradLogProb(zm)) : null;
            Transform.Pass pass = flow.forwardPass(zm.dataType() == flow.dataType() ? zm : zm.castTo(flow.dataType()));
            INDArray xm = pass.output().dataType() == DataType.DOUBLE ? pass.output() : pass.output().castTo(DataType.DOUBLE);
            Energy.Evaluation e = energy.evaluate(xm, withGradient);
            u = Batches.toDoubles(e.energies());
            double[] ld = Batches.toDoubles(pass.logDet());
            x = Batches.toDoubles(xm); // read before the backward pass and release, which need not keep it
            f = new double[n];
            logQ = new double[n];
            for (int i = 0; i < n; i++) {
                u[i] /= kT;
                f[i] = -u[i] + ld[i];
                logQ[i] = logBase[i] - ld[i];
                if (Double.isNaN(f[i])) f[i] = Double.NEGATIVE_INFINITY;
            }
            if (withGradient) {
                INDArray gx = e.gradient().castTo(DataType.DOUBLE).div(-kT);
                INDArray ones = org.nd4j.linalg.factory.Nd4j.ones(DataType.DOUBLE, n);
                INDArray gz = pass.backward(gx.castTo(flow.dataType()), ones);
                gradF = Batches.toDoubles(gz);
            } else {
                gradF = null;
            }
            pass.release();
        }

        /** log target - log q at row i, the AIS increment per unit of beta. */
        double logRatio(int i) {
            double r = f[i] - logBase[i];
            return target == Target.FAB ? 2 * r : r;
        }
    }

    /** log pi_beta = a log p_Z + c f with (a, c) = (1 - beta, beta) towards p, (1 - 2 beta, 2 beta) towards p^2/q. */
    private double a(double beta) {
        return target == Target.FAB ? 1 - 2 * beta : 1 - beta;
    }

    private double c(double beta) {
        return target == Target.FAB ? 2 * beta : beta;
    }

    private double logPi(Point p, int i, double beta) {
        double v = a(beta) * p.logBase[i] + c(beta) * p.f[i];
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    private void grad(Point p, int i, double beta, double[] out) {
        double a = a(beta), c = c(beta);
        for (int j = 0; j < d; j++) {
            double g = a * p.gradBase[i * d + j] + c * p.gradF[i * d + j];
            out[i * d + j] = Double.isFinite(g) ? g : 0;
        }
    }

    private Result anneal(double[] z, int n, RandomGenerator random) {
        int levels = settings.intermediateDistributions();
        int leapfrog = settings.leapfrogSteps();
        long evaluations = 0;
        Point cur = new Point(z, n, levels > 0);
        evaluations += n;
        double[] flowLogW = new double[n];
        for (int i = 0; i < n; i++) flowLogW[i] = -cur.u[i] - cur.logQ[i];
        double[] logW = new double[n];
        double[] acceptance = new double[levels];
        double[] used = stepSizes.clone();
        double[] g = new double[n * d], p = new double[n * d], zNew = new double[n * d];
        for (int k = 1; k <= levels; k++) {
            double beta = betas[k];
            for (int i = 0; i < n; i++) logW[i] += (beta - betas[k - 1]) * cur.logRatio(i);
            // one HMC transition keeping pi_k, all rows in lockstep
            double eps = stepSizes[k - 1];
            double[] h0 = new double[n];
            for (int i = 0; i < n; i++) {
                double kin = 0;
                for (int j = 0; j < d; j++) {
                    double v = random.nextGaussian();
                    p[i * d + j] = v;
                    kin += 0.5 * v * v;
                }
                h0[i] = -logPi(cur, i, beta) + kin;
                grad(cur, i, beta, g);
            }
            System.arraycopy(z, 0, zNew, 0, z.length);
            Point prop = null;
            for (int l = 0; l < leapfrog; l++) {
                for (int q = 0; q < n * d; q++) {
                    p[q] += (l == 0 ? 0.5 : 1.0) * eps * g[q];
                    zNew[q] += eps * p[q];
                    if (periodic[q % d]) zNew[q] = CircularShift.wrap(zNew[q]);
                }
                prop = new Point(zNew, n, true);
                evaluations += n;
                for (int i = 0; i < n; i++) grad(prop, i, beta, g);
            }
            int accepted = 0;
            for (int i = 0; i < n; i++) {
                double kin = 0;
                for (int j = 0; j < d; j++) {
                    double v = p[i * d + j] + 0.5 * eps * g[i * d + j];
                    kin += 0.5 * v * v;
                }
                double h1 = -logPi(prop, i, beta) + kin;
                double u = random.nextDouble();
                boolean finiteZ = true;
                for (int j = 0; j < d && finiteZ; j++) finiteZ = Double.isFinite(zNew[i * d + j]);
                boolean accept = finiteZ && !Double.isNaN(h1)
                        && MetropolisHastings.accept(h0[i] == Double.POSITIVE_INFINITY ? 0
                                : MetropolisHastings.logAcceptHamiltonian(h0[i], h1, 1.0), u);
                if (accept) {
                    accepted++;
                    System.arraycopy(zNew, i * d, z, i * d, d);
                    copyRow(prop, cur, i);
                }
            }
            acceptance[k - 1] = (double) accepted / n;
            if (settings.adaptStepSize()) {
                stepSizes[k - 1] = eps * Math.exp(2 * (acceptance[k - 1] - settings.targetAcceptance()));
            }
        }
        for (int i = 0; i < n; i++) logW[i] += (1 - betas[levels]) * cur.logRatio(i);
        for (int i = 0; i < n; i++) if (Double.isNaN(logW[i])) logW[i] = Double.NEGATIVE_INFINITY;
        return new Result(Batches.matrix(cur.x, n, flow.outputDimension(), DataType.DOUBLE), logW, cur.logQ.clone(),
                cur.u.clone(), flowLogW, acceptance, used, evaluations);
    }

    /** Copies row i of every array of {@code from} into {@code to}. */
    private void copyRow(Point from, Point to, int i) {
        to.logBase[i] = from.logBase[i];
        to.f[i] = from.f[i];
        to.logQ[i] = from.logQ[i];
        to.u[i] = from.u[i];
        System.arraycopy(from.gradBase, i * d, to.gradBase, i * d, d);
        System.arraycopy(from.gradF, i * d, to.gradF, i * d, d);
        int dx = flow.outputDimension();
        System.arraycopy(from.x, i * dx, to.x, i * dx, dx);
    }

    /** The flow's parameter gradients as they were before AIS ran backward passes through it. */
    private record Saved(java.util.List<Parameter> parameters, java.util.List<INDArray> values) {
        static Saved of(Transform flow) {
            java.util.List<Parameter> ps = flow.parameters();
            java.util.List<INDArray> vs = new java.util.ArrayList<>();
            for (Parameter p : ps) vs.add(p.grad().dup());
            return new Saved(ps, vs);
        }

        void restore() {
            for (int i = 0; i < parameters.size(); i++) parameters.get(i).grad().assign(values.get(i));
        }
    }
}
