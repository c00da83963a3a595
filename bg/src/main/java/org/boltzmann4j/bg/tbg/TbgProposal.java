package org.boltzmann4j.bg.tbg;

import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.cnf.ContinuousFlow;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.sampling.Proposal;
import org.boltzmann4j.bg.tensor.Batches;

/**
 * A trained TBG as the independence proposal of {@code bg hybrid} for one peptide (one it may never have
 * seen): draws integrated forward with their exact log q, mirrored where their chirality is wrong.
 *
 * <p>Why the mirroring keeps Metropolis-Hastings exact: q(-x) = q(x) (equivariance, symmetric prior), so the
 * density of a fixed draw on the right-handed half is q(x) + q(-x) = 2 q(x): log q plus the constant log 2,
 * which cancels in the acceptance ratio q(x) / q(x'). The chain never leaves the right-handed half (MD
 * cannot invert a stereocentre), so every state it is in has that density. Draws with a broken bond graph are
 * not dropped here: their energy makes the acceptance reject them, which keeps the proposal's density what
 * {@link #logQ} says.
 */
public final class TbgProposal implements Proposal {
    private final TbgModel model;
    private final TargetPeptide peptide;
    private final SamplingSettings settings;
    private final Chirality chirality;
    private final ContinuousFlow flow;

    public TbgProposal(TbgModel model, TargetPeptide peptide, SamplingSettings settings) {
        this.model = model;
        this.peptide = peptide;
        this.settings = settings;
        this.chirality = Chirality.of(peptide.topology(), peptide.reference());
        this.flow = model.flow(peptide.topology(), settings.odeSolver());
    }

    @Override
    public int dimension() {
        return 3 * peptide.atoms();
    }

    @Override
    public Draws draw(int n, RandomGenerator random) {
        var p = BoltzmannGenerator.propose(model.prior(peptide.atoms()), flow, n, random);
        chirality.fix(p.x());
        return new Draws(Batches.toDoubles(p.x()), Batches.toDoubles(p.logQ()));
    }

    @Override
    public double[] logQ(double[] x, int n) {
        return TbgSampler.logQ(model, peptide, new Frames(n, peptide.atoms(), x), settings);
    }
}
