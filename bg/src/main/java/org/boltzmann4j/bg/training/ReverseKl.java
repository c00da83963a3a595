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
 * Training by energy (Noé et al. 2019): the reverse Kullback-Leibler divergence from the flow to
 * the Boltzmann density, estimated on latent samples z_i ~ p_Z by reparametrisation:
 * <pre>
 *   KL(q || p) + log Z = E_z[ U(F(z))/kT + log q(F(z)) ]
 *                      = E_z[ U(F(z))/kT - log|det dF/dz| ] + E_z[ log p_Z(z) ]
 * </pre>
 * The last term does not depend on the flow's parameters, so the gradient is that of the first
 * one: dL/dx_i = (dU/dx)(x_i) / (kT n) and dL/d(logDet_i) = -1/n, pushed through the forward pass.
 * The reported loss includes the base term, so it is the KL divergence minus its minimum -log Z.
 *
 * <p>The energy sees every generated configuration, however unphysical; wrap it in a {@link
 * org.boltzmann4j.bg.energy.RegularizedEnergy} so that clashes neither dominate the mean nor give
 * infinite gradients. Reverse KL is mode-seeking: modes that the flow does not put mass on get no
 * gradient.
 */
public final class ReverseKl implements Loss {

    private final Distribution base;
    private final Transform flow;
    private final Energy energy;
    private final double kT;

    public ReverseKl(Distribution base, Transform flow, Energy energy, double kT) {
        this(new BoltzmannGenerator(base, flow, energy, kT)); // which checks them
    }

    private ReverseKl(BoltzmannGenerator target) {
        this.base = target.base();
        this.flow = target.flow();
        this.energy = target.energy();
        this.kT = target.kT();
    }

    /** The loss of a generator's flow towards its energy at its kT. */
    public static ReverseKl of(BoltzmannGenerator generator) {
        return new ReverseKl(generator);
    }

    @Override
    public Report evaluate(Batch batch) {
        return run(batch, 0, false, null);
    }

    @Override
    public Report backward(Batch batch, double weight) {
        return run(batch, weight, true, null);
    }

    /** Whether {@code other} trains the same flow towards the same energy at the same kT from the same base. */
    boolean sameTarget(ReweightedForwardKl other) {
        return other.sameTarget(base, flow, energy, kT);
    }

    /** Like evaluate/backward, and hands the generated batch to {@code generated[0]}. */
    Report run(Batch batch, double weight, boolean withGradient, Generated[] generated) {
        INDArray z = batch.latent();
        if (z == null) {
            throw new IllegalArgumentException("reverse KL needs a latent batch");
        }
        z = Tensors.as(z, DataType.DOUBLE);
        int n = (int) z.size(0);
        Transform.Pass pass = flow.forwardPass(Tensors.as(z, flow.dataType()));
        INDArray x = Tensors.as(pass.output(), DataType.DOUBLE);
        Energy.Evaluation e = energy.evaluate(x, withGradient);
        INDArray u = Tensors.as(e.energies(), DataType.DOUBLE).div(kT);
        INDArray logQ = base.logProb(z).subi(pass.logDet());
        double loss = u.add(logQ).meanNumber().doubleValue();
        double meanU = u.meanNumber().doubleValue();
        double ess = KishEss.normalized(u.neg().subi(logQ));
        if (generated != null) {
            generated[0] = new Generated(pass.output(), u, logQ);
        }
        if (withGradient) {
            INDArray gradX = Tensors.as(e.gradient(), DataType.DOUBLE).mul(weight / (kT * n));
            INDArray gradLogDet = Nd4j.valueArrayOf(new long[] {n}, -weight / n, DataType.DOUBLE);
            pass.backward(Tensors.as(gradX, flow.dataType()), gradLogDet);
        }
        pass.release();
        return new Report(loss, Double.NaN, loss, Double.NaN, meanU, ess);
    }
}
