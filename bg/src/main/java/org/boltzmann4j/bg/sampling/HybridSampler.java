package org.boltzmann4j.bg.sampling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.Integrator;
import org.boltzmann4j.openmm.OpenMMSystem;

/**
 * Flow + MD hybrid sampling: each chain alternates local moves (OpenMM Langevin segments, or
 * Metropolized HMC, which is exact) with independence proposals x' ~ q from a flow, accepted with
 * min(1, exp(-(U(x') - U(x))/kT) q(x)/q(x')); velocities are redrawn from Maxwell-Boltzmann after
 * an accepted jump. Chains run in parallel threads, one Context each ({@link Chain}); flow
 * proposals are drawn in one batch for all chains.
 *
 * <p>Steps are MD steps: a local move of L steps advances a chain by L, a flow move by none. A
 * flow move happens every {@code flowEvery} steps and a frame is saved every {@code saveEvery}
 * steps (after the flow move of that step, if any); the chains meet at each of those steps.
 *
 * <p>Outputs: per chain, in {@code out/chain-NNN/}, trajectory.dcd, energies.npy and moves.csv
 * ({@link ChainFiles}, with a column per {@link Observable}); {@code out/summary.json}
 * ({@link HybridSummary}); a checkpoint at saved frames ({@link HybridCheckpoint}), at most every
 * {@code checkpointEverySeconds}, from which {@code resume} continues exactly.
 *
 * <p>Random numbers: every decision draws from a stream derived from (seed, chain, purpose,
 * move number) ({@link RandomStreams}), so the same seed gives the same chains whatever the
 * thread count. The Langevin noise comes from each chain's own integrator, seeded from the same
 * derivation; its state is part of the chain's checkpoint.
 */
public final class HybridSampler {

    /** Counts of one chain. */
    public record ChainSummary(int chain, long localMoves, long localAccepted, long flowMoves, long flowAccepted, long energyEvaluations,
            int frames) {}

    public record Result(List<ChainSummary> chains, long step) {}

    /** Called at the end of each round of all chains. */
    public interface Listener {
        void progress(long step, long totalSteps, long flowAccepted, long flowMoves);
    }

    private final HybridSettings s;
    private final Proposal proposal;
    private final Path out;
    private final List<Chain> chains = new ArrayList<>();
    private final int n3;
    private long step;
    private long flowRound;
    private long lastCheckpointNs = System.nanoTime();
    private HybridCheckpoint checkpoint;

    private HybridSampler(HybridSettings settings, Proposal proposal, Path out, int atoms) {
        this.s = settings;
        this.proposal = proposal;
        this.out = out;
        this.n3 = atoms * 3;
    }

    /** Whether a run folder holds a checkpoint (a run to resume). */
    public static boolean hasCheckpoint(Path out) throws IOException {
        return HybridCheckpoint.exists(out);
    }

    /** The header of a chain's moves.csv for these observables. */
    public static String movesHeader(List<Observable> observables) {
        return ChainFiles.header(observables);
    }

    /** A column of chain {@code chain}'s moves.csv in a run folder, in move order. */
    public static double[] movesColumn(Path out, int chain, String column) throws IOException {
        return ChainFiles.column(ChainFiles.directory(out, chain), column);
    }

    /**
     * Runs (or resumes) the sampler and writes summary.json.
     *
     * @param start starting configuration of every chain (nm, atoms * 3)
     * @param proposal the flow (or any independence proposal); null for no flow moves
     * @param observables numbers recorded after every move, a column each in moves.csv
     */
    public static Result run(String systemXml, double[] start, Proposal proposal, List<Observable> observables, HybridSettings settings,
            Path out, boolean resume, Listener listener) throws IOException {
        if (settings.flowEvery() > 0 && proposal == null) throw new IllegalArgumentException("flow moves need a proposal (a model)");
        try (OpenMMSystem system = OpenMMSystem.fromXml(systemXml)) {
            double[] masses = system.masses();
            if (start.length != masses.length * 3)
                throw new IllegalArgumentException("the start structure has " + start.length / 3 + " atoms, the System has " + masses.length);
            if (proposal != null && proposal.dimension() != start.length)
                throw new IllegalArgumentException("the model has " + proposal.dimension() / 3 + " atoms, the System has " + masses.length);
            HybridSampler sampler = new HybridSampler(settings, proposal, out, masses.length);
            try {
                sampler.open(system, masses, start, observables, resume);
                Result result = sampler.loop(listener);
                HybridSummary.of(settings, result).write(out);
                return result;
            } finally {
                sampler.close();
            }
        }
    }

