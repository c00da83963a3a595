package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.MdSettings;
import org.boltzmann4j.bg.sampling.MolecularDynamics;
import org.boltzmann4j.bg.systems.MolecularSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "md", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Langevin molecular dynamics with OpenMM (LangevinMiddleIntegrator).",
                "Writes OUT/trajectory.dcd, energies.npy (kJ/mol per saved frame), log.csv, final.pdb and checkpoint.b4j.a/.b; "
                        + "--resume continues a killed run from its last checkpoint, losing at most --checkpoint-every-s of wall time "
                        + "plus one --save-every interval; a checkpoint and the frames it counts are forced to the disk at the end and at "
                        + "least every 300 s, so a power cut loses at most that much more.",
                "With --replicas R, independent replicas (seeds S, S+1, ...) run in parallel threads of this process into "
                        + "OUT/replica-000, OUT/replica-001, ...; each replica is the same whatever --parallel (every Context draws its "
                        + "own Langevin noise)."})
final class MdCommand implements Callable<Integer> {
    @Mixin SystemOptions systemOptions;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of MD steps.")
    long steps;

    @Option(names = "--dt-ps", defaultValue = "0.001", paramLabel = "PS", description = "Time step in ps (default: ${DEFAULT-VALUE}).")
    double dtPs;

    @Option(names = "--temperature-k", defaultValue = "300", paramLabel = "K", description = "Temperature in K (default: ${DEFAULT-VALUE}).")
    double temperatureK;

    @Option(names = "--friction-per-ps", defaultValue = "1", paramLabel = "GAMMA", description = "Langevin friction in 1/ps (default: ${DEFAULT-VALUE}).")
    double frictionPerPs;

    @Option(names = "--save-every", defaultValue = "1000", paramLabel = "K", description = "Steps between saved frames (default: ${DEFAULT-VALUE}).")
    int saveEvery;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of velocities and Langevin noise (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--platform", defaultValue = "Reference", paramLabel = "NAME",
            description = "OpenMM platform (default: ${DEFAULT-VALUE}: exact, reproducible across --resume, fastest for small molecules).")
    String platform;

    @Option(names = "--property", paramLabel = "NAME=VALUE", description = "Platform property, repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--minimize", description = "Minimize the energy before the dynamics.")
    boolean minimize;

    @Option(names = "--checkpoint-every-s", defaultValue = "60", paramLabel = "SECONDS",
            description = {"Wall time between checkpoints, taken at the next saved frame (default: ${DEFAULT-VALUE}; 0: at every saved frame).",
                    "A kill loses at most this much wall time plus one --save-every interval."})
    double checkpointEverySeconds;

    @Option(names = "--replicas", defaultValue = "1", paramLabel = "R", description = "Independent replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--parallel", defaultValue = "0", paramLabel = "P", description = "Replicas running at once (default: one per core).")
    int parallel;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint (same settings; --steps may grow).")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        MdSettings settings;
        try {
            settings = MdSettings.defaults().withSteps(steps).withDtPs(dtPs).withTemperatureK(temperatureK).withFrictionPerPs(frictionPerPs)
                    .withSaveEvery(saveEvery).withSeed(seed).withPlatform(platform).withProperties(properties).withMinimize(minimize)
                    .withCheckpointEverySeconds(checkpointEverySeconds);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (replicas < 1) throw new Main.UsageException("--replicas must be >= 1, got " + replicas);
        if (parallel < 0) throw new Main.UsageException("--parallel must be >= 0, got " + parallel);
        MolecularSystem molecular = systemOptions.molecular();
        Pdb.Structure structure = systemOptions.structure();
        String source = systemOptions.source();
        List<Path> folders = new ArrayList<>();
        for (int r = 0; r < replicas; r++) folders.add(replicas == 1 ? out : MolecularDynamics.replicaFolder(out, r));
        for (Path folder : folders)
            if (!resume && MolecularDynamics.hasCheckpoint(folder))
                throw new Main.UsageException(folder + " already holds a run; use --resume to continue it or another --out");
        long[] done = new long[replicas];
        try (Progress progress = new Progress("md", steps * replicas, "steps")) {
            IntFunction<MolecularDynamics.Listener> listeners = r -> new MolecularDynamics.Listener() {
                final String tag = replicas == 1 ? "" : String.format(Locale.ROOT, "replica %03d: ", r);

                @Override
                public void frame(long step, long total, double potential, double temperature, double nsPerDay) {
                    synchronized (progress) {
                        done[r] = step;
                        progress.stepTo(java.util.Arrays.stream(done).sum(),
                                String.format(Locale.ROOT, "%s%.1f ns/day, U %.1f kJ/mol, T %.0f K", tag, nsPerDay, potential, temperature));
                    }
                }

                @Override
                public void checkpoint(long step, int frames) {
                    synchronized (progress) {
                        progress.note(String.format(Locale.ROOT, "%scheckpoint at step %d, %d frames", tag, step, frames));
                    }
                }
            };
            String xml = molecular.systemXml();
            double[] start = structure.frames().frame(0);
            if (replicas == 1) {
                var result = MolecularDynamics.run(xml, structure.topology(), start, settings, out, resume, listeners.apply(0));
                System.err.printf("md: %d steps, %d frames in %s (%.1f ns/day)%n", result.step(), result.frames(), out, result.nsPerDay());
            } else {
                var results = MolecularDynamics.runReplicas(xml, structure.topology(), start, settings, replicas, parallel, out, resume, listeners);
                for (int r = 0; r < replicas; r++)
                    System.err.printf("md: replica %03d (seed %d): %d steps, %d frames in %s (%.1f ns/day)%n", r, seed + r, results.get(r).step(),
                            results.get(r).frames(), folders.get(r), results.get(r).nsPerDay());
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("the structure has")) throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            throw e;
        }
        return 0;
    }
}
