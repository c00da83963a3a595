package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.GeneratorEvaluation;
import org.boltzmann4j.bg.analysis.TorusWasserstein;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a Boltzmann generator's samples against reference MD of the same system.",
                "Writes OUT/metrics.json (ess, ess_normalized_top0.2pct_removed, n_samples, nll_nats, energy_w1_kjmol, energy_w2_kjmol,",
                "torus_w2_rad, phi_kl, psi_kl, delta_f_kt {md, flow, reweighted}, residues, warnings), PNG plots (energy histograms,",
                "Ramachandran plots, free energy along phi) and report.md; warnings also on stderr.",
                "Backbone (phi, psi) from the topology: per residue for capped peptides (ACE-ALA-NME), and for a free dipeptide X-Y",
                "phi = C(1)-N(2)-CA(2)-C(2), psi = N(1)-CA(1)-C(1)-N(2) (the TBG papers' convention).",
                "Classic BG samples: --model (system, structure, temperature and log q of the reference from the model).",
                "TBG samples (bg tbg sample): no --model; SAMPLES/structure.pdb and SAMPLES/system.xml, the temperature from",
                "SAMPLES/validity.json (temperature_k) or --temperature, and optionally --reference-log-q (from bg tbg score) for the NLL."})
final class EvaluateCommand implements Callable<Integer> {
    /** Written by bg tbg sample next to the samples; its temperature_k is the temperature of their log w. */
    static final String VALIDITY = "validity.json";

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Model folder written by bg train (gives system, structure, temperature and the NLL).")
    Path model;

    @Option(names = "--samples", required = true, paramLabel = "DIR", description = "Samples folder written by bg sample or bg tbg sample.")
    Path samples;

    @Option(names = "--reference", required = true, paramLabel = "FILE", description = "Reference MD frames (.dcd, .npy, .pdb), ideally not used in training.")
    Path reference;

    @Option(names = "--temperature", paramLabel = "K", description = "Temperature of the samples' log weights, kelvin (default: the model's, or without --model SAMPLES/validity.json's temperature_k; required when neither has one).")
    Double temperatureK;

    @Option(names = "--reference-log-q", paramLabel = "FILE", description = "log q of each reference frame (.npy, nats; bg tbg score) for nll_nats, without --model.")
    Path referenceLogQ;

