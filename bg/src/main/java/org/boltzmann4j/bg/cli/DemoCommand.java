package org.boltzmann4j.bg.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.systems.MolecularSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The main job on bundled data: scores the bundled alanine dipeptide MD samples (aldp-implicit, 300 K)",
                "with OpenMM through the Java bindings and writes samples.dcd, energies.npy (kJ/mol) and forces.npy (kJ/mol/nm)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: a new demo-<time> folder here).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Contexts evaluating in parallel (default: one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (threads < 0) throw new Main.UsageException("--threads must be >= 0, got " + threads);
        Path dir = out != null ? out : Path.of("demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        Path samples = dir.resolve("samples.dcd");
        try (InputStream in = MolecularSystem.class.getResourceAsStream("/org/boltzmann4j/bg/systems/aldp-implicit-md.dcd")) {
            if (in == null) throw new IllegalStateException("bundled samples aldp-implicit-md.dcd are missing from the jar");
            byte[] bytes = in.readAllBytes();
            AtomicFile.write(samples, o -> o.write(bytes));
        }
        Frames frames = Coordinates.load(samples);
        MolecularSystem system = MolecularSystem.bundled("aldp-implicit");
        long start = System.nanoTime();
        OpenMMEnergy.Scores scores;
        String platform;
        int used;
        try (OpenMMEnergy energy = new OpenMMEnergy(system, "Reference", Map.of(), threads);
                Progress progress = new Progress("demo", frames.frames(), "configs")) {
            scores = energy.score(frames.xyz(), frames.frames(), true, progress::stepTo);
            platform = energy.pool().platformName();
            used = energy.pool().threads();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Npy.write(dir.resolve("energies.npy"), scores.energies(), frames.frames());
        Npy.write(dir.resolve("forces.npy"), scores.forces(), frames.frames(), frames.atoms(), 3);
        var stats = new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics(scores.energies());
        System.out.printf("Scored %d alanine dipeptide configurations (aldp-implicit, %d atoms) on OpenMM %s, %d threads, %.3f s%n",
                frames.frames(), frames.atoms(), platform, used, seconds);
        System.out.printf("Potential energy: mean %.2f kJ/mol, std %.2f, min %.2f, max %.2f%n", stats.getMean(),
                stats.getStandardDeviation(), stats.getMin(), stats.getMax());
        System.out.println("Wrote " + dir.resolve("samples.dcd") + ", " + dir.resolve("energies.npy") + ", " + dir.resolve("forces.npy"));
        return 0;
    }
}
