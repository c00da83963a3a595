package org.boltzmann4j.bg.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw samples from a trained Boltzmann generator and score them with OpenMM.",
                "Writes OUT/samples.dcd, log_q.npy (model log-density), energies.npy (kJ/mol) and log_w.npy (-U/kT - log q)."})
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder written by bg train.")
    Path model;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Number of samples.")
    int n;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Samples folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        if (n < 1) throw new Main.UsageException("--n must be >= 1, got " + n);
        MolecularModel loaded = MolecularModel.load(model);
        SampleSet samples;
        try (OpenMMEnergy energy = new OpenMMEnergy(loaded.systemXml(), energyOptions.platform, Map.of(), threads);
                Progress progress = new Progress("sample", n, "samples")) {
            samples = loaded.sample(n, seed, energy, progress::stepTo);
        }
        samples.write(out);
        System.err.printf("sample: %d samples, normalised ESS %.4f -> %s%n", n, KishEss.normalized(samples.logW()), out);
        return 0;
    }
}
