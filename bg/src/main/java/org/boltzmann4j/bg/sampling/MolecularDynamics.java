package org.boltzmann4j.bg.sampling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.DcdWriter;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.NpyAppender;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.RunCheckpoint;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.Integrator;
import org.boltzmann4j.openmm.OpenMMSystem;

/**
 * Langevin molecular dynamics with OpenMM, writing a run folder that numpy, mdtraj and OpenMM
 * read directly:
 *
 * <ul>
 *   <li>{@code trajectory.dcd}: a frame every {@code saveEvery} steps (DCDReporter's layout; the
 *       header's frame count matches the frames after every frame);
 *   <li>{@code energies.npy}: potential energy of each saved frame, kJ/mol, float64;
 *   <li>{@code log.csv}: step, time_ps, potential_kjmol, kinetic_kjmol, temperature_k,
 *       speed_ns_per_day, a line per saved frame;
 *   <li>energies and log lines reach their files at least every {@link #OUTPUT_FLUSH_SECONDS} s of
 *       wall time, at every checkpoint and at the end (a write per frame would cost as much as a
 *       percent of a small molecule's MD); the trajectory gets each frame as it is saved;
 *   <li>{@code final.pdb}: the last configuration;
 *   <li>{@code checkpoint.b4j.a}, {@code .b}: OpenMM's checkpoint plus the run's progress
 *       ({@link RunCheckpoint}), taken at a saved frame once {@code checkpointEverySeconds} of
 *       wall time have passed since the last one, and at the end. A checkpoint is forced to the
 *       disk together with the trajectory, energies and log it counts (so a power cut, not only a
 *       killed process, keeps it) at the end and whenever {@link #DURABLE_SECONDS} of wall time have
 *       passed since the last forced one: a forced write costs milliseconds, as much as hundreds of
 *       MD steps of a small molecule, so not every checkpoint is forced.
 * </ul>
 *
 * A killed run resumed with the same settings continues from its last checkpoint: trajectory,
 * energies and log are cut back to the checkpoint's frame count, so they stay consistent; on the
 * Reference platform the resumed trajectory is the one an uninterrupted run would have made.
 * Initial velocities are a {@link MaxwellBoltzmann} draw from the seed.
 */
public final class MolecularDynamics {
    public static final String TRAJECTORY = "trajectory.dcd";
    public static final String ENERGIES = "energies.npy";
    public static final String LOG = "log.csv";
    public static final String FINAL_PDB = "final.pdb";
    public static final String CHECKPOINT = "checkpoint.b4j";
    static final String CHECKPOINT_FORMAT = "boltzmann4j-md-checkpoint";
    static final int CHECKPOINT_VERSION = 1;
    /** Longest wall time energies and log lines wait in memory before they are written. */
    public static final double OUTPUT_FLUSH_SECONDS = 1;
    /** Longest wall time between checkpoints forced to the disk (the most a power cut can lose). */
    public static final double DURABLE_SECONDS = 300;
    private static final String LOG_HEADER = "step,time_ps,potential_kjmol,kinetic_kjmol,temperature_k,speed_ns_per_day";

    /** What a run reports after every saved frame, and after every checkpoint. */
    public interface Listener {
        void frame(long step, long totalSteps, double potentialKjMol, double temperatureK, double nsPerDay);

        /** A checkpoint holding {@code frames} frames is on disk: a kill from now on loses none of them. */
        default void checkpoint(long step, int frames) {}
    }

    /** Frames written in all, the final step, and the mean ns/day of the MD segments of this call. */
    public record Result(int frames, long step, double nsPerDay) {}

    private MolecularDynamics() {}

    /**
     * Runs MD from {@code start} (nm, atoms * 3), or resumes the run in {@code out}.
     *
     * @param systemXml OpenMM System XML
     * @param topology atoms and bonds for final.pdb (its atom count must match the System)
     */
    public static Result run(String systemXml, Topology topology, double[] start, MdSettings settings, Path out,
            boolean resume, Listener listener) throws IOException {
        try (OpenMMSystem system = OpenMMSystem.fromXml(systemXml)) {
            int atoms = system.numParticles();
            if (topology.atomCount() != atoms)
                throw new IllegalArgumentException("the structure has " + topology.atomCount() + " atoms, the System has " + atoms);
            if (start.length != atoms * 3) throw new IllegalArgumentException("start positions hold " + start.length / 3 + " atoms, the System has " + atoms);
            Integrator integrator = Integrator.langevinMiddle(settings.temperatureK(), settings.frictionPerPs(), settings.dtPs(), settings.seed());
            try (Context context = new Context(system, settings.platform(), settings.properties(), integrator)) {
                return new Run(context, system.masses(), topology, settings, out, listener).go(start, resume);
            }
        }
    }

    /** The folder of replica r of a replica run: {@code out/replica-NNN}. */
    public static Path replicaFolder(Path out, int replica) {
        return out.resolve(String.format(Locale.ROOT, "replica-%03d", replica));
    }

