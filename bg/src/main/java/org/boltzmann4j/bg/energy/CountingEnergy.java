package org.boltzmann4j.bg.energy;

import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Counts the configurations an energy evaluates: the cost of training and sampling in energy
 * evaluations, the currency the field compares methods in.
 */
public final class CountingEnergy implements Energy {
    private final Energy inner;
    private final AtomicLong count = new AtomicLong();

    public CountingEnergy(Energy inner) {
        this.inner = inner;
    }

    @Override
    public int dimension() {
        return inner.dimension();
    }

    @Override
    public Evaluation evaluate(INDArray x, boolean withGradient) {
        count.addAndGet(x.rows());
        return inner.evaluate(x, withGradient);
    }

    /** Configurations evaluated so far. */
    public long evaluations() {
        return count.get();
    }
}
