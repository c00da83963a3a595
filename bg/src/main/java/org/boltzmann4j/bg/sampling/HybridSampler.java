package org.boltzmann4j.bg.sampling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.boltzmann4j.bg.analysis.PhiStates;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.CheckpointSlots;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.DcdWriter;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.NpyAppender;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.Integrator;
import org.boltzmann4j.openmm.OpenMMSystem;

/**
 * Flow + MD hybrid sampling: each chain alternates local moves (OpenMM Langevin segments, or
 * Metropolized HMC, which is exact) with independence proposals x' ~ q from a flow, accepted with
 * min(1, exp(-(U(x') - U(x))/kT) q(x)/q(x')); velocities are redrawn from Maxwell-Boltzmann after
 * an accepted jump. Chains run in parallel, one Context each; flow proposals are drawn in one
 * batch for all chains.
 *
 * <p>Steps are MD steps: a local move of L steps advances a chain by L, a flow move by none. A
 * flow move happens every {@code flowEvery} steps and a frame is saved every {@code saveEvery}
 * steps (after the flow move of that step, if any).
 *
 * <p>Per chain, in {@code out/chain-NNN/}: trajectory.dcd, energies.npy (kJ/mol of saved
 * frames), moves.csv (step, move, accepted, du_kjmol, dlogq, phi_rad). {@code out/summary.json}
 * holds acceptance rates, phi-sign transitions (when phi atoms are given) and energy evaluations.
 * A checkpoint at every saved frame (two slots written in turn, {@link CheckpointSlots}) makes
 * the run resumable.
 *
 * <p>Random numbers: every decision draws from a generator derived from (seed, chain, move
 * number), so the same seed gives the same chains whatever the thread count. OpenMM's Reference
 * platform draws Langevin noise from one generator per process; Langevin segments of different
 * chains on Reference therefore run one at a time, each restoring its own generator state from
 * its own OpenMM checkpoint, which keeps every chain reproducible.
 */
public final class HybridSampler {
    /** Local moves: Langevin segments, Metropolized HMC, or none (flow-only chains). */
    public enum LocalMove { LANGEVIN, HMC, NONE }

    /**
     * @param localSteps MD steps per local move (the HMC trajectory length; the Langevin segment)
     * @param flowEvery MD steps between flow moves (0: no flow moves, plain MD or HMC)
     * @param threads chains evaluated in parallel (0: one per core)
     * @param checkpointEverySeconds minimum wall time between checkpoints, which are taken at saved
     *     frames (0: at every saved frame)
     */
    public record Settings(long steps, int flowEvery, LocalMove local, int localSteps, double dtPs, double temperatureK,
            double frictionPerPs, int saveEvery, int chains, long seed, String platform, Map<String, String> properties, int threads,
            double checkpointEverySeconds) {
        public Settings {
            require(steps >= 0, "--steps must be >= 0, got " + steps);
            require(flowEvery >= 0, "--flow-every must be >= 0, got " + flowEvery);
            require(localSteps >= 1, "--local-steps must be >= 1, got " + localSteps);
            require(dtPs > 0 && dtPs <= 0.01, "--dt-ps must be in (0, 0.01], got " + dtPs);
            require(temperatureK > 0 && Double.isFinite(temperatureK), "--temperature-k must be > 0, got " + temperatureK);
            require(frictionPerPs >= 0, "--friction-per-ps must be >= 0, got " + frictionPerPs);
            require(saveEvery >= 1, "--save-every must be >= 1, got " + saveEvery);
            require(chains >= 1, "--chains must be >= 1, got " + chains);
            require(threads >= 0, "--threads must be >= 0, got " + threads);
            require(checkpointEverySeconds >= 0, "--checkpoint-every-s must be >= 0, got " + checkpointEverySeconds);
            properties = Map.copyOf(properties);
        }

        public double kT() {
            return org.boltzmann4j.bg.energy.ThermalEnergy.kT(temperatureK);
        }
    }

    /** Counts of one chain. */
    public record ChainSummary(int chain, long localMoves, long localAccepted, long flowMoves, long flowAccepted, long energyEvaluations,
            int phiTransitions, int frames) {}

    public record Result(List<ChainSummary> chains, long step) {}

    /** Called at the end of each round of all chains. */
    public interface Listener {
        void progress(long step, long totalSteps, long flowAccepted, long flowMoves);
    }

    static final String CHECKPOINT = "checkpoint.b4j";

