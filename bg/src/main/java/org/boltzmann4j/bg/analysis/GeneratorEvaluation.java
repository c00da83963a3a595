package org.boltzmann4j.bg.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Topology;

/**
 * How good a Boltzmann generator is, against reference MD of the same system: the metrics of the
 * field, computed on flow samples (raw and importance-reweighted) and on the MD, with plots and a
 * short report.
 *
 * <p>metrics.json keys (stable): {@code ess} (normalised Kish ESS of all sample weights, none
 * dropped), {@code n_samples}, {@code nll_nats} (mean -log q of the reference frames, nats, on
 * the flow's coordinates: the 3N-6 internal coordinates for internal-coordinate models),
 * {@code energy_w1_kjmol} (Wasserstein-1 between the MD and the reweighted flow energy
 * distributions), {@code energy_w1_raw_kjmol} (MD vs raw flow), {@code phi_kl} and
 * {@code psi_kl} (KL(MD || reweighted flow) of 200-bin histograms on [-pi, pi]),
 * {@code phi_kl_raw}, {@code psi_kl_raw}, and {@code delta_f_kt} = {md, flow, reweighted}, each
 * {value, ci_low, ci_high}: dF = -ln(P(phi &gt; 0)/P(phi &lt;= 0)) in kT with 95% bootstrap
 * intervals (moving blocks of twice the autocorrelation time for MD, single samples for the
 * independent flow samples); null where a state has no weight, explained in {@code notes}.
 */
public final class GeneratorEvaluation {
    /** A 72 x 72 Ramachandran map with the cells of fewer than {@link FreeEnergyProfile#MIN_BIN_ESS} effective samples greyed out. */
    private static byte[] ramachandran(double[] phi, double[] psi, double[] weights, String title) {
        return Plots.ramachandran(Histogram2D.ofAngles(phi, psi, weights, 72), Histogram2D.cellEss(phi, psi, weights, 72, -Math.PI, Math.PI),
                FreeEnergyProfile.MIN_BIN_ESS, title);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BOOTSTRAP = 1000;

    private GeneratorEvaluation() {}

    /** Flow samples (nm), their log-weights and OpenMM energies; reference MD frames, energies and log q. */
    public record Inputs(Topology topology, double temperatureK, Frames samples, double[] logW, double[] energies, Frames reference,
            double[] referenceEnergies, double[] referenceLogQ, long seed) {}

    /** The metrics as JSON, the plots as PNG bytes by file name, and the report as Markdown. */
    public record Report(ObjectNode metrics, Map<String, byte[]> plots, String markdown) {
        /** Writes metrics.json, the PNGs and report.md into {@code dir}, each atomically. */
        public void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            for (var plot : plots.entrySet()) Plots.write(dir.resolve(plot.getKey()), plot.getValue());
            AtomicFile.writeString(dir.resolve("report.md"), markdown);
            AtomicFile.writeString(dir.resolve("metrics.json"), JSON.writeValueAsString(metrics) + "\n");
        }
    }

