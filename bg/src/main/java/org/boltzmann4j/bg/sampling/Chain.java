package org.boltzmann4j.bg.sampling;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.openmm.Context;

/**
 * One chain of the hybrid sampler: its state (x, v, forces, U), its moves and their counts, on
 * its own Context (so chains run in parallel threads). Every random decision draws from a stream
 * derived from (the chain's seed, purpose, move number), and the Langevin noise from the chain's
 * own integrator (every Context has its own generator, whose state is in the Context's
 * checkpoint), so a chain makes the same moves whatever the thread count and across a resume.
 */
final class Chain implements AutoCloseable {
    final int index;
    private final HybridSettings s;
    private final double[] masses;
    private final int n3;
    private final long seed;
    private final Context context;
    private final boolean langevin;
    private final HamiltonianMonteCarlo hmc;
    ChainFiles files;
    double[] x, v, force;
    final double[] u = new double[1];
    long localMoves, localAccepted, flowMoves, flowAccepted, evaluations, moveCounter;

    Chain(int index, HybridSettings settings, double[] masses, Context context) {
        this.index = index;
        this.s = settings;
        this.masses = masses;
        this.n3 = masses.length * 3;
        this.seed = chainSeed(settings.seed(), index);
        this.context = context;
        this.force = new double[n3];
        this.langevin = settings.local() == LocalMove.LANGEVIN;
        this.hmc = settings.local() == LocalMove.HMC ? new HamiltonianMonteCarlo(context, masses, settings.kT(), settings.dtPs(), settings.localSteps()) : null;
    }

    static long chainSeed(long seed, int chain) {
        return RandomStreams.derive(seed, RandomStreams.CHAIN, chain);
    }

    /** The seed of the chain's Langevin integrator. */
    static int integratorSeed(long seed, int chain) {
        return RandomStreams.openMMSeed(chainSeed(seed, chain), RandomStreams.INTEGRATOR, 0);
    }

    void start(double[] start) {
        x = start.clone();
        v = MaxwellBoltzmann.draw(masses, s.kT(), RandomStreams.of(seed, RandomStreams.START_VELOCITIES, 0));
        evaluate();
    }

    private void evaluate() {
        double[] e = new double[1];
        context.evaluate(x, 1, e, force);
        u[0] = Double.isNaN(e[0]) ? Double.POSITIVE_INFINITY : e[0];
        evaluations++;
    }

    /** Local moves from step {@code from} to {@code to}. */
    void local(long from, long to) throws IOException {
        if (s.local() == LocalMove.NONE) return;
        long at = from;
        while (at < to) {
            int n = (int) Math.min(s.localSteps(), to - at);
            SplittableRandom random = RandomStreams.of(seed, RandomStreams.LOCAL_MOVE, moveCounter++);
            double u0 = u[0];
            boolean accepted;
            if (hmc != null) {
                HamiltonianMonteCarlo move = n == s.localSteps() ? hmc : new HamiltonianMonteCarlo(context, masses, s.kT(), s.dtPs(), n);
                accepted = move.move(x, u, force, random).accepted();
                evaluations += n + 1;
            } else {
                context.setPositions(x);
                context.setVelocities(v);
                context.step(n);
                x = context.positions();
                v = context.velocities();
                evaluations += n;
                evaluate(); // U at the segment's end, for the next flow move: one more evaluation
                accepted = true;
            }
            at += n;
            localMoves++;
            if (accepted) localAccepted++;
            files.move(at, hmc != null ? "hmc" : "langevin", accepted, u[0] - u0, Double.NaN, x);
        }
    }

    /**
     * An independence move to this chain's row of a batch of flow proposals, accepted with
     * min(1, exp(-(U(x') - U(x))/kT) q(x)/q(x')); velocities are redrawn after an accepted jump.
     */
    void flow(long step, double[] proposals, double logQProposed, double logQCurrent, long round) throws IOException {
        double[] xp = Arrays.copyOfRange(proposals, index * n3, (index + 1) * n3);
        double up;
        double[] fp = new double[n3];
        boolean finite = true;
        for (double c : xp) finite &= Double.isFinite(c);
        if (finite) {
            double[] e = new double[1];
            context.evaluate(xp, 1, e, fp);
            up = Double.isNaN(e[0]) ? Double.POSITIVE_INFINITY : e[0];
            evaluations++;
        } else {
            up = Double.POSITIVE_INFINITY;
        }
        SplittableRandom random = RandomStreams.of(seed, RandomStreams.FLOW_ACCEPT, round);
        double logAlpha = MetropolisHastings.logAcceptIndependence(u[0], up, logQCurrent, logQProposed, s.kT());
        boolean accepted = MetropolisHastings.accept(logAlpha, random.nextDouble());
        double du = up - u[0];
        flowMoves++;
        if (accepted) {
            flowAccepted++;
            x = xp;
            force = fp;
            u[0] = up;
            v = MaxwellBoltzmann.draw(masses, s.kT(), random);
        }
        files.move(step, "flow", accepted, du, logQProposed - logQCurrent, x);
    }

    void save() throws IOException {
        files.frame(x, u[0]);
    }

    HybridSampler.ChainSummary summary() {
        return new HybridSampler.ChainSummary(index, localMoves, localAccepted, flowMoves, flowAccepted, evaluations, files.frames());
    }

    /** The chain's part of a checkpoint: state, counts, file lengths, random state. */
    void writeState(DataOutputStream data) throws IOException {
        writeArray(data, x);
        writeArray(data, v);
        writeArray(data, force);
        data.writeDouble(u[0]);
        for (long value : new long[] {localMoves, localAccepted, flowMoves, flowAccepted, evaluations, moveCounter, files.movesLines()})
            data.writeLong(value);
        data.writeInt(files.frames());
        byte[] rng = langevin ? context.checkpoint() : new byte[0]; // the integrator's generator state
        data.writeInt(rng.length);
        data.write(rng);
    }

    /** Restores {@link #writeState}; returns the file lengths (frames, moves lines) to cut the outputs back to. */
    long[] readState(DataInputStream data) throws IOException {
        x = readArray(data);
        v = readArray(data);
        force = readArray(data);
        u[0] = data.readDouble();
        localMoves = data.readLong();
        localAccepted = data.readLong();
        flowMoves = data.readLong();
        flowAccepted = data.readLong();
        evaluations = data.readLong();
        moveCounter = data.readLong();
        long movesLines = data.readLong();
        int frames = data.readInt();
        int length = data.readInt();
        if (length < 0 || length > 1 << 28) throw new IOException("corrupt random state length " + length);
        byte[] rng = new byte[length];
        data.readFully(rng);
        if (langevin && rng.length > 0) context.loadCheckpoint(rng); // positions and velocities are set anew before each segment
        if (x.length != n3 || v.length != n3 || force.length != n3)
            throw new IOException("chain " + index + " has " + x.length / 3 + " atoms, the System " + n3 / 3);
        return new long[] {frames, movesLines};
    }

    @Override
    public void close() throws IOException {
        try {
            if (files != null) files.close();
        } finally {
            context.close();
        }
    }

    private static void writeArray(DataOutputStream data, double[] a) throws IOException {
        data.writeInt(a.length);
        for (double d : a) data.writeDouble(d);
    }

    private static double[] readArray(DataInputStream data) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > 1 << 28) throw new IOException("corrupt array length " + n);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = data.readDouble();
        return a;
    }
}
