package org.boltzmann4j.bg.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.GeneratorEvaluation;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a Boltzmann generator's samples against reference MD of the same system.",
                "Writes OUT/metrics.json (ess, n_samples, nll_nats, energy_w1_kjmol, phi_kl, psi_kl, delta_f_kt {md, flow, reweighted}),",
                "PNG plots (energy histograms, Ramachandran plots, free energy along phi) and report.md."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder written by bg train.")
    Path model;

    @Option(names = "--samples", required = true, paramLabel = "DIR", description = "Samples folder written by bg sample.")
    Path samples;

    @Option(names = "--reference", required = true, paramLabel = "FILE", description = "Reference MD frames (.dcd, .npy, .pdb), ideally not used in training.")
    Path reference;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Report folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        MolecularModel loaded = MolecularModel.load(model);
        SampleSet set = SampleSet.read(samples);
        if (set.x().atoms() != loaded.atoms())
            throw new IllegalArgumentException(samples + ": samples of " + set.x().atoms() + " atoms, the model has " + loaded.atoms());
        Frames md = Coordinates.load(reference);
        if (md.frames() == 0) throw new IllegalArgumentException(reference + ": no frames");
        if (md.atoms() != loaded.atoms())
            throw new IllegalArgumentException(reference + ": " + md.atoms() + " atoms per frame, the model has " + loaded.atoms());
        double[] mdEnergies;
        try (OpenMMEnergy energy = new OpenMMEnergy(loaded.systemXml(), energyOptions.platform, Map.of(), threads)) {
            mdEnergies = energy.score(md.xyz(), md.frames(), false, done -> {}).energies();
        }
        var report = GeneratorEvaluation.evaluate(new GeneratorEvaluation.Inputs(loaded.topology(), loaded.temperatureK(), set.x(), set.logW(),
                set.energies(), md, mdEnergies, loaded.logQ(md), seed));
        report.write(out);
        var m = report.metrics();
        System.out.printf("ESS %.4f of %d samples, NLL %.2f nats, energy W1 %.2f kJ/mol, KL phi %.4f psi %.4f%n", m.path("ess").asDouble(),
                m.path("n_samples").asInt(), m.path("nll_nats").asDouble(), m.path("energy_w1_kjmol").asDouble(), m.path("phi_kl").asDouble(),
                m.path("psi_kl").asDouble());
        System.out.println("Report: " + out.resolve("report.md"));
        return 0;
    }
}