    /**
     * Runs independent replicas in this process, {@code threads} at a time (0: one per core), one
     * Context each: replica r has seed {@code settings.seed() + r} and writes
     * {@link #replicaFolder}, so replica 0 is the run a single {@link #run} with the same settings
     * makes, and every replica is the same whatever the thread count (each Context draws its own
     * Langevin noise). All replicas run to the end; the first failure is then thrown. With
     * {@code resume}, each replica that holds a checkpoint continues from it and the others start
     * (a run killed before some replicas wrote their first checkpoint resumes as a whole).
     *
     * @param listeners the listener of each replica (may return null)
     */
    public static List<Result> runReplicas(String systemXml, Topology topology, double[] start, MdSettings settings, int replicas,
            int threads, Path out, boolean resume, IntFunction<Listener> listeners) throws IOException {
        if (replicas < 1) throw new IllegalArgumentException("--replicas must be >= 1, got " + replicas);
        if (threads < 0) throw new IllegalArgumentException("--parallel must be >= 0, got " + threads);
        int width = Math.min(replicas, threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(width);
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                int replica = r;
                futures.add(pool.submit(() -> run(systemXml, topology, start, settings.withSeed(settings.seed() + replica),
                        replicaFolder(out, replica), resume && hasCheckpoint(replicaFolder(out, replica)), listeners == null ? null : listeners.apply(replica))));
            }
            List<Result> results = new ArrayList<>();
            Throwable first = null;
            for (Future<Result> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (first instanceof IOException io) throw io;
            if (first instanceof RuntimeException re) throw re;
            if (first instanceof Error error) throw error;
            if (first != null) throw new IllegalStateException(first);
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static final class Run {
        final Context context;
        final double[] masses;
        final Topology topology;
        final MdSettings s;
        final Path out;
        final Listener listener;
        final int atoms;
        final int dof;
        NpyAppender energies;
        BufferedWriter log;
        FileChannel logChannel;
        DcdWriter dcd;
        long lastCheckpointNs;
        long lastFlushNs;
        long lastDurableNs;
        RunCheckpoint checkpoints;
        double[] pendingEnergies = new double[64];
        int pending;
        final StringBuilder pendingLog = new StringBuilder();

        Run(Context context, double[] masses, Topology topology, MdSettings settings, Path out, Listener listener) {
            this.context = context;
            this.masses = masses;
            this.topology = topology;
            this.s = settings;
            this.out = out;
            this.listener = listener;
            this.atoms = context.numParticles();
            this.dof = context.degreesOfFreedom();
        }

        Result go(double[] start, boolean resume) throws IOException {
            long step;
            if (resume) {
                step = restore();
            } else {
                Files.createDirectories(out);
                context.setPositions(start);
                if (s.minimize()) context.minimize(10.0, 0);
                context.setVelocities(MaxwellBoltzmann.draw(masses, s.kT(), RandomStreams.of(s.seed(), RandomStreams.START_VELOCITIES, 0)));
                context.setTime(0, 0);
                step = 0;
                dcd = DcdWriter.create(out.resolve(TRAJECTORY), atoms, false, new Dcd.Timing(s.saveEvery(), s.saveEvery(), s.dtPs()));
                energies = NpyAppender.create(out.resolve(ENERGIES));
                AtomicFile.writeString(out.resolve(LOG), LOG_HEADER + "\n");
            }
            checkpoints = RunCheckpoint.open(out, CHECKPOINT, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, !resume);
            logChannel = FileChannel.open(out.resolve(LOG), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            log = new BufferedWriter(Channels.newWriter(logChannel, StandardCharsets.UTF_8));
            double mdSeconds = 0;
            long mdSteps = 0;
            try {
                lastCheckpointNs = lastFlushNs = lastDurableNs = System.nanoTime();
                while (step < s.steps()) {
                    int n = (int) Math.min(s.saveEvery() - step % s.saveEvery(), s.steps() - step);
                    long t0 = System.nanoTime();
                    context.step(n);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    mdSeconds += seconds;
                    mdSteps += n;
                    step += n;
                    if (step % s.saveEvery() == 0) save(step, n * s.dtPs() / 1000 / (seconds / 86400));
                }
                checkpoint(step, true);
                Pdb.write(out.resolve(FINAL_PDB), topology, Frames.single(context.positions()));
            } finally {
                checkpoints.close();
                log.close();
                if (dcd != null) dcd.close();
                if (energies != null) energies.close();
            }
            double nsPerDay = mdSeconds > 0 ? mdSteps * s.dtPs() / 1000 / (mdSeconds / 86400) : 0;
            return new Result(energies.rows(), step, nsPerDay);
        }

        void save(long step, double nsPerDay) throws IOException {
            Context.State state = context.state();
            double[] x = context.positions();
            dcd.write(x);
            if (pending == pendingEnergies.length) pendingEnergies = Arrays.copyOf(pendingEnergies, 2 * pending);
            pendingEnergies[pending++] = state.potentialKjMol();
            double temperature = 2 * state.kineticKjMol() / (dof * org.boltzmann4j.bg.energy.ThermalEnergy.MOLAR_GAS_CONSTANT_KJ_MOL_K);
            pendingLog.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.4f,%.3f%n", step, state.timePs(), state.potentialKjMol(),
                    state.kineticKjMol(), temperature, nsPerDay));
            if (System.nanoTime() - lastFlushNs >= OUTPUT_FLUSH_SECONDS * 1e9) flushOutputs();
            boolean last = step >= s.steps(); // the run's final, durable checkpoint follows
            if (!last && (s.checkpointEverySeconds() == 0 || System.nanoTime() - lastCheckpointNs >= s.checkpointEverySeconds() * 1e9)) {
                checkpoint(step, false);
            }
            if (listener != null) listener.frame(step, s.steps(), state.potentialKjMol(), temperature, nsPerDay);
        }

        /** Writes the energies and log lines held in memory. */
        void flushOutputs() throws IOException {
            energies.appendRows(pendingEnergies, pending);
            pending = 0;
            log.append(pendingLog);
            pendingLog.setLength(0);
            log.flush();
            lastFlushNs = System.nanoTime();
        }

        /**
         * The checkpoint records how many frames the trajectory, energies and log hold; a resume
         * cuts them back to that. A killed process loses what came after the last checkpoint; a
         * power cut at most what came after the last durable one ({@link #DURABLE_SECONDS}).
         */
        void checkpoint(long step, boolean last) throws IOException {
            flushOutputs(); // the files must hold the checkpoint's frames before it says so
            boolean durable = last || System.nanoTime() - lastDurableNs >= DURABLE_SECONDS * 1e9;
            if (durable) { // ... and so must the disk before a forced checkpoint says so
                dcd.sync();
                energies.sync();
                logChannel.force(false);
            }
            int frames = energies.rows();
            ObjectNode meta = checkpoints.header().put("step", step).put("frames", frames)
                    .put("atoms", atoms).put("dt_ps", s.dtPs()).put("temperature_k", s.temperatureK())
                    .put("friction_per_ps", s.frictionPerPs()).put("save_every", s.saveEvery()).put("seed", s.seed())
                    .put("platform", context.platformName());
            byte[] openmm = context.checkpoint();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 + openmm.length);
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                data.writeInt(openmm.length);
                data.write(openmm);
            }
            checkpoints.write(meta, bytes.toByteArray(), durable);
            lastCheckpointNs = System.nanoTime();
            if (durable) lastDurableNs = lastCheckpointNs;
            if (listener != null) listener.checkpoint(step, frames);
        }

