package org.boltzmann4j.bg.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.KishEss;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.sampling.AnnealedImportanceSampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw samples from a trained Boltzmann generator and score them with OpenMM.",
                "Writes OUT/samples.dcd, log_q.npy (model log-density), energies.npy (kJ/mol) and log_w.npy (-U/kT - log q).",
                "With --ais K, also annealed importance sampling from the flow towards exp(-U/kT) (K intermediate distributions with HMC, "
                        + "in the flow's latent space): OUT/ais_samples.dcd, ais_energies.npy (kJ/mol) and log_w_ais.npy (AIS log weights; "
                        + "their mean exp estimates the partition function), and the AIS ESS besides the flow's."})
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder written by bg train.")
    Path model;

    @Option(names = "--n", required = true, paramLabel = "N", description = "Number of samples.")
    int n;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ais", paramLabel = "K", description = "Also draw --n AIS samples with K intermediate distributions (0: plain importance sampling).")
    Integer ais;

    @Option(names = "--hmc-steps", defaultValue = "" + AnnealedImportanceSampling.Settings.DEFAULT_LEAPFROG_STEPS, paramLabel = "L",
            description = "With --ais: leapfrog steps per HMC transition (default: ${DEFAULT-VALUE}).")
    int hmcSteps;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Samples folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        if (n < 1) throw new Main.UsageException("--n must be >= 1, got " + n);
        AnnealedImportanceSampling.Settings aisSettings = null;
        if (ais != null) {
            try {
                aisSettings = AnnealedImportanceSampling.Settings.defaults().withIntermediateDistributions(ais).withLeapfrogSteps(hmcSteps);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage().replace("--ais-steps", "--ais"));
            }
        }
        MolecularModel loaded = MolecularModel.load(model);
        SampleSet samples;
        MolecularModel.AisSamples annealed = null;
        try (OpenMMEnergy energy = new OpenMMEnergy(loaded.systemXml(), energyOptions.platform, Map.of(), threads)) {
            try (Progress progress = new Progress("sample", n, "samples")) {
                samples = loaded.sample(n, seed, energy, progress::stepTo);
            }
            if (aisSettings != null) {
                try (Progress progress = new Progress("ais", n, "samples")) {
                    annealed = loaded.annealedSamples(n, seed, energy, aisSettings, progress::stepTo);
                }
            }
        }
        samples.write(out);
        if (annealed != null) {
            Npy.write(out.resolve("log_w_ais.npy"), annealed.logW(), n);
            Npy.write(out.resolve("ais_energies.npy"), annealed.energies(), n);
            Dcd.write(out.resolve("ais_samples.dcd"), annealed.x(), Dcd.Timing.SAMPLES);
            System.err.printf("sample: AIS with %d intermediate distributions x %d leapfrog steps: normalised ESS %.4f (its starting flow samples %.4f), "
                    + "HMC acceptance %.2f, %d energy evaluations -> %s%n", ais, hmcSteps, KishEss.normalized(annealed.logW()),
                    KishEss.normalized(annealed.flowLogW()), annealed.acceptance(), annealed.energyEvaluations(), out);
        }
        System.err.printf("sample: %d samples, normalised ESS %.4f -> %s%n", n, KishEss.normalized(samples.logW()), out);
        return 0;
    }
}