    public static Report evaluate(Inputs in) {
        List<BackboneDihedrals.PhiPsi> pairs = BackboneDihedrals.pairs(in.topology());
        if (pairs.isEmpty()) throw new IllegalArgumentException("no backbone phi/psi pair found in the topology");
        BackboneDihedrals.PhiPsi pair = pairs.getFirst();
        double kT = org.boltzmann4j.bg.energy.ThermalEnergy.kT(in.temperatureK());
        int n = in.samples().frames();
        double[] weights = KishEss.normalizedWeights(in.logW());
        double[] phiFlow = pair.phi().compute(in.samples()), psiFlow = pair.psi().compute(in.samples());
        double[] phiMd = pair.phi().compute(in.reference()), psiMd = pair.psi().compute(in.reference());
        List<String> notes = new ArrayList<>();

        ObjectNode m = JSON.createObjectNode();
        m.put("ess", KishEss.normalized(in.logW())).put("n_samples", n).put("temperature_k", in.temperatureK())
                .put("reference_frames", in.reference().frames()).put("residue", pair.residue());
        m.put("ess_note", "normalised Kish ESS (sum w)^2 / (N sum w^2) over all samples, no weights dropped");
        double nll = 0;
        for (double l : in.referenceLogQ()) nll -= l / in.referenceLogQ().length;
        m.put("nll_nats", nll);

        // energies: samples whose energy is not finite carry no weight and cannot be histogrammed
        Finite flow = Finite.of(in.energies(), weights);
        if (flow.dropped() > 0) notes.add(flow.dropped() + " flow samples have non-finite energies (no weight; left out of energy statistics)");
        m.put("nonfinite_energies", flow.dropped());
        m.put("energy_w1_kjmol", DistributionMetrics.wasserstein1(in.referenceEnergies(), null, flow.values(), flow.weights()));
        m.put("energy_w1_raw_kjmol", DistributionMetrics.wasserstein1(in.referenceEnergies(), null, flow.values(), null));
        m.put("phi_kl", DistributionMetrics.dihedralKl(phiMd, null, phiFlow, weights));
        m.put("psi_kl", DistributionMetrics.dihedralKl(psiMd, null, psiFlow, weights));
        m.put("phi_kl_raw", DistributionMetrics.dihedralKl(phiMd, null, phiFlow, null));
        m.put("psi_kl_raw", DistributionMetrics.dihedralKl(psiMd, null, psiFlow, null));

        ObjectNode df = m.putObject("delta_f_kt");
        int mdBlock = (int) Math.max(1, Math.ceil(2 * AutocorrelationTime.integrated(sines(phiMd)).tau()));
        deltaF(df.putObject("md"), "md", phiMd, null, mdBlock, in.seed(), notes);
        deltaF(df.putObject("flow"), "flow", phiFlow, null, 1, in.seed() + 1, notes);
        deltaF(df.putObject("reweighted"), "reweighted", phiFlow, weights, 1, in.seed() + 2, notes);
        m.put("delta_f_definition", "dF = -ln(P(phi > 0) / P(phi <= 0)) in kT, 95% bootstrap interval");
        ArrayNode noteArray = m.putArray("notes");
        notes.forEach(noteArray::add);

        Map<String, byte[]> plots = new LinkedHashMap<>();
        Histogram eMd = Histogram.ofRange(in.referenceEnergies(), null, 60);
        double lo = eMd.lo() - 0.25 * (eMd.hi() - eMd.lo()), hi = eMd.hi() + 0.25 * (eMd.hi() - eMd.lo());
        plots.put("energy-histograms.png", Plots.histogram("Potential energy", "energy (kJ/mol)", List.of(
                Plots.Series.histogram("MD", Histogram.of(in.referenceEnergies(), null, 60, lo, hi)),
                Plots.Series.histogram("flow", Histogram.of(flow.values(), null, 60, lo, hi)),
                Plots.Series.histogram("reweighted flow", Histogram.of(flow.values(), flow.weights(), 60, lo, hi)))));
        plots.put("ramachandran-md.png", ramachandran(phiMd, psiMd, null, "MD"));
        plots.put("ramachandran-flow.png", ramachandran(phiFlow, psiFlow, null, "flow"));
        plots.put("ramachandran-reweighted.png", ramachandran(phiFlow, psiFlow, weights, "reweighted flow"));
        // bins with too few effective samples are hidden (a reweighted bin held by one light sample sits
        // hundreds of kT up); bands from a bootstrap: blocks for the MD trajectory, single samples for the flow
        int bands = FreeEnergyProfile.BAND_RESAMPLES;
        FreeEnergyProfile mdProfile = FreeEnergyProfile.ofAngles(phiMd, null, 72, bands, mdBlock, in.seed() + 3);
        FreeEnergyProfile flowProfile = FreeEnergyProfile.ofAngles(phiFlow, null, 72, bands, 1, in.seed() + 4);
        FreeEnergyProfile reweightedProfile = FreeEnergyProfile.ofAngles(phiFlow, weights, 72, bands, 1, in.seed() + 5);
        plots.put("phi-free-energy.png", Plots.freeEnergyProfile("Free energy along phi", "phi", List.of(
                Plots.Series.freeEnergyProfile("MD (reference)", mdProfile), Plots.Series.freeEnergyProfile("flow", flowProfile),
                Plots.Series.freeEnergyProfile("reweighted flow", reweightedProfile))));
        ObjectNode hidden = m.putObject("phi_profile_hidden_bins");
        hidden.put("md", mdProfile.hiddenBins()).put("flow", flowProfile.hiddenBins()).put("reweighted", reweightedProfile.hiddenBins());
        m.put("phi_profile_min_bin_ess", FreeEnergyProfile.MIN_BIN_ESS);
        return new Report(m, plots, markdown(m, plots.keySet(), kT));
    }

