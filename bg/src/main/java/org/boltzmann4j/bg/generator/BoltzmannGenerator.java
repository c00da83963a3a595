package org.boltzmann4j.bg.generator;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.energy.ThermalEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Boltzmann generator: a base density p_Z, a flow x = F(z) and a target energy U at thermal
 * energy kT.
 *
 * <p>By the change of variables, a sample x = F(z) has the model density
 * log q(x) = log p_Z(z) - log|det dF/dz| (forward direction) = log p_Z(F^-1(x)) + log|det dF^-1/dx|
 * (inverse direction), and the importance log-weight towards exp(-U/kT) is
 * log w = -U(x)/kT - log q(x), which is what reweighting, the ESS and free-energy estimates use.
 *
 * <p>kT is in kJ/mol, as the energy is. For molecules use {@link #atTemperature} (kT = R T with
 * R = 0.0083144626 kJ/(mol K)); for the dimensionless toy potentials pass kT = 1 to the
 * constructor. All arrays handed out are float64; a float32 flow gets its inputs cast explicitly
 * and its outputs cast back.
 */
public final class BoltzmannGenerator {

    private final Distribution base;
    private final Transform flow;
    private final Energy energy;
    private final double kT;

    /**
     * @param kT thermal energy in the energy's units (kJ/mol); 1 for reduced toy potentials
     */
    public BoltzmannGenerator(Distribution base, Transform flow, Energy energy, double kT) {
        this.base = Objects.requireNonNull(base, "base");
        this.flow = Objects.requireNonNull(flow, "flow");
        this.energy = Objects.requireNonNull(energy, "energy");
        if (!(kT > 0) || !Double.isFinite(kT)) {
            throw new IllegalArgumentException("kT must be positive and finite: " + kT);
        }
        if (base.dimension() != flow.dimension() || energy.dimension() != flow.outputDimension()) {
            throw new IllegalArgumentException("dimensions differ: base " + base.dimension() + ", flow "
                    + flow.dimension() + " -> " + flow.outputDimension() + ", energy " + energy.dimension());
        }
        this.kT = kT;
    }

    /** A generator at temperature {@code kelvin}: kT = 0.0083144626 * T kJ/mol. */
    public static BoltzmannGenerator atTemperature(Distribution base, Transform flow, Energy energy, double kelvin) {
        return new BoltzmannGenerator(base, flow, energy, ThermalEnergy.kT(kelvin));
    }


    /** The same base and flow (shared, not copied) with another target energy or kT. */
    public BoltzmannGenerator with(Energy otherEnergy, double otherKT) {
        return new BoltzmannGenerator(base, flow, otherEnergy, otherKT);
    }

    public Distribution base() {
        return base;
    }

    public Transform flow() {
        return flow;
    }

    public Energy energy() {
        return energy;
    }

    /** kJ/mol. */
    public double kT() {
        return kT;
    }

    /** Size of a configuration x (the flow's data side; the latent side may be smaller). */
    public int dimension() {
        return flow.outputDimension();
    }

    /**
     * n samples with their model log-densities, energies and log-weights; z is drawn from the base
     * density with {@code new SplittableRandom(seed)}.
     */
    public Samples sample(int n, long seed) {
        return sample(n, new SplittableRandom(seed));
    }

    public Samples sample(int n, RandomGenerator rng) {
        Proposals p = propose(base, flow, n, rng);
        INDArray energies = energy.evaluate(p.x(), false).energies().castTo(DataType.DOUBLE);
        INDArray logW = energies.div(-kT).subi(p.logQ());
        return new Samples(p.z(), p.x(), p.logQ(), energies, logW);
    }

    /** Draws from a base and flow alone, without the energy: z, x (float64) and log q(x). */
    public static Proposals propose(Distribution base, Transform flow, int n, RandomGenerator rng) {
        if (n <= 0) {
            throw new IllegalArgumentException("sample count must be positive: " + n);
        }
        INDArray z = base.sample(n, rng);
        Transform.Result r = flow.forward(z.dataType() == flow.dataType() ? z : z.castTo(flow.dataType()));
        return new Proposals(z, toDouble(r.output()), base.logProb(z).subi(r.logDet()));
    }

    /** Latent points, configurations and their model log-density, float64. */
    public record Proposals(INDArray z, INDArray x, INDArray logQ) {}

    /** log q(x) = log p_Z(F^-1(x)) + log|det dF^-1/dx|, float64 (n); x is float64 (n, dim). */
    public INDArray logQ(INDArray x) {
        requireDouble(x);
        return logQ(base, flow, x);
    }

    /** The model density of a base and flow alone (no target energy needed), as {@link #logQ(INDArray)}. */
    public static INDArray logQ(Distribution base, Transform flow, INDArray x) {
        Transform.Result r = flow.inverse(x.dataType() == flow.dataType() ? x : x.castTo(flow.dataType()));
        return base.logProb(toDouble(r.output())).addi(r.logDet());
    }

    /** u = U(x)/kT, float64 (n). */
    public INDArray reducedEnergy(INDArray x) {
        requireDouble(x);
        return energy.evaluate(x, false).energies().castTo(DataType.DOUBLE).divi(kT);
    }

    /** log w = -U(x)/kT - log q(x) of given configurations, float64 (n). */
    public INDArray logWeights(INDArray x) {
        return reducedEnergy(x).negi().subi(logQ(x));
    }

    private static INDArray toDouble(INDArray a) {
        return a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
    }

    private void requireDouble(INDArray x) {
        if (x.rank() != 2 || x.size(1) != dimension() || x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("expected a DOUBLE (n, " + dimension() + ") matrix, got "
                    + x.dataType() + " " + java.util.Arrays.toString(x.shape()));
        }
    }

    /**
     * Samples x = F(z) of a generator, all float64: z and x (n, dim), log q(x) (n), energies U(x)
     * in kJ/mol (n) and log-weights log w = -U/kT - log q (n).
     */
    public record Samples(INDArray z, INDArray x, INDArray logQ, INDArray energies, INDArray logW) {

        public int size() {
            return (int) x.size(0);
        }

        /** Normalised Kish ESS of the weights, in [0, 1]. */
        public double normalizedEss() {
            return KishEss.normalized(logW);
        }
    }
}
