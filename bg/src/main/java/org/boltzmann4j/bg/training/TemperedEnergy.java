package org.boltzmann4j.bg.training;

import org.boltzmann4j.bg.energy.Energy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The energy of a target seen at another temperature: U(x) / s with s = kT' / kT, so that a loss
 * built at the generator's kT trains towards exp(-U/kT'). The {@link Trainer} sets s before each
 * step from {@link TrainingConfig#kTScale()}; that is the only state, and it is a function of the
 * step, so resumed runs see the same temperatures.
 */
final class TemperedEnergy implements Energy {
    private final Energy inner;
    private double scale = 1;

    TemperedEnergy(Energy inner) {
        this.inner = inner;
    }

    /** kT' / kT of the following evaluations. */
    void setScale(double kTScale) {
        if (!(kTScale > 0) || !Double.isFinite(kTScale)) throw new IllegalArgumentException("kT scale must be > 0, got " + kTScale);
        this.scale = kTScale;
    }

    @Override
    public int dimension() {
        return inner.dimension();
    }

    @Override
    public Evaluation evaluate(INDArray x, boolean withGradient) {
        Evaluation e = inner.evaluate(x, withGradient);
        if (scale == 1) return e;
        double f = 1 / scale;
        return new Evaluation(e.energies().mul(f), e.gradient() == null ? null : e.gradient().mul(f));
    }
}
