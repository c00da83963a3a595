package org.boltzmann4j.bg.training;

import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Transform;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training by energy with the forward (mass-covering) KL divergence, estimated by self-normalised
 * importance sampling on the flow's own samples: with x_i = F(z_i), z_i ~ p_Z, and weights
 * wbar_i = w_i / sum_j w_j, log w = -U(x)/kT - log q(x),
 * <pre>
 *   L = -sum_i wbar_i log q(x_i)   ~   E_p[-log q(x)] = KL(p || q) + entropy(p),
 * </pre>
 * where the samples and the weights are held fixed (they only estimate the expectation over p),
 * so the gradient is that of a weighted maximum likelihood through the inverse pass:
 * dL/dz_i = -wbar_i (d log p_Z / dz)(z_i) and dL/d(logDet_i) = -wbar_i.
 *
 * <p>Why: the reparametrised reverse-KL gradient ({@link ReverseKl}) moves probability mass only
 * by moving samples, so mass crosses a high energy barrier only through the very few samples near
 * it, and the weight of a minor mode stalls or collapses. This loss changes the density directly
 * where the weights say it is too low, so it moves the weight of a mode as maximum likelihood
 * does, without any data: it needs only some samples in every mode, which reverse KL keeps.
 * The estimate is good when the ESS is not tiny; mix it with reverse KL ({@link MixedLoss}).
 * The loss value estimates the NLL of Boltzmann samples, comparable to a held-out NLL.
 */
public final class ReweightedForwardKl implements Loss {

    private final Distribution base;
    private final Transform flow;
    private final Energy energy;
    private final double kT;

    public ReweightedForwardKl(Distribution base, Transform flow, Energy energy, double kT) {
        this(new BoltzmannGenerator(base, flow, energy, kT)); // which checks them
    }

    private ReweightedForwardKl(BoltzmannGenerator target) {
        this.base = target.base();
        this.flow = target.flow();
        this.energy = target.energy();
        this.kT = target.kT();
    }

    /** The loss of a generator's flow towards its energy at its kT. */
    public static ReweightedForwardKl of(BoltzmannGenerator generator) {
        return new ReweightedForwardKl(generator);
    }

    @Override
    public Report evaluate(Batch batch) {
        return run(batch, 0, false);
    }

    @Override
    public Report backward(Batch batch, double weight) {
        return run(batch, weight, true);
    }

    boolean sameTarget(Distribution otherBase, Transform otherFlow, Energy otherEnergy, double otherKT) {
        return base == otherBase && flow == otherFlow && energy == otherEnergy && kT == otherKT;
    }

    private Report run(Batch batch, double weight, boolean withGradient) {
        INDArray z = batch.latent();
        if (z == null) {
            throw new IllegalArgumentException("the reweighted forward KL needs a latent batch");
        }
        z = Tensors.as(z, DataType.DOUBLE);
        Transform.Result forward = flow.forward(Tensors.as(z, flow.dataType()));
        INDArray x = forward.output();
        INDArray u = Tensors.as(energy.evaluate(Tensors.as(x, DataType.DOUBLE), false).energies(), DataType.DOUBLE)
                .div(kT);
        INDArray logQ = base.logProb(z).subi(forward.logDet());
        return run(new Generated(x, u, logQ), weight, withGradient);
    }

    /** The loss on an already generated batch (x_i, u_i, log q(x_i)). */
    Report run(Generated g, double weight, boolean withGradient) {
        int n = (int) g.logQ().length();
        double[] logW = g.reducedEnergies().neg().subi(g.logQ()).dup().data().asDouble();
        double[] wbar = KishEss.normalizedWeights(logW);
        double ess = KishEss.normalized(logW);
        INDArray wv = Nd4j.create(wbar, new long[] {n}, DataType.DOUBLE);
        double meanU = g.reducedEnergies().meanNumber().doubleValue();
        if (!withGradient) {
            double loss = -wv.mul(g.logQ()).sumNumber().doubleValue();
            return new Report(loss, Double.NaN, Double.NaN, loss, meanU, ess);
        }
        // the inverse pass at the (fixed) samples carries the gradient of log q(x_i)
        INDArray logQBack = MaximumLikelihood.weightedNllBackward(base, flow, g.x(), wv, weight);
        double loss = -wv.mul(logQBack).sumNumber().doubleValue();
        return new Report(loss, Double.NaN, Double.NaN, loss, meanU, ess);
    }
}