    private static void deltaF(ObjectNode node, String what, double[] phi, double[] weights, int block, long seed, List<String> notes) {
        PhiStates.Populations p = PhiStates.populations(phi, weights);
        PhiStates.Interval ci = PhiStates.bootstrapDeltaF(phi, weights, BOOTSTRAP, block, 0.95, seed);
        number(node, "value", p.deltaFKt());
        number(node, "ci_low", ci.lowerKt());
        number(node, "ci_high", ci.upperKt());
        node.put("p_phi_positive", p.positive());
        if (!p.deltaFFinite()) notes.add("delta_f_kt." + what + ": " + (p.positive() == 0 ? "no weight in phi > 0" : "no weight in phi <= 0") + ", so dF is unbounded (null)");
    }

    private static void number(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) node.put(key, value);
        else node.putNull(key);
    }

    private static double[] sines(double[] angles) {
        double[] s = new double[angles.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.sin(angles[i]);
        return s;
    }

    private record Finite(double[] values, double[] weights, int dropped) {
        static Finite of(double[] energies, double[] weights) {
            int k = 0;
            for (double e : energies) if (Double.isFinite(e)) k++;
            double[] v = new double[k], w = new double[k];
            for (int i = 0, j = 0; i < energies.length; i++) {
                if (Double.isFinite(energies[i])) {
                    v[j] = energies[i];
                    w[j++] = weights[i];
                }
            }
            return new Finite(v, w, energies.length - k);
        }
    }

    private static String markdown(ObjectNode m, Iterable<String> plots, double kT) {
        StringBuilder md = new StringBuilder("# Boltzmann generator evaluation\n\n");
        md.append(String.format(Locale.ROOT, "%d flow samples at %.1f K (kT = %.4f kJ/mol), against %d reference MD frames.%n%n",
                m.path("n_samples").asInt(), m.path("temperature_k").asDouble(), kT, m.path("reference_frames").asInt()));
        md.append("| metric | value |\n|---|---|\n");
        row(md, "normalised Kish ESS (no weights dropped)", m.path("ess").asDouble(), "%.4f");
        row(md, "NLL of reference MD (nats)", m.path("nll_nats").asDouble(), "%.3f");
        row(md, "energy W1, MD vs reweighted flow (kJ/mol)", m.path("energy_w1_kjmol").asDouble(), "%.3f");
        row(md, "energy W1, MD vs raw flow (kJ/mol)", m.path("energy_w1_raw_kjmol").asDouble(), "%.3f");
        row(md, "KL phi, MD vs reweighted flow", m.path("phi_kl").asDouble(), "%.4f");
        row(md, "KL psi, MD vs reweighted flow", m.path("psi_kl").asDouble(), "%.4f");
        for (String k : List.of("md", "flow", "reweighted")) {
            var d = m.path("delta_f_kt").path(k);
            md.append("| dF(phi>0 vs phi<0), ").append(k).append(" (kT) | ")
                    .append(d.path("value").isNull() ? "unbounded" : String.format(Locale.ROOT, "%.2f [%s, %s]", d.path("value").asDouble(),
                            d.path("ci_low").isNull() ? "-" : String.format(Locale.ROOT, "%.2f", d.path("ci_low").asDouble()),
                            d.path("ci_high").isNull() ? "-" : String.format(Locale.ROOT, "%.2f", d.path("ci_high").asDouble())))
                    .append(" |\n");
        }
        md.append("\n");
        for (var note : m.path("notes")) md.append("- ").append(note.asText()).append("\n");
        md.append("\n");
        for (String plot : plots) md.append("![").append(plot).append("](").append(plot).append(")\n\n");
        return md.toString();
    }

    private static void row(StringBuilder md, String name, double value, String format) {
        md.append("| ").append(name).append(" | ").append(String.format(Locale.ROOT, format, value)).append(" |\n");
    }
}
