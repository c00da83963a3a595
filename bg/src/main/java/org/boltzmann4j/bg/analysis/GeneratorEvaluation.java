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
 * field, computed on flow samples (raw and importance-reweighted) and on the MD, with plots, a
 * short report and warnings where the numbers cannot be trusted.
 *
 * <p>The backbone (phi, psi) comes from the topology ({@link BackboneDihedrals#pairs}): per
 * residue for a capped peptide (ACE-ALA-NME: the alanine's), and for a free dipeptide X-Y
 * phi = C(1)-N(2)-CA(2)-C(2), psi = N(1)-CA(1)-C(1)-N(2), the TBG papers' convention. The first
 * pair is the one of the top-level keys; every pair has its own entry in {@code residues}.
 *
 * <p>metrics.json keys (stable): {@code ess} (normalised Kish ESS of all sample weights, none
 * dropped), {@code n_samples}, {@code nll_nats} (mean -log q of the reference frames, nats, on
 * the flow's coordinates: the 3N-6 internal coordinates for internal-coordinate models; null
 * when no log q of the reference is given), {@code energy_w1_kjmol} (Wasserstein-1 between the
 * MD and the reweighted flow energy distributions), {@code energy_w1_raw_kjmol} (MD vs raw
 * flow), {@code phi_kl} and {@code psi_kl} (KL(MD || reweighted flow) of 200-bin histograms on
 * [-pi, pi]), {@code phi_kl_raw}, {@code psi_kl_raw}, and {@code delta_f_kt} = {md, flow,
 * reweighted}, each {value, ci_low, ci_high}: dF = -ln(P(phi &gt; 0)/P(phi &lt;= 0)) in kT with 95%
 * bootstrap intervals (moving blocks of twice the autocorrelation time for MD, single samples for
 * the independent flow samples); null where a state has no weight, explained in {@code notes}.
 *
 * <p>Added for the transferable BG (issue 13): {@code ess_normalized} (the same as {@code ess}),
 * {@code ess_effective_samples} (Kish ESS itself), {@code ess_normalized_top0.2pct_removed} (the
 * clipped figure some papers report: the largest ceil(0.002 N) log-weights removed first,
 * {@link KishEss#normalizedTopRemoved}) with {@code ess_top0.2pct_removed_count};
 * {@code energy_w2_kjmol}, {@code energy_w2_raw_kjmol} (exact 1-D Wasserstein-2, reweighted and
 * raw); {@code torus_w2_rad} (torus Wasserstein-2 of (phi, psi), radians, MD vs the flow resampled
 * by its weights) and {@code torus_w2_raw_rad} (MD vs raw flow), exact on seeded subsets of
 * {@code torus_w2_subsample} points ({@link TorusWasserstein}); {@code backbone_convention},
 * {@code phi_atoms}, {@code psi_atoms}; {@code residues} (per pair: residue, convention, atoms,
 * phi/psi KL and torus W2 both ways); {@code warnings} ({@link EvaluationWarnings}: fewer than 100
 * effective samples, states covered by one side and never visited by the other).
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

    /**
     * Flow samples (nm), their log-weights and OpenMM energies; reference MD frames, energies and
     * log q (null when the model cannot score them: no NLL then); the seed of bootstraps and
     * subsets; the subset size of the torus W2.
     */
    public record Inputs(Topology topology, double temperatureK, Frames samples, double[] logW, double[] energies, Frames reference,
            double[] referenceEnergies, double[] referenceLogQ, long seed, int torusSubsample) {
        public Inputs {
            if (torusSubsample < 1) throw new IllegalArgumentException("--torus-w2-samples must be >= 1, got " + torusSubsample);
            if (referenceLogQ != null && referenceLogQ.length != reference.frames())
                throw new IllegalArgumentException(referenceLogQ.length + " reference log q values for " + reference.frames() + " reference frames");
        }

        /** With the default torus W2 subset ({@link TorusWasserstein#DEFAULT_SUBSAMPLE}). */
        public Inputs(Topology topology, double temperatureK, Frames samples, double[] logW, double[] energies, Frames reference,
                double[] referenceEnergies, double[] referenceLogQ, long seed) {
            this(topology, temperatureK, samples, logW, energies, reference, referenceEnergies, referenceLogQ, seed, TorusWasserstein.DEFAULT_SUBSAMPLE);
        }

        public Inputs withTorusSubsample(int value) {
            return new Inputs(topology, temperatureK, samples, logW, energies, reference, referenceEnergies, referenceLogQ, seed, value);
        }
    }

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
        if (pairs.isEmpty())
            throw new IllegalArgumentException("no backbone phi/psi pair found in the topology (neither a residue with both nor a free dipeptide's peptide bond)");
        BackboneDihedrals.PhiPsi pair = pairs.getFirst();
        if (in.logW().length != in.samples().frames() || in.energies().length != in.samples().frames())
            throw new IllegalArgumentException(in.samples().frames() + " samples but " + in.logW().length + " log w and " + in.energies().length + " energies");
        double kT = org.boltzmann4j.bg.energy.ThermalEnergy.kT(in.temperatureK());
        int n = in.samples().frames();
        double[] weights = KishEss.normalizedWeights(in.logW());
        double[] phiFlow = pair.phi().compute(in.samples()), psiFlow = pair.psi().compute(in.samples());
        double[] phiMd = pair.phi().compute(in.reference()), psiMd = pair.psi().compute(in.reference());
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        ObjectNode m = JSON.createObjectNode();
        double essNormalized = KishEss.normalized(in.logW());
        m.put("ess", essNormalized).put("n_samples", n).put("temperature_k", in.temperatureK())
                .put("reference_frames", in.reference().frames()).put("residue", pair.residue());
        m.put("ess_note", "normalised Kish ESS (sum w)^2 / (N sum w^2) over all samples, no weights dropped");
        double effective = KishEss.effectiveSampleSize(in.logW());
        m.put("ess_normalized", essNormalized).put("ess_effective_samples", effective);
        int removed = KishEss.topRemovedCount(n, KishEss.PUBLISHED_TOP_FRACTION);
        number(m, "ess_normalized_top0.2pct_removed", KishEss.normalizedTopRemoved(in.logW(), KishEss.PUBLISHED_TOP_FRACTION));
        m.put("ess_top0.2pct_removed_count", removed);
        m.put("ess_top0.2pct_removed_note", "the largest ceil(0.002 N) log-weights dropped first, then Kish ESS / (N - dropped): the clipped "
                + "figure some papers report, for comparison only; ess is the unclipped one");
        warnings.addAll(EvaluationWarnings.effectiveSamples(effective, n));
        if (in.referenceLogQ() != null) {
            double nll = 0;
            for (double l : in.referenceLogQ()) nll -= l / in.referenceLogQ().length;
            m.put("nll_nats", nll);
        } else {
            m.putNull("nll_nats");
            notes.add("nll_nats: no log q of the reference frames was given (for TBG samples: bg tbg score, then --reference-log-q)");
        }
        m.put("backbone_convention", pair.convention());
        m.set("phi_atoms", intArray(pair.phi().atoms()));
        m.set("psi_atoms", intArray(pair.psi().atoms()));

        // energies: samples whose energy is not finite carry no weight and cannot be histogrammed
        Finite flow = Finite.of(in.energies(), weights);
        if (flow.dropped() > 0) notes.add(flow.dropped() + " flow samples have non-finite energies (no weight; left out of energy statistics)");
        m.put("nonfinite_energies", flow.dropped());
        m.put("energy_w1_kjmol", DistributionMetrics.wasserstein1(in.referenceEnergies(), null, flow.values(), flow.weights()));
        m.put("energy_w1_raw_kjmol", DistributionMetrics.wasserstein1(in.referenceEnergies(), null, flow.values(), null));
        m.put("energy_w2_kjmol", DistributionMetrics.wasserstein2(in.referenceEnergies(), null, flow.values(), flow.weights()));
        m.put("energy_w2_raw_kjmol", DistributionMetrics.wasserstein2(in.referenceEnergies(), null, flow.values(), null));
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

        var torus = TorusWasserstein.estimate(phiMd, psiMd, phiFlow, psiFlow, weights, in.torusSubsample(), in.seed() + 6);
        var torusRaw = TorusWasserstein.estimate(phiMd, psiMd, phiFlow, psiFlow, null, in.torusSubsample(), in.seed() + 7);
        m.put("torus_w2_rad", torus.w2Rad()).put("torus_w2_raw_rad", torusRaw.w2Rad()).put("torus_w2_subsample", torus.subsample());
        m.put("torus_w2_note", "Wasserstein-2 of (phi, psi) on the torus (periodic distance, radians), exact optimal assignment between seeded "
                + "subsets of torus_w2_subsample points: reference without replacement; torus_w2_rad: flow samples resampled by their weights "
                + "(with replacement), torus_w2_raw_rad: flow samples without replacement");

        ArrayNode residues = m.putArray("residues");
        for (int p = 0; p < pairs.size(); p++) {
            BackboneDihedrals.PhiPsi other = pairs.get(p);
            double[] phiF = p == 0 ? phiFlow : other.phi().compute(in.samples()), psiF = p == 0 ? psiFlow : other.psi().compute(in.samples());
            double[] phiR = p == 0 ? phiMd : other.phi().compute(in.reference()), psiR = p == 0 ? psiMd : other.psi().compute(in.reference());
            ObjectNode r = residues.addObject();
            r.put("residue", other.residue()).put("convention", other.convention());
            r.set("phi_atoms", intArray(other.phi().atoms()));
            r.set("psi_atoms", intArray(other.psi().atoms()));
            r.put("phi_kl", DistributionMetrics.dihedralKl(phiR, null, phiF, weights)).put("psi_kl", DistributionMetrics.dihedralKl(psiR, null, psiF, weights));
            r.put("phi_kl_raw", DistributionMetrics.dihedralKl(phiR, null, phiF, null)).put("psi_kl_raw", DistributionMetrics.dihedralKl(psiR, null, psiF, null));
            r.put("torus_w2_rad", p == 0 ? torus.w2Rad() : TorusWasserstein.estimate(phiR, psiR, phiF, psiF, weights, in.torusSubsample(), in.seed() + 6).w2Rad());
            r.put("torus_w2_raw_rad", p == 0 ? torusRaw.w2Rad() : TorusWasserstein.estimate(phiR, psiR, phiF, psiF, null, in.torusSubsample(), in.seed() + 7).w2Rad());
            r.put("phi_positive_reference", PhiStates.populations(phiR, null).positive());
            r.put("phi_positive_reweighted", PhiStates.populations(phiF, weights).positive());
            warnings.addAll(EvaluationWarnings.states(other.residue(), phiR, psiR, phiF, psiF, weights));
        }
        ArrayNode noteArray = m.putArray("notes");
        notes.forEach(noteArray::add);
        ArrayNode warningArray = m.putArray("warnings");
        warnings.forEach(warningArray::add);

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

    private static ArrayNode intArray(int[] values) {
        ArrayNode a = JSON.createArrayNode();
        for (int v : values) a.add(v);
        return a;
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
        if (!m.path("warnings").isEmpty()) {
            md.append("## Warnings\n\n");
            for (var w : m.path("warnings")) md.append("- ").append(w.asText()).append("\n");
            md.append("\n");
        }
        md.append("Backbone ").append(m.path("residue").asText()).append(", ").append(m.path("backbone_convention").asText()).append(".\n\n");
        md.append("| metric | value |\n|---|---|\n");
        row(md, "normalised Kish ESS (no weights dropped)", m.path("ess").asDouble(), "%.4f");
        row(md, "Kish effective samples (no weights dropped)", m.path("ess_effective_samples").asDouble(), "%.1f");
        md.append("| normalised ESS, top 0.2 % of log weights removed (").append(m.path("ess_top0.2pct_removed_count").asInt())
                .append(" dropped; clipped, for comparison only) | ").append(fixed(m.path("ess_normalized_top0.2pct_removed"), "%.4f")).append(" |\n");
        md.append("| NLL of reference MD (nats) | ").append(fixed(m.path("nll_nats"), "%.3f")).append(" |\n");
        row(md, "energy W1, MD vs reweighted flow (kJ/mol)", m.path("energy_w1_kjmol").asDouble(), "%.3f");
        row(md, "energy W1, MD vs raw flow (kJ/mol)", m.path("energy_w1_raw_kjmol").asDouble(), "%.3f");
        row(md, "energy W2, MD vs reweighted flow (kJ/mol)", m.path("energy_w2_kjmol").asDouble(), "%.3f");
        row(md, "energy W2, MD vs raw flow (kJ/mol)", m.path("energy_w2_raw_kjmol").asDouble(), "%.3f");
        md.append("| torus W2 of (phi, psi), MD vs flow resampled by weight (rad, ").append(m.path("torus_w2_subsample").asInt())
                .append(" points) | ").append(String.format(Locale.ROOT, "%.4f", m.path("torus_w2_rad").asDouble())).append(" |\n");
        row(md, "torus W2 of (phi, psi), MD vs raw flow (rad)", m.path("torus_w2_raw_rad").asDouble(), "%.4f");
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

    private static String fixed(com.fasterxml.jackson.databind.JsonNode v, String format) {
        return v.isNumber() ? String.format(Locale.ROOT, format, v.asDouble()) : "-";
    }

    private static void row(StringBuilder md, String name, double value, String format) {
        md.append("| ").append(name).append(" | ").append(String.format(Locale.ROOT, format, value)).append(" |\n");
    }
}