        long restore() throws IOException {
            RunCheckpoint.Saved saved = RunCheckpoint.read(out, CHECKPOINT, CHECKPOINT_FORMAT, CHECKPOINT_VERSION);
            byte[] openmm;
            try (DataInputStream in = saved.bodyStream()) {
                openmm = new byte[in.readInt()];
                in.readFully(openmm);
            } catch (IOException | RuntimeException e) {
                throw saved.corrupt(e);
            }
            saved.requireSame("atoms", "atoms", atoms);
            saved.requireSame("dt_ps", "--dt-ps", s.dtPs());
            saved.requireSame("temperature_k", "--temperature-k", s.temperatureK());
            saved.requireSame("friction_per_ps", "--friction-per-ps", s.frictionPerPs());
            saved.requireSame("save_every", "--save-every", s.saveEvery());
            saved.requireSame("seed", "--seed", s.seed());
            int frames = saved.header().path("frames").asInt();
            long step = saved.header().path("step").asLong();
            context.loadCheckpoint(openmm);
            energies = NpyAppender.append(out.resolve(ENERGIES), frames);
            dcd = DcdWriter.append(out.resolve(TRAJECTORY), atoms, frames);
            List<String> lines = Files.readAllLines(out.resolve(LOG), StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.getFirst().equals(LOG_HEADER) || lines.size() < frames + 1)
                throw new MolecularFileException(out.resolve(LOG), "does not hold the " + frames + " lines of the checkpoint");
            AtomicFile.writeString(out.resolve(LOG), String.join("\n", lines.subList(0, frames + 1)) + "\n");
            return step;
        }
    }

    /** Whether a run folder holds an intact checkpoint (a run to resume); empty slots hold none. */
    public static boolean hasCheckpoint(Path out) throws IOException {
        return RunCheckpoint.exists(out, CHECKPOINT);
    }

    /** Whether a run folder's checkpoint was written but no record of it is intact (it cannot resume). */
    public static boolean checkpointUnreadable(Path out) throws IOException {
        return RunCheckpoint.unreadable(out, CHECKPOINT);
    }

    /** Reads the run folder's saved frame count and last step from its checkpoint (for tools and tests). */
    public static long[] checkpointProgress(Path out) throws IOException {
        var header = RunCheckpoint.read(out, CHECKPOINT, CHECKPOINT_FORMAT, CHECKPOINT_VERSION).header();
        return new long[] {header.path("frames").asLong(), header.path("step").asLong()};
    }
}