    private void open(OpenMMSystem system, double[] masses, double[] start, List<Observable> observables, boolean resume) throws IOException {
        for (int c = 0; c < s.chains(); c++) {
            Integrator integrator = s.local() == LocalMove.HMC ? Integrator.verlet(s.dtPs())
                    : Integrator.langevinMiddle(s.temperatureK(), s.frictionPerPs(), s.dtPs(), Chain.integratorSeed(s.seed(), c));
            Context context = new Context(system, s.platform(), s.properties(), integrator);
            try {
                chains.add(new Chain(c, s, masses, context));
            } catch (RuntimeException e) { // e.g. HMC refusing a constrained System: the chain never owned its Context
                context.close();
                throw e;
            }
        }
        int atoms = masses.length;
        if (resume) {
            HybridCheckpoint.Progress progress = HybridCheckpoint.restore(out, s, atoms, chains);
            step = progress.step();
            flowRound = progress.flowRound();
            for (Chain chain : chains) {
                long[] lengths = progress.fileLengths()[chain.index];
                chain.files = ChainFiles.resume(ChainFiles.directory(out, chain.index), atoms, observables, (int) lengths[0], lengths[1]);
            }
        } else {
            Files.createDirectories(out);
            for (Chain chain : chains) {
                chain.start(start);
                chain.files = ChainFiles.create(ChainFiles.directory(out, chain.index), atoms, s, observables);
            }
        }
        checkpoint = HybridCheckpoint.open(out, s, atoms, !resume);
    }

    private Result loop(Listener listener) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(s.parallelChains());
        try {
            while (step < s.steps()) {
                long from = step, to = s.nextStop(step);
                parallel(pool, chain -> chain.local(from, to));
                step = to;
                if (s.flowMoveAt(step)) flowMove(pool);
                if (s.saveAt(step)) {
                    for (Chain chain : chains) chain.save();
                    boolean last = step >= s.steps(); // the final, durable checkpoint follows
                    if (!last && System.nanoTime() - lastCheckpointNs >= s.checkpointEverySeconds() * 1e9) {
                        checkpoint.write(step, flowRound, chains, false);
                        lastCheckpointNs = System.nanoTime();
                    }
                }
                if (listener != null) {
                    long accepted = 0, moves = 0;
                    for (Chain chain : chains) {
                        accepted += chain.flowAccepted;
                        moves += chain.flowMoves;
                    }
                    listener.progress(step, s.steps(), accepted, moves);
                }
            }
            checkpoint.write(step, flowRound, chains, true);
            List<ChainSummary> summaries = new ArrayList<>();
            for (Chain chain : chains) summaries.add(chain.summary());
            return new Result(summaries, step);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One batch of proposals for all chains, drawn from (seed, round) alone; then each chain's acceptance in parallel. */
    private void flowMove(ExecutorService pool) throws IOException {
        int n = chains.size();
        long round = flowRound++;
        Proposal.Draws draws = proposal.draw(n, RandomStreams.of(s.seed(), RandomStreams.FLOW_DRAW, round));
        double[] current = new double[n * n3];
        for (Chain chain : chains) System.arraycopy(chain.x, 0, current, chain.index * n3, n3);
        double[] logQCurrent = proposal.logQ(current, n);
        long at = step;
        parallel(pool, chain -> chain.flow(at, draws.x(), draws.logQ()[chain.index], logQCurrent[chain.index], round));
    }

    private interface ChainTask {
        void run(Chain chain) throws IOException;
    }

    private void parallel(ExecutorService pool, ChainTask task) throws IOException {
        List<Future<?>> futures = new ArrayList<>();
        for (Chain chain : chains) futures.add(pool.submit(() -> {
            task.run(chain);
            return null;
        }));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private void close() throws IOException {
        IOException first = null;
        if (checkpoint != null) {
            try {
                checkpoint.close();
            } catch (IOException e) {
                first = e;
            }
        }
        for (Chain chain : chains) {
            try {
                chain.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