    /** Whether a run folder holds a checkpoint (a run to resume). */
    public static boolean hasCheckpoint(Path out) throws IOException {
        return CheckpointSlots.exists(out, CHECKPOINT);
    }
    static final String MOVES_HEADER = "step,move,accepted,du_kjmol,dlogq,phi_rad";
    private static final String MAGIC = "boltzmann4j-hybrid-checkpoint";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Object REFERENCE_RNG = new Object();

    private final Settings s;
    private final Proposal proposal;
    private final int[] phiAtoms;
    private final Path out;
    private final List<Chain> chains = new ArrayList<>();
    private final double[] masses;
    private final int n3;
    private long step;
    private long flowRound;
    private long lastCheckpointNs = System.nanoTime();
    private CheckpointSlots slots;

    private HybridSampler(Settings settings, Proposal proposal, int[] phiAtoms, Path out, double[] masses) {
        this.s = settings;
        this.proposal = proposal;
        this.phiAtoms = phiAtoms;
        this.out = out;
        this.masses = masses;
        this.n3 = masses.length * 3;
    }

    /**
     * Runs (or resumes) the sampler.
     *
     * @param start starting configuration of every chain (nm, atoms * 3)
     * @param proposal the flow (or any independence proposal); null for no flow moves
     * @param phiAtoms the four atoms of phi for transition counting, or null
     */
    public static Result run(String systemXml, double[] start, Proposal proposal, int[] phiAtoms, Settings settings, Path out,
            boolean resume, Listener listener) throws IOException {
        if (settings.flowEvery() > 0 && proposal == null) throw new IllegalArgumentException("flow moves need a proposal (a model)");
        try (OpenMMSystem system = OpenMMSystem.fromXml(systemXml)) {
            double[] masses = system.masses();
            if (start.length != masses.length * 3)
                throw new IllegalArgumentException("the start structure has " + start.length / 3 + " atoms, the System has " + masses.length);
            if (proposal != null && proposal.dimension() != start.length)
                throw new IllegalArgumentException("the model has " + proposal.dimension() / 3 + " atoms, the System has " + masses.length);
            HybridSampler sampler = new HybridSampler(settings, proposal, phiAtoms, out, masses);
            try {
                sampler.open(system, start, resume);
                return sampler.loop(listener);
            } finally {
                sampler.close();
            }
        }
    }

    private void open(OpenMMSystem system, double[] start, boolean resume) throws IOException {
        boolean sharedRng = s.local() == LocalMove.LANGEVIN && "Reference".equals(s.platform());
        for (int c = 0; c < s.chains(); c++) {
            Integrator integrator = s.local() == LocalMove.HMC ? Integrator.verlet(s.dtPs())
                    : Integrator.langevinMiddle(s.temperatureK(), s.frictionPerPs(), s.dtPs(), seed32(s.seed(), c));
            chains.add(new Chain(c, new Context(system, s.platform(), s.properties(), integrator), sharedRng));
        }
        if (resume) {
            restore();
        } else {
            Files.createDirectories(out);
            CheckpointSlots.delete(out, CHECKPOINT);
            for (Chain chain : chains) chain.start(start);
        }
        for (Chain chain : chains) chain.openFiles(resume);
    }