    @Option(names = "--torus-w2-samples", defaultValue = "" + TorusWasserstein.DEFAULT_SUBSAMPLE, paramLabel = "M",
            description = "Points per side of the exact torus W2 assignment, O(M^3) (default: ${DEFAULT-VALUE}).")
    int torusSubsample;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of bootstraps and torus W2 subsets (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Report folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        if (torusSubsample < 1) throw new Main.UsageException("--torus-w2-samples must be >= 1, got " + torusSubsample);
        if (temperatureK != null && !(temperatureK > 0 && Double.isFinite(temperatureK)))
            throw new Main.UsageException("--temperature must be a positive temperature in kelvin, got " + temperatureK);
        Double samplesK = model == null ? validityTemperatureK() : null;
        if (model == null && temperatureK == null && samplesK == null)
            throw new Main.UsageException("--temperature is required without --model (the temperature of the samples' log weights) when "
                    + samples.resolve(VALIDITY) + " does not give temperature_k");
        if (temperatureK != null && samplesK != null && Math.abs(temperatureK - samplesK) > 1e-9)
            throw new Main.UsageException("--temperature " + temperatureK + " K differs from " + samples.resolve(VALIDITY) + "'s temperature_k "
                    + samplesK + " K (leave it out)");
        if (model != null && referenceLogQ != null)
            throw new Main.UsageException("--reference-log-q is for samples without --model; with --model the model scores the reference itself");
        SampleSet set = SampleSet.read(samples);
        Frames md = Coordinates.load(reference);
        if (md.frames() == 0) throw new IllegalArgumentException(reference + ": no frames");

        MolecularModel loaded = model == null ? null : MolecularModel.load(model);
        Topology topology;
        String systemXml;
        double kelvin;
        if (loaded != null) {
            topology = loaded.topology();
            systemXml = loaded.systemXml();
            kelvin = loaded.temperatureK();
            if (temperatureK != null && Math.abs(temperatureK - kelvin) > 1e-9)
                throw new Main.UsageException("--temperature " + temperatureK + " K differs from the model's " + kelvin + " K (leave it out)");
        } else {
            Path structure = samples.resolve(MolecularModel.STRUCTURE), system = samples.resolve(MolecularModel.SYSTEM);
            if (!Files.isRegularFile(structure) || !Files.isRegularFile(system))
                throw new IllegalArgumentException(samples + ": without --model the samples folder needs " + MolecularModel.STRUCTURE + " and "
                        + MolecularModel.SYSTEM + " (as bg tbg sample writes them)");
            topology = Pdb.read(structure).topology();
            systemXml = Files.readString(system);
            kelvin = temperatureK != null ? temperatureK : samplesK;
        }
        String source = loaded != null ? "the model" : samples.resolve(MolecularModel.STRUCTURE).toString();
        if (set.x().atoms() != topology.atomCount())
            throw new IllegalArgumentException(samples + ": samples of " + set.x().atoms() + " atoms, " + source + " has " + topology.atomCount());
        if (md.atoms() != topology.atomCount())
            throw new IllegalArgumentException(reference + ": " + md.atoms() + " atoms per frame, " + source + " has " + topology.atomCount());
        double[] logQ = null;
        if (referenceLogQ != null) {
            var array = Npy.read(referenceLogQ);
            if (array.rank() != 1 || array.dim(0) != md.frames())
                throw new IllegalArgumentException(referenceLogQ + ": shape " + java.util.Arrays.toString(array.shape()) + ", expected (" + md.frames()
                        + ",) like " + reference);
            logQ = array.asDoubles();
        } else if (loaded != null) {
            logQ = loaded.logQ(md);
        }
        double[] mdEnergies;
        try (OpenMMEnergy energy = new OpenMMEnergy(systemXml, energyOptions.platform, Map.of(), threads)) {
            mdEnergies = energy.score(md.xyz(), md.frames(), false, done -> {}).energies();
        }
        var report = GeneratorEvaluation.evaluate(new GeneratorEvaluation.Inputs(topology, kelvin, set.x(), set.logW(), set.energies(), md, mdEnergies,
                logQ, seed, torusSubsample));
        report.write(out);
        var m = report.metrics();
        var err = spec.commandLine().getErr(); // stderr, or what an embedding caller gave Main.execute
        for (var warning : m.path("warnings")) err.println("warning: " + warning.asText());
        err.flush();
        System.out.printf("ESS %.4f of %d samples (%.4f with the top 0.2%% of log weights removed), NLL %s, energy W1 %.2f W2 %.2f kJ/mol, "
                        + "torus W2 %.3f rad, KL phi %.4f psi %.4f%n", m.path("ess").asDouble(), m.path("n_samples").asInt(),
                m.path("ess_normalized_top0.2pct_removed").asDouble(Double.NaN),
                m.path("nll_nats").isNumber() ? String.format(java.util.Locale.ROOT, "%.2f nats", m.path("nll_nats").asDouble()) : "not computed",
                m.path("energy_w1_kjmol").asDouble(), m.path("energy_w2_kjmol").asDouble(), m.path("torus_w2_rad").asDouble(),
                m.path("phi_kl").asDouble(), m.path("psi_kl").asDouble());
        System.out.println("Report: " + out.resolve("report.md"));
        return 0;
    }

    /** The samples' temperature as bg tbg sample records it in SAMPLES/validity.json, or null when there is no such file. */
    private Double validityTemperatureK() throws java.io.IOException {
        Path file = samples.resolve(VALIDITY);
        if (!Files.isRegularFile(file)) return null;
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        var t = root == null ? null : root.get("temperature_k");
        if (t == null || t.isNull()) return null;
        double k = t.asDouble(Double.NaN);
        if (!t.isNumber() || !(k > 0) || !Double.isFinite(k))
            throw new IllegalArgumentException(file + ": temperature_k must be a positive temperature in kelvin, got " + t);
        return k;
    }
}
