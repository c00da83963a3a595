package org.boltzmann4j.bg.tbg;

import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.boltzmann4j.bg.cnf.ContinuousFlow;
import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.sampling.Proposal;
import org.boltzmann4j.bg.tensor.Batches;

/**
 * A trained TBG as the independence proposal of {@code bg hybrid} for one peptide (one it may never have
 * seen): draws integrated forward, mirrored where they are the mirror image, rejected where they are still
 * not right-handed at every centre (a diastereomer), and scored by the backward integration that scores the
 * chains' current states.
 *
 * <p>Why the mirroring keeps Metropolis-Hastings right: q(-x) = q(x) (equivariance, symmetric prior), so the
 * density of a fixed draw on the right-handed half is q(x) + q(-x) = 2 q(x): log q plus the constant log 2,
 * which cancels in the acceptance ratio q(x) / q(x') since every state has it, and is therefore left out. The
 * chain never leaves the right-handed half (MD cannot invert a stereocentre). A diastereomer draw gets log q =
 * NaN, which {@link org.boltzmann4j.bg.sampling.MetropolisHastings#logAcceptIndependence} always rejects: the
 * proposal is then "stay" with the diastereomers' probability and the folded q otherwise, still a valid kernel
 * (its missing mass is a constant too). Such draws are counted ({@link #droppedChirality}). Draws with a broken
 * bond graph are not dropped here: their energy makes the acceptance reject them.
 *
 * <p>Solver-accurate, not exact: the draw's log q is not the forward integration's (with dopri5 that would
 * depend on the other rows of the batch, which share its step sizes, and it is a different numerical function
 * from the backward one that scores current states) but {@link TbgSampler#logQPerRow}, the same deterministic
 * function of x for proposals and current states. That function is still only the solver's estimate of the
 * density of the forward map's output, so detailed balance holds to the solver's tolerance. Cost: one more ODE
 * solve per draw (backward, with the divergence) on top of the forward one, and with dopri5 one row per solve.
 */
public final class TbgProposal implements Proposal {
    private final TargetPeptide peptide;
    private final SamplingSettings settings;
    private final Chirality chirality;
    private final ContinuousFlow flow;
    private final MeanFreeNormal prior;
    private final AtomicLong drawn = new AtomicLong(), droppedChirality = new AtomicLong();

    public TbgProposal(TbgModel model, TargetPeptide peptide, SamplingSettings settings) {
        this.peptide = peptide;
        this.settings = settings;
        this.chirality = Chirality.of(peptide.topology(), peptide.reference());
        this.flow = model.flow(peptide.topology(), settings.odeSolver());
        this.prior = model.prior(peptide.atoms());
    }

    @Override
    public int dimension() {
        return 3 * peptide.atoms();
    }

    @Override
    public Draws draw(int n, RandomGenerator random) {
        var p = BoltzmannGenerator.propose(prior, flow, n, random);
        chirality.fix(p.x());
        boolean[] handed = chirality.correct(p.x());
        double[] x = Batches.toDoubles(p.x()), logQ = new double[n];
        int good = 0;
        for (boolean h : handed) if (h) good++;
        int dim = dimension();
        double[] rows = new double[good * dim];
        for (int i = 0, j = 0; i < n; i++) if (handed[i]) System.arraycopy(x, i * dim, rows, dim * j++, dim);
        double[] scored = good == 0 ? new double[0] : TbgSampler.logQPerRow(prior, flow, peptide, new Frames(good, peptide.atoms(), rows), settings);
        for (int i = 0, j = 0; i < n; i++) logQ[i] = handed[i] ? scored[j++] : Double.NaN;
        drawn.addAndGet(n);
        droppedChirality.addAndGet(n - good);
        return new Draws(x, logQ);
    }

    @Override
    public double[] logQ(double[] x, int n) {
        return TbgSampler.logQPerRow(prior, flow, peptide, new Frames(n, peptide.atoms(), x), settings);
    }

    /** Draws made so far by this proposal (this process). */
    public long drawn() {
        return drawn.get();
    }

    /** Of those, draws rejected for a mix of right and wrong stereocentres (log q NaN). */
    public long droppedChirality() {
        return droppedChirality.get();
    }
}