    private Result loop(Listener listener) throws IOException {
        int width = s.threads() > 0 ? s.threads() : Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(width, s.chains())));
        try {
            while (step < s.steps()) {
                long end = Math.min(s.steps(), nextBoundary(step));
                long from = step;
                parallel(pool, chain -> chain.local(from, end));
                step = end;
                if (s.flowEvery() > 0 && step % s.flowEvery() == 0) flowMove(pool);
                if (step % s.saveEvery() == 0) {
                    for (Chain chain : chains) chain.save();
                    if (System.nanoTime() - lastCheckpointNs >= s.checkpointEverySeconds() * 1e9) checkpoint(false);
                }
                if (listener != null) {
                    long acc = 0, moves = 0;
                    for (Chain chain : chains) {
                        acc += chain.flowAccepted;
                        moves += chain.flowMoves;
                    }
                    listener.progress(step, s.steps(), acc, moves);
                }
            }
            checkpoint(true);
            List<ChainSummary> summaries = new ArrayList<>();
            for (Chain chain : chains) summaries.add(chain.summary());
            writeSummary(summaries);
            return new Result(summaries, step);
        } finally {
            pool.shutdownNow();
        }
    }

    private long nextBoundary(long from) {
        long next = (from / s.saveEvery() + 1) * s.saveEvery();
        if (s.flowEvery() > 0) next = Math.min(next, (from / s.flowEvery() + 1) * s.flowEvery());
        return next;
    }

    private void flowMove(ExecutorService pool) throws IOException {
        int n = chains.size();
        Proposal.Draws draws = proposal.draw(n, new SplittableRandom(mix(s.seed(), -1, flowRound)));
        double[] current = new double[n * n3];
        for (Chain chain : chains) System.arraycopy(chain.x, 0, current, chain.index * n3, n3);
        double[] logQCurrent = proposal.logQ(current, n);
        long round = flowRound++;
        parallel(pool, chain -> chain.flow(draws.x(), draws.logQ()[chain.index], logQCurrent[chain.index], round));
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

    /** A generator for (seed, chain, counter): reproducible whatever the order chains run in. */
    static long mix(long seed, long chain, long counter) {
        long h = seed * 0x9E3779B97F4A7C15L + chain * 0xC2B2AE3D27D4EB4FL + counter * 0x165667B19E3779F9L;
        return new SplittableRandom(h).nextLong();
    }

    private static int seed32(long seed, int chain) {
        int s = (int) (mix(seed, chain, Long.MIN_VALUE) & 0x7fffffff);
        return s == 0 ? 1 : s; // OpenMM takes 0 as "pick a seed"
    }

    private final class Chain {
        final int index;
        final Context context;
        final boolean sharedRng;
        final HamiltonianMonteCarlo hmc;
        final Path dir;
        double[] x, v, force = new double[n3];
        final double[] u = new double[1];
        byte[] rngState;
        long localMoves, localAccepted, flowMoves, flowAccepted, evaluations, moveCounter;
        int frames;
        NpyAppender energies;
        DcdWriter dcd;
        BufferedWriter moves;
        long movesLines;

        Chain(int index, Context context, boolean sharedRng) {
            this.index = index;
            this.context = context;
            this.sharedRng = sharedRng;
            this.hmc = s.local() == LocalMove.HMC ? new HamiltonianMonteCarlo(context, masses, s.kT(), s.dtPs(), s.localSteps()) : null;
            this.dir = out.resolve(String.format("chain-%03d", index));
            // Right after creation the Reference generator holds this chain's seed: keep it.
            if (sharedRng) rngState = context.checkpoint();
        }

        void start(double[] start) {
            x = start.clone();
            v = maxwellBoltzmann(new SplittableRandom(mix(s.seed(), index, -2)));
            evaluate();
        }

        void evaluate() {
            double[] e = new double[1];
            context.evaluate(x, 1, e, force);
            u[0] = Double.isNaN(e[0]) ? Double.POSITIVE_INFINITY : e[0];
            evaluations++;
        }

        double[] maxwellBoltzmann(SplittableRandom random) {
            double[] vel = new double[n3];
            for (int i = 0; i < n3; i++) {
                double m = masses[i / 3];
                vel[i] = m > 0 ? Math.sqrt(s.kT() / m) * random.nextGaussian() : 0;
            }
            return vel;
        }

        void openFiles(boolean resume) throws IOException {
            Files.createDirectories(dir);
            if (!resume) {
                dcd = DcdWriter.create(dir.resolve("trajectory.dcd"), n3 / 3, false, new Dcd.Timing(s.saveEvery(), s.saveEvery(), s.dtPs()));
                energies = NpyAppender.create(dir.resolve("energies.npy"));
                AtomicFile.writeString(dir.resolve("moves.csv"), MOVES_HEADER + "\n");
            } else {
                dcd = DcdWriter.append(dir.resolve("trajectory.dcd"), n3 / 3, frames);
                energies = NpyAppender.append(dir.resolve("energies.npy"), frames);
                List<String> lines = Files.readAllLines(dir.resolve("moves.csv"), StandardCharsets.UTF_8);
                if (lines.size() < movesLines + 1)
                    throw new MolecularFileException(dir.resolve("moves.csv"), "holds fewer moves than the checkpoint");
                AtomicFile.writeString(dir.resolve("moves.csv"), String.join("\n", lines.subList(0, (int) movesLines + 1)) + "\n");
            }
            moves = Files.newBufferedWriter(dir.resolve("moves.csv"), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }

        void local(long from, long to) throws IOException {
            long at = from;
            while (at < to) {
                int n = (int) Math.min(s.localSteps(), to - at);
                SplittableRandom random = new SplittableRandom(mix(s.seed(), index, moveCounter++));
                double u0 = u[0];
                boolean accepted;
                if (s.local() == LocalMove.NONE) {
                    at += n;
                    continue;
                }
                if (hmc != null) {
                    HamiltonianMonteCarlo step = n == s.localSteps() ? hmc : new HamiltonianMonteCarlo(context, masses, s.kT(), s.dtPs(), n);
                    accepted = step.move(x, u, force, random).accepted();
                    evaluations += n + 1;
                } else {
                    langevin(n);
                    evaluations += n;
                    accepted = true;
                }
                at += n;
                localMoves++;
                if (accepted) localAccepted++;
                record(at, hmc != null ? "hmc" : "langevin", accepted, u[0] - u0, Double.NaN);
            }
        }

        void langevin(int n) {
            if (sharedRng) {
                synchronized (REFERENCE_RNG) {
                    context.loadCheckpoint(rngState);
                    segment(n);
                    rngState = context.checkpoint();
                }
            } else {
                segment(n);
            }
        }

        private void segment(int n) {
            context.setPositions(x);
            context.setVelocities(v);
            context.step(n);
            x = context.positions();
            v = context.velocities();
            evaluate(); // U at the segment's end, for the next flow move: one more evaluation
        }

        void flow(double[] proposals, double logQProposed, double logQCurrent, long round) throws IOException {
            double[] xp = java.util.Arrays.copyOfRange(proposals, index * n3, (index + 1) * n3);
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
            SplittableRandom random = new SplittableRandom(mix(s.seed(), index, Long.MAX_VALUE - round));
            double logAlpha = MetropolisHastings.logAcceptIndependence(u[0], up, logQCurrent, logQProposed, s.kT());
            boolean accepted = MetropolisHastings.accept(logAlpha, random.nextDouble());
            double du = up - u[0];
            flowMoves++;
            if (accepted) {
                flowAccepted++;
                x = xp;
                force = fp;
                u[0] = up;
                v = maxwellBoltzmann(random);
            }
            record(step, "flow", accepted, du, logQProposed - logQCurrent);
        }

        void record(long at, String move, boolean accepted, double du, double dlogq) throws IOException {
            String phi = phiAtoms == null ? "" : String.format(Locale.ROOT, "%.6f", org.boltzmann4j.bg.coordinates.DihedralAngle.of(x, 3 * phiAtoms[0], 3 * phiAtoms[1], 3 * phiAtoms[2], 3 * phiAtoms[3]));
            moves.write(String.format(Locale.ROOT, "%d,%s,%d,%.6f,%s,%s%n", at, move, accepted ? 1 : 0, du,
                    Double.isNaN(dlogq) ? "" : String.format(Locale.ROOT, "%.6f", dlogq), phi));
            movesLines++;
        }

        void save() throws IOException {
            dcd.write(x);
            energies.append(u[0]);
            frames++;
            moves.flush();
        }

        ChainSummary summary() throws IOException {
            moves.flush();
            int transitions = 0;
            if (phiAtoms != null) {
                List<String> lines = Files.readAllLines(dir.resolve("moves.csv"), StandardCharsets.UTF_8);
                double[] phi = lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1))).toArray();
                transitions = PhiStates.transitions(phi, Math.toRadians(20));
            }
            return new ChainSummary(index, localMoves, localAccepted, flowMoves, flowAccepted, evaluations, transitions, frames);
        }

        void writeState(DataOutputStream data) throws IOException {
            writeArray(data, x);
            writeArray(data, v);
            writeArray(data, force);
            data.writeDouble(u[0]);
            for (long value : new long[] {localMoves, localAccepted, flowMoves, flowAccepted, evaluations, moveCounter, movesLines}) data.writeLong(value);
            data.writeInt(frames);
            byte[] rng = rngState == null ? new byte[0] : rngState;
            data.writeInt(rng.length);
            data.write(rng);
        }

        void readState(DataInputStream data) throws IOException {
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
            movesLines = data.readLong();
            frames = data.readInt();
            byte[] rng = new byte[data.readInt()];
            data.readFully(rng);
            if (rng.length > 0) rngState = rng;
            if (x.length != n3) throw new IOException("chain " + index + " has " + x.length / 3 + " atoms, the System " + n3 / 3);
        }

        void close() throws IOException {
            try {
                if (moves != null) moves.close();
            } finally {
                try {
                    if (dcd != null) dcd.close();
                    if (energies != null) energies.close();
                } finally {
                    context.close();
                }
            }
        }
    }

    private void checkpoint(boolean durable) throws IOException {
        for (Chain chain : chains) chain.moves.flush();
        ObjectNode meta = JSON.createObjectNode();
        meta.put("format", MAGIC).put("version", VERSION).put("step", step).put("flow_round", flowRound).put("chains", s.chains())
                .put("atoms", n3 / 3).put("seed", s.seed()).put("local", s.local().name()).put("local_steps", s.localSteps())
                .put("flow_every", s.flowEvery()).put("save_every", s.saveEvery()).put("dt_ps", s.dtPs()).put("temperature_k", s.temperatureK());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            byte[] json = JSON.writeValueAsBytes(meta);
            data.writeInt(json.length);
            data.write(json);
            for (Chain chain : chains) chain.writeState(data);
        }
        if (slots == null) slots = CheckpointSlots.open(out, CHECKPOINT);
        slots.write(bytes.toByteArray(), durable);
        lastCheckpointNs = System.nanoTime();
    }

    private void restore() throws IOException {
        Path file = out.resolve(CHECKPOINT);
        byte[] record = CheckpointSlots.readLatest(out, CHECKPOINT);
        if (record == null) {
            if (Files.exists(out.resolve(CHECKPOINT + ".a")) || Files.exists(out.resolve(CHECKPOINT + ".b")))
                throw new MolecularFileException(file, "no intact checkpoint record (both slots corrupt)");
            throw new NoSuchFileException(file.toString(), null, "no checkpoint to resume from");
        }
        try (DataInputStream data = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
            byte[] json = new byte[data.readInt()];
            data.readFully(json);
            ObjectNode meta = (ObjectNode) JSON.readTree(json);
            if (!MAGIC.equals(meta.path("format").asText()) || meta.path("version").asInt() != VERSION)
                throw new MolecularFileException(file, "not a boltzmann4j hybrid checkpoint of version " + VERSION);
            String[][] checks = {
                {"chains", "--chains", Integer.toString(s.chains())}, {"seed", "--seed", Long.toString(s.seed())},
                {"local", "--local", s.local().name()}, {"local_steps", "--local-steps", Integer.toString(s.localSteps())},
                {"flow_every", "--flow-every", Integer.toString(s.flowEvery())}, {"save_every", "--save-every", Integer.toString(s.saveEvery())},
                {"dt_ps", "--dt-ps", Double.toString(s.dtPs())}, {"temperature_k", "--temperature-k", Double.toString(s.temperatureK())}};
            for (String[] c : checks) {
                String was = meta.path(c[0]).asText();
                if (meta.path(c[0]).isDouble() ? meta.path(c[0]).asDouble() != Double.parseDouble(c[2]) : !was.equals(c[2]))
                    throw new IllegalArgumentException(file + ": the run was made with " + c[1] + " " + was + ", not " + c[2]
                            + "; resume with the same settings");
            }
            step = meta.path("step").asLong();
            flowRound = meta.path("flow_round").asLong();
            for (Chain chain : chains) chain.readState(data);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException || e instanceof MolecularFileException) throw e;
            throw new MolecularFileException(file, "not a readable checkpoint (" + e.getMessage() + ")", e);
        }
    }

    private void writeSummary(List<ChainSummary> summaries) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("steps", step).put("chains", s.chains()).put("local", s.local().name().toLowerCase(Locale.ROOT))
                .put("local_steps", s.localSteps()).put("flow_every", s.flowEvery()).put("temperature_k", s.temperatureK())
                .put("dt_ps", s.dtPs());
        long evaluations = 0, transitions = 0, flowMoves = 0, flowAccepted = 0, localMoves = 0, localAccepted = 0;
        ArrayNode list = root.putArray("per_chain");
        for (ChainSummary c : summaries) {
            ObjectNode o = list.addObject();
            o.put("chain", c.chain()).put("local_moves", c.localMoves()).put("local_acceptance", rate(c.localAccepted(), c.localMoves()))
                    .put("flow_moves", c.flowMoves()).put("flow_acceptance", rate(c.flowAccepted(), c.flowMoves()))
                    .put("energy_evaluations", c.energyEvaluations()).put("frames", c.frames());
            if (phiAtoms != null) o.put("phi_transitions", c.phiTransitions());
            evaluations += c.energyEvaluations();
            transitions += c.phiTransitions();
            flowMoves += c.flowMoves();
            flowAccepted += c.flowAccepted();
            localMoves += c.localMoves();
            localAccepted += c.localAccepted();
        }
        root.put("energy_evaluations", evaluations).put("flow_moves", flowMoves).put("flow_acceptance", rate(flowAccepted, flowMoves))
                .put("local_moves", localMoves).put("local_acceptance", rate(localAccepted, localMoves));
        if (phiAtoms != null) {
            root.put("phi_transitions", transitions).put("phi_transitions_per_million_evaluations", evaluations == 0 ? 0 : transitions * 1e6 / evaluations)
                    .put("phi_transition_core_margin_deg", 20);
        }
        AtomicFile.writeString(out.resolve("summary.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static double rate(long accepted, long total) {
        return total == 0 ? 0 : (double) accepted / total;
    }

    private void close() throws IOException {
        IOException first = null;
        if (slots != null) {
            try {
                slots.close();
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

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
