package org.boltzmann4j.bg.sampling;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Arrays;
import java.util.List;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.CheckpointSlots;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.DcdWriter;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.NpyAppender;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
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
 *   <li>{@code final.pdb}: the last configuration;
 *   <li>{@code checkpoint.b4j.a}, {@code .b}: OpenMM's checkpoint plus the run's progress, in two
 *       slots written in turn (see {@link CheckpointSlots}),
 *       atomically, from which {@code resume} continues.
 * </ul>
 *
 * A killed run resumed with the same settings continues from its last checkpoint: trajectory,
 * energies and log are cut back to the checkpoint's frame count, so they stay consistent; on the
 * Reference platform the resumed trajectory is the one an uninterrupted run would have made.
 */
public final class MolecularDynamics {
    public static final String TRAJECTORY = "trajectory.dcd";
    public static final String ENERGIES = "energies.npy";
    public static final String LOG = "log.csv";
    public static final String FINAL_PDB = "final.pdb";
    public static final String CHECKPOINT = "checkpoint.b4j";
    private static final String CHECKPOINT_MAGIC = "boltzmann4j-md-checkpoint";
    private static final int CHECKPOINT_VERSION = 1;
    private static final String LOG_HEADER = "step,time_ps,potential_kjmol,kinetic_kjmol,temperature_k,speed_ns_per_day";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run reports after every saved frame. */
    public interface Listener {
        void frame(long step, long totalSteps, double potentialKjMol, double temperatureK, double nsPerDay);
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
                return new Run(context, topology, settings, out, listener).go(start, resume);
            }
        }
    }

    private static final class Run {
        final Context context;
        final Topology topology;
        final MdSettings s;
        final Path out;
        final Listener listener;
        final int atoms;
        final int dof;
        NpyAppender energies;
        BufferedWriter log;
        DcdWriter dcd;
        long lastCheckpointNs;
        CheckpointSlots slots;

        Run(Context context, Topology topology, MdSettings settings, Path out, Listener listener) {
            this.context = context;
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
                context.setVelocitiesToTemperature(s.temperatureK(), s.seed());
                context.setTime(0, 0);
                step = 0;
                dcd = DcdWriter.create(out.resolve(TRAJECTORY), atoms, false, new Dcd.Timing(s.saveEvery(), s.saveEvery(), s.dtPs()));
                energies = NpyAppender.create(out.resolve(ENERGIES));
                AtomicFile.writeString(out.resolve(LOG), LOG_HEADER + "\n");
                CheckpointSlots.delete(out, CHECKPOINT);
            }
            slots = CheckpointSlots.open(out, CHECKPOINT);
            log = Files.newBufferedWriter(out.resolve(LOG), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            double mdSeconds = 0;
            long mdSteps = 0;
            try {
                lastCheckpointNs = System.nanoTime();
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
                slots.close();
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
            energies.append(state.potentialKjMol());
            double temperature = 2 * state.kineticKjMol() / (dof * org.boltzmann4j.bg.energy.ThermalEnergy.MOLAR_GAS_CONSTANT_KJ_MOL_K);
            log.write(String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.4f,%.3f%n", step, state.timePs(), state.potentialKjMol(),
                    state.kineticKjMol(), temperature, nsPerDay));
            log.flush();
            if (s.checkpointEverySeconds() == 0 || System.nanoTime() - lastCheckpointNs >= s.checkpointEverySeconds() * 1e9) {
                checkpoint(step, false);
            }
            if (listener != null) listener.frame(step, s.steps(), state.potentialKjMol(), temperature, nsPerDay);
        }

        /**
         * The checkpoint records how many frames the trajectory, energies and log hold; a resume
         * cuts them back to that. Checkpoints during the run are atomic but not forced to disk (a
         * forced write costs milliseconds, as much as hundreds of MD steps of a small molecule): a
         * killed process loses at most one save interval, a power cut what the OS had not written.
         */
        void checkpoint(long step, boolean durable) throws IOException {
            int frames = energies.rows();
            ObjectNode meta = JSON.createObjectNode();
            meta.put("format", CHECKPOINT_MAGIC).put("version", CHECKPOINT_VERSION).put("step", step).put("frames", frames)
                    .put("atoms", atoms).put("dt_ps", s.dtPs()).put("temperature_k", s.temperatureK())
                    .put("friction_per_ps", s.frictionPerPs()).put("save_every", s.saveEvery()).put("seed", s.seed())
                    .put("platform", context.platformName());
            byte[] json = JSON.writeValueAsBytes(meta);
            byte[] openmm = context.checkpoint();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(bytes)) {
                data.writeInt(json.length);
                data.write(json);
                data.writeInt(openmm.length);
                data.write(openmm);
            }
            slots.write(bytes.toByteArray(), durable);
            lastCheckpointNs = System.nanoTime();
        }

        long restore() throws IOException {
            Path file = out.resolve(CHECKPOINT);
            byte[] record = readCheckpoint(out);
            ObjectNode meta;
            byte[] openmm;
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
                byte[] json = new byte[in.readInt()];
                in.readFully(json);
                meta = (ObjectNode) JSON.readTree(json);
                openmm = new byte[in.readInt()];
                in.readFully(openmm);
            } catch (IOException | RuntimeException e) {
                throw new MolecularFileException(file, "not a readable checkpoint (" + e.getMessage() + ")", e);
            }
            if (!CHECKPOINT_MAGIC.equals(meta.path("format").asText()) || meta.path("version").asInt() != CHECKPOINT_VERSION)
                throw new MolecularFileException(file, "not a boltzmann4j MD checkpoint of version " + CHECKPOINT_VERSION);
            mismatch(file, "atoms", meta.path("atoms").asInt() == atoms, meta.path("atoms").asInt(), atoms);
            mismatch(file, "--dt-ps", meta.path("dt_ps").asDouble() == s.dtPs(), meta.path("dt_ps").asDouble(), s.dtPs());
            mismatch(file, "--temperature-k", meta.path("temperature_k").asDouble() == s.temperatureK(), meta.path("temperature_k").asDouble(), s.temperatureK());
            mismatch(file, "--friction-per-ps", meta.path("friction_per_ps").asDouble() == s.frictionPerPs(), meta.path("friction_per_ps").asDouble(), s.frictionPerPs());
            mismatch(file, "--save-every", meta.path("save_every").asInt() == s.saveEvery(), meta.path("save_every").asInt(), s.saveEvery());
            mismatch(file, "--seed", meta.path("seed").asInt() == s.seed(), meta.path("seed").asInt(), s.seed());
            int frames = meta.path("frames").asInt();
            long step = meta.path("step").asLong();
            context.loadCheckpoint(openmm);
            energies = NpyAppender.append(out.resolve(ENERGIES), frames);
            dcd = DcdWriter.append(out.resolve(TRAJECTORY), atoms, frames);
            List<String> lines = Files.readAllLines(out.resolve(LOG), StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.getFirst().equals(LOG_HEADER) || lines.size() < frames + 1)
                throw new MolecularFileException(out.resolve(LOG), "does not hold the " + frames + " lines of the checkpoint");
            AtomicFile.writeString(out.resolve(LOG), String.join("\n", lines.subList(0, frames + 1)) + "\n");
            return step;
        }

        static void mismatch(Path file, String what, boolean same, Object was, Object now) {
            if (!same) throw new IllegalArgumentException(file + ": the run was made with " + what + " " + was + ", not " + now + "; resume with the same settings");
        }
    }

    /** The newest checkpoint record of a run folder; errors say whether there is none or it is corrupt. */
    private static byte[] readCheckpoint(Path out) throws IOException {
        byte[] record = CheckpointSlots.readLatest(out, CHECKPOINT);
        if (record != null) return record;
        Path file = out.resolve(CHECKPOINT);
        if (Files.exists(out.resolve(CHECKPOINT + ".a")) || Files.exists(out.resolve(CHECKPOINT + ".b")))
            throw new MolecularFileException(file, "no intact checkpoint record (both slots corrupt)");
        throw new NoSuchFileException(file.toString(), null, "no checkpoint to resume from");
    }

    /** Whether a run folder holds a checkpoint (a run to resume). */
    public static boolean hasCheckpoint(Path out) throws IOException {
        return CheckpointSlots.exists(out, CHECKPOINT);
    }

    /** Reads the run folder's saved frame count and last step from its checkpoint (for tools and tests). */
    public static long[] checkpointProgress(Path out) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(readCheckpoint(out)))) {
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            var meta = JSON.readTree(json);
            return new long[] {meta.path("frames").asLong(), meta.path("step").asLong()};
        }
    }

    static double[] copy(double[] a) {
        return Arrays.copyOf(a, a.length);
    }
}
