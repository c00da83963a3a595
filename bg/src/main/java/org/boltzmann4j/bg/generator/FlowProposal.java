package org.boltzmann4j.bg.generator;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.sampling.Proposal;
import org.boltzmann4j.bg.tensor.Batches;

/** A trained molecular model as the independence proposal of the hybrid sampler: x ~ q with log q(x). */
public final class FlowProposal implements Proposal {
    private final MolecularModel model;

    public FlowProposal(MolecularModel model) {
        this.model = model;
    }

    @Override
    public int dimension() {
        return 3 * model.atoms();
    }

    @Override
    public Draws draw(int n, RandomGenerator random) {
        var p = BoltzmannGenerator.propose(model.built().base(), model.built().flow(), n, random);
        return new Draws(Batches.toDoubles(p.x()), Batches.toDoubles(p.logQ()));
    }

    @Override
    public double[] logQ(double[] x, int n) {
        return model.logQ(new org.boltzmann4j.bg.io.Frames(n, model.atoms(), x));
    }
}
