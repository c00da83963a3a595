package org.boltzmann4j.bg.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * The analysis of a peptide trajectory or sample set that a Boltzmann-generator user needs, as
 * one library call ({@code bg analyze} is a thin layer over it): backbone dihedrals from the
 * topology; the Ramachandran free energy map; the free energy profile along phi; the populations
 * of phi &lt;= 0 and phi &gt; 0 and dF between them with a bootstrap interval; phi transitions and
 * the autocorrelation time along the trajectory; the potential energy distribution. With
 * log-weights, every distribution and average is reweighted (Kish ESS reported alongside);
 * transitions and autocorrelation, properties of the dynamics, are taken in frame order
 * without weights.
 *
 * <h2>analysis.json</h2>
 * Keys are stable; units are in their names (kt = in units of kT, kjmol = kJ/mol, k = kelvin,
 * deg = degrees, frames = trajectory frames). A value that is infinite or undefined is written as
 * null and explained in {@code notes}.
 * <ul>
 *   <li>{@code frames}, {@code atoms}: the size of the trajectory;</li>
 *   <li>{@code temperature_k}, {@code kt_kjmol}: T and kT = 0.0083144626 T kJ/mol;</li>
 *   <li>{@code weighted}: whether log-weights were given; then also {@code ess} (Kish
 *       (sum w)^2 / sum w^2, nothing filtered) and {@code ess_normalized} (ESS / frames);</li>
 *   <li>{@code residue}, {@code phi_atoms}, {@code psi_atoms}: the residue analysed and the
 *       0-based atoms of its phi and psi; {@code dihedrals}: every backbone dihedral found, as
 *       {@code {"name", "atoms"}};</li>
 *   <li>{@code phi_negative_population}, {@code phi_positive_population}: P(phi &lt;= 0),
 *       P(phi &gt; 0), summing to 1;</li>
 *   <li>{@code delta_f_kt}, {@code delta_f_kjmol}: dF = -ln(P(phi &gt; 0) / P(phi &lt;= 0)), in kT
 *       and kJ/mol (null when a state is empty);</li>
 *   <li>{@code delta_f_ci_lower_kt}, {@code delta_f_ci_upper_kt}, {@code delta_f_ci_level}: a
 *       moving-block bootstrap percentile interval ({@link PhiStates#bootstrapDeltaF}), with
 *       {@code bootstrap_resamples}, {@code bootstrap_block_length_frames} (ceil(2 tau), tau the
 *       autocorrelation time below) and {@code bootstrap_seed};</li>
 *   <li>{@code phi_transitions}: crossings between the core sets of phi &lt;= 0 and phi &gt; 0
 *       ({@link PhiStates#transitions}), with {@code phi_transition_core_margin_deg};</li>
 *   <li>{@code phi_autocorrelation_time_frames}, {@code phi_autocorrelation_time_error_frames},
 *       {@code phi_autocorrelation_window_frames}: the integrated autocorrelation time
 *       ({@link AutocorrelationTime}) of {@code phi_autocorrelation_observable} = "sin(phi)",
 *       which is negative exactly when phi &lt; 0, so it follows the sign of phi, yet varies
 *       within a state and so has a defined autocorrelation even when a trajectory never leaves
 *       its state (the indicator of phi &gt; 0 would then be constant);</li>
 *   <li>{@code histogram_bins}: bins per angle of the Ramachandran map and the phi profile;</li>
 *   <li>{@code phi_profile_min_bin_ess}, {@code phi_profile_hidden_bins}: bins of the phi profile
 *       (cells of the map) with fewer effective samples than this are hidden, and how many bins
 *       were; {@code reference_phi_profile}: true when a reference profile is drawn;</li>
 *   <li>with energies: {@code energy_mean_kjmol}, {@code energy_std_kjmol} (weighted when
 *       weighted), {@code energy_min_kjmol}, {@code energy_max_kjmol};</li>
 *   <li>{@code files}: the other files written; {@code notes}: why a value is null, and caveats.</li>
 * </ul>
 *
 * <h2>Other files</h2>
 * ramachandran.png (cells of fewer than {@link FreeEnergyProfile#MIN_BIN_ESS} effective samples in
 * grey); phi-free-energy.png (bins of too few effective samples hidden, a 95 % bootstrap band, and
 * the reference's profile when one is given) and phi-free-energy.csv ({@link Report#phiProfileCsv});
 * energy-histogram.png with energies.
 */
public final class BackboneAnalysis {


    public static final String JSON = "analysis.json";
    public static final String RAMACHANDRAN_PNG = "ramachandran.png";
    public static final String PHI_PROFILE_PNG = "phi-free-energy.png";
    public static final String PHI_PROFILE_CSV = "phi-free-energy.csv";
    public static final String ENERGY_HISTOGRAM_PNG = "energy-histogram.png";

    /**
     * @param residue the residue to analyse by its label ("ALA2", "A:ALA2" with several chains), null
     *     for the first with both phi and psi
     * @param bins bins per angle (Ramachandran map and phi profile) on [-pi, pi]
     * @param energyBins bins of the energy histogram, over the energies' range
     * @param coreMarginDeg the distance of the transition core sets from phi = 0 and +-180 degrees
     */
    public record Options(String residue, int bins, int energyBins, int bootstrapResamples, double confidenceLevel,
                          long seed, double coreMarginDeg) {
        public Options {
            if (bins < 1 || bins > 3600) {
                throw new IllegalArgumentException("bins must be in 1..3600, got " + bins);
            }
            if (energyBins < 1) {
                throw new IllegalArgumentException("energy bins must be >= 1, got " + energyBins);
            }
            if (bootstrapResamples < 1) {
                throw new IllegalArgumentException("bootstrap resamples must be >= 1, got " + bootstrapResamples);
            }
            if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
                throw new IllegalArgumentException("confidence level must be in (0, 1), got " + confidenceLevel);
            }
            if (!(coreMarginDeg >= 0 && coreMarginDeg < 90)) {
                throw new IllegalArgumentException("core margin must be in [0, 90) degrees, got " + coreMarginDeg);
            }
        }

        /** First residue with phi and psi, 72 bins (5 degrees), 60 energy bins, 1000 resamples, 95 %, seed 1, 20 degree margin. */
        public static Options defaults() {
            return new Options(null, 72, 60, 1000, 0.95, 1, 20);
        }
    }

    /** Everything the analysis found; {@link #json()} and {@link #write} give it out. */
    public record Report(int frames, int atoms, double temperatureK, boolean weighted, double ess,
                         List<Dihedral> dihedrals, BackboneDihedrals.PhiPsi analysed, double[] phi, double[] psi,
                         double[] weights, Histogram2D ramachandran, double[] ramachandranCellEss, FreeEnergyProfile phiProfile,
                         FreeEnergyProfile referenceProfile,
                         PhiStates.Populations populations, PhiStates.Interval deltaFInterval, int transitions,
                         AutocorrelationTime.Result autocorrelation, double[] energiesKjMol, Options options) {

        public double ktKjMol() {
            return org.boltzmann4j.bg.energy.ThermalEnergy.kT(temperatureK);
        }

        /** The names of the files {@link #write} writes, analysis.json last. */
        public List<String> fileNames() {
            List<String> names = new ArrayList<>(List.of(RAMACHANDRAN_PNG, PHI_PROFILE_PNG, PHI_PROFILE_CSV));
            if (energiesKjMol != null) {
                names.add(ENERGY_HISTOGRAM_PNG);
            }
            names.add(JSON);
            return names;
        }

        /** analysis.json as an ordered map (see the class comment for the keys). */
        public Map<String, Object> json() {
            List<String> notes = new ArrayList<>();
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("frames", frames);
            j.put("atoms", atoms);
            j.put("temperature_k", temperatureK);
            j.put("kt_kjmol", ktKjMol());
            j.put("weighted", weighted);
            if (weighted) {
                j.put("ess", ess);
                j.put("ess_normalized", ess / frames);
            }
            j.put("residue", analysed.residue());
            j.put("phi_atoms", analysed.phi().atoms());
            j.put("psi_atoms", analysed.psi().atoms());
            List<Map<String, Object>> all = new ArrayList<>();
            for (Dihedral d : dihedrals) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", d.name());
                m.put("atoms", d.atoms());
                all.add(m);
            }
            j.put("dihedrals", all);
            j.put("phi_negative_population", populations.negative());
            j.put("phi_positive_population", populations.positive());
            double df = populations.deltaFKt();
            j.put("delta_f_kt", finite(df));
            j.put("delta_f_kjmol", finite(df * ktKjMol()));
            if (df == Double.POSITIVE_INFINITY) {
                notes.add("no weight in phi > 0: delta_f is +infinity (the state was not sampled), written as null");
            } else if (df == Double.NEGATIVE_INFINITY) {
                notes.add("no weight in phi <= 0: delta_f is -infinity (the state was not sampled), written as null");
            }
            boolean intervalMeaningful = Double.isFinite(df);
            j.put("delta_f_ci_lower_kt", intervalMeaningful ? finite(deltaFInterval.lowerKt()) : null);
            j.put("delta_f_ci_upper_kt", intervalMeaningful ? finite(deltaFInterval.upperKt()) : null);
            j.put("delta_f_ci_level", deltaFInterval.level());
            j.put("bootstrap_resamples", deltaFInterval.resamples());
            j.put("bootstrap_block_length_frames", deltaFInterval.blockLength());
            j.put("bootstrap_seed", deltaFInterval.seed());
            if (intervalMeaningful && deltaFInterval.emptyStateResamples() > 0) {
                notes.add(deltaFInterval.emptyStateResamples() + " of " + deltaFInterval.resamples()
                        + " bootstrap resamples had an empty state (infinite delta_f); a bound in that tail is written as null");
            }
            j.put("phi_transitions", transitions);
            j.put("phi_transition_core_margin_deg", options.coreMarginDeg());
            j.put("phi_autocorrelation_observable", "sin(phi)");
            j.put("phi_autocorrelation_time_frames", finite(autocorrelation.tau()));
            j.put("phi_autocorrelation_time_error_frames", finite(autocorrelation.error()));
            j.put("phi_autocorrelation_window_frames", autocorrelation.window());
            if (Double.isNaN(autocorrelation.tau())) {
                notes.add("sin(phi) is constant: no autocorrelation time");
            } else if (!autocorrelation.reliable()) {
                notes.add("the trajectory is shorter than 50 autocorrelation times: phi_autocorrelation_time_frames is "
                        + "probably an underestimate");
            }
            if (!weighted && Double.isFinite(df) && transitions < 10) {
                notes.add("only " + transitions + " phi transitions: the populations are not equilibrated between the states, "
                        + "and the bootstrap interval does not include that uncertainty");
            }
            j.put("histogram_bins", options.bins());
            if (energiesKjMol != null) {
                j.put("energy_mean_kjmol", SampleWeights.mean(energiesKjMol, weights));
                j.put("energy_std_kjmol", SampleWeights.standardDeviation(energiesKjMol, weights));
                double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
                for (double e : energiesKjMol) {
                    min = Math.min(min, e);
                    max = Math.max(max, e);
                }
                j.put("energy_min_kjmol", min);
                j.put("energy_max_kjmol", max);
            }
            j.put("phi_profile_min_bin_ess", phiProfile.minBinEss());
            j.put("phi_profile_hidden_bins", phiProfile.hiddenBins());
            if (phiProfile.hiddenBins() > 0)
                notes.add(phiProfile.hiddenBins() + " phi bins with fewer than " + phiProfile.minBinEss()
                        + " effective samples are hidden in the profile (nan in the CSV)");
            if (referenceProfile != null) j.put("reference_phi_profile", true);
            j.put("files", fileNames().subList(0, fileNames().size() - 1));
            j.put("notes", notes);
            return j;
        }

        /**
         * phi-free-energy.csv: phi_deg (bin centre), free_energy_kt ("inf" for an empty bin, "nan" for
         * one hidden for too few effective samples), effective_samples (Kish ESS of the bin's
         * weights), band_lower_kt and band_upper_kt (95 % bootstrap band, "nan" where not shown).
         */
        public String phiProfileCsv() {
            StringBuilder csv = new StringBuilder("phi_deg,free_energy_kt,effective_samples,band_lower_kt,band_upper_kt\n");
            double[] f = phiProfile.freeEnergyKt(), ess = phiProfile.binEss(), lower = phiProfile.lowerKt(), upper = phiProfile.upperKt();
            for (int b = 0; b < f.length; b++) {
                csv.append(String.format(Locale.ROOT, "%.6f,%s,%.6g,%s,%s%n", Math.toDegrees(phiProfile.center(b)), number(f[b]), ess[b],
                        number(lower[b]), number(upper[b])));
            }
            return csv.toString();
        }

        private static String number(double v) {
            return Double.isNaN(v) ? "nan" : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.10g", v);
        }

        /**
         * Renders every file in memory, then writes each atomically into {@code directory}
         * (created if missing), analysis.json last: a failure while rendering writes nothing.
         */
        public void write(Path directory) throws IOException {
            String label = weighted ? " (reweighted)" : "";
            String title = analysed.residue() + label;
            Map<String, byte[]> files = new LinkedHashMap<>();
            files.put(RAMACHANDRAN_PNG, Plots.ramachandran(ramachandran, ramachandranCellEss, phiProfile.minBinEss(),
                    "Ramachandran free energy, " + title));
            List<Plots.Series> curves = new ArrayList<>();
            if (referenceProfile != null) curves.add(Plots.Series.freeEnergyProfile("reference", referenceProfile));
            curves.add(Plots.Series.freeEnergyProfile(weighted ? "reweighted" : "samples", phiProfile));
            files.put(PHI_PROFILE_PNG, Plots.freeEnergyProfile("Free energy along phi, " + title, "phi", curves));
            files.put(PHI_PROFILE_CSV, phiProfileCsv().getBytes(StandardCharsets.UTF_8));
            if (energiesKjMol != null) {
                Histogram energy = Histogram.ofRange(energiesKjMol, weights, options.energyBins());
                files.put(ENERGY_HISTOGRAM_PNG, Plots.histogram("Potential energy" + label, "potential energy (kJ/mol)",
                        List.of(Plots.Series.histogram(weighted ? "reweighted" : "samples", energy))));
            }
            files.put(JSON, jsonText().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                AtomicFile.writeBytes(directory.resolve(file.getKey()), file.getValue());
            }
        }

        /** analysis.json's text, indented, with a final newline. */
        public String jsonText() {
            try {
                return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json()) + "\n";
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Double finite(double v) {
            return Double.isFinite(v) ? v : null;
        }
    }

    private BackboneAnalysis() {}

    /**
     * Analyses {@code frames} of the molecule {@code topology}.
     *
     * @param logWeights importance log-weights, one per frame (log w = -U/kT - log q), or null
     * @param energiesKjMol potential energies in kJ/mol, one per frame, or null
     * @throws IllegalArgumentException when the inputs do not fit together (the message says how;
     *     a caller adds the file), or when the topology has no residue with phi and psi
     */
    public static Report analyze(Topology topology, Frames frames, double[] logWeights, double[] energiesKjMol,
                                 double temperatureK, Options options) {
        return analyze(topology, frames, logWeights, energiesKjMol, temperatureK, options, null);
    }

    /**
     * As {@link #analyze(Topology, Frames, double[], double[], double, Options)}, with a reference
     * trajectory of the same molecule (MD, say) whose phi profile is drawn beside the samples' one.
     *
     * @param reference null for none
     */
    public static Report analyze(Topology topology, Frames frames, double[] logWeights, double[] energiesKjMol,
                                 double temperatureK, Options options, Frames reference) {
        if (!(temperatureK > 0) || Double.isInfinite(temperatureK)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperatureK + " K");
        }
        if (frames.atoms() != topology.atomCount()) {
            throw new IllegalArgumentException(frames.atoms() + " atoms per frame, the topology has " + topology.atomCount());
        }
        int n = frames.frames();
        if (n == 0) {
            throw new IllegalArgumentException("no frames");
        }
        if (logWeights != null && logWeights.length != n) {
            throw new IllegalArgumentException(logWeights.length + " log-weights for " + n + " frames");
        }
        if (energiesKjMol != null) {
            if (energiesKjMol.length != n) {
                throw new IllegalArgumentException(energiesKjMol.length + " energies for " + n + " frames");
            }
            for (int f = 0; f < n; f++) {
                if (!Double.isFinite(energiesKjMol[f])) {
                    throw new IllegalArgumentException("energy of frame " + f + " is " + energiesKjMol[f]);
                }
            }
        }
        List<Dihedral> dihedrals = BackboneDihedrals.find(topology);
        List<BackboneDihedrals.PhiPsi> pairs = BackboneDihedrals.pairs(topology);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no residue with both phi and psi (backbone atoms N, CA, C bonded to "
                    + "neighbouring residues) among " + topology.residues().size() + " residues");
        }
        BackboneDihedrals.PhiPsi analysed = pairs.getFirst();
        if (options.residue() != null) {
            analysed = pairs.stream().filter(p -> p.residue().equals(options.residue())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no residue " + options.residue() + " with phi and psi (have "
                            + pairs.stream().map(BackboneDihedrals.PhiPsi::residue).toList() + ")"));
        }
        double[] phi = analysed.phi().compute(frames);
        double[] psi = analysed.psi().compute(frames);
        for (int f = 0; f < n; f++) {
            if (!Double.isFinite(phi[f]) || !Double.isFinite(psi[f])) {
                throw new IllegalArgumentException("frame " + f + " has no defined phi/psi (non-finite or collinear coordinates)");
            }
        }
        double[] weights = logWeights == null ? null : SampleWeights.fromLogWeights(logWeights);
        double ess = logWeights == null ? n : KishEss.effectiveSampleSize(logWeights);
        Histogram2D rama = Histogram2D.ofAngles(phi, psi, weights, options.bins());
        double[] cellEss = Histogram2D.cellEss(phi, psi, weights, options.bins(), -Math.PI, Math.PI);
        PhiStates.Populations populations = PhiStates.populations(phi, weights);
        double[] sinPhi = new double[n];
        for (int f = 0; f < n; f++) {
            sinPhi[f] = Math.sin(phi[f]);
        }
        AutocorrelationTime.Result tau = n >= 2 ? AutocorrelationTime.integrated(sinPhi)
                : new AutocorrelationTime.Result(Double.NaN, Double.NaN, 0, false);
        int block = Double.isFinite(tau.tau()) ? (int) Math.min(n, Math.max(1, Math.ceil(2 * tau.tau()))) : 1;
        PhiStates.Interval interval = PhiStates.bootstrapDeltaF(phi, weights, options.bootstrapResamples(), block,
                options.confidenceLevel(), options.seed());
        int transitions = PhiStates.transitions(phi, Math.toRadians(options.coreMarginDeg()));
        return new Report(n, frames.atoms(), temperatureK, logWeights != null, ess, dihedrals, analysed, phi, psi, weights,
                rama, cellEss, FreeEnergyProfile.ofAngles(phi, weights, options.bins(), FreeEnergyProfile.BAND_RESAMPLES, block, options.seed() + 1),
                referenceProfile(analysed, reference, frames.atoms(), options), populations, interval, transitions, tau,
                energiesKjMol == null ? null : energiesKjMol.clone(), options);
    }

    /** The unweighted phi profile of the reference frames (block bootstrap over their own autocorrelation time), or null. */
    private static FreeEnergyProfile referenceProfile(BackboneDihedrals.PhiPsi pair, Frames reference, int atoms, Options options) {
        if (reference == null) return null;
        if (reference.atoms() != atoms) throw new IllegalArgumentException("the reference has " + reference.atoms() + " atoms per frame, the samples " + atoms);
        if (reference.frames() == 0) throw new IllegalArgumentException("the reference has no frames");
        double[] phi = pair.phi().compute(reference);
        double[] sin = new double[phi.length];
        for (int f = 0; f < phi.length; f++) {
            if (!Double.isFinite(phi[f])) throw new IllegalArgumentException("reference frame " + f + " has no defined phi");
            sin[f] = Math.sin(phi[f]);
        }
        double tau = phi.length >= 2 ? AutocorrelationTime.integrated(sin).tau() : Double.NaN;
        int block = Double.isFinite(tau) ? (int) Math.min(phi.length, Math.max(1, Math.ceil(2 * tau))) : 1;
        return FreeEnergyProfile.ofAngles(phi, null, options.bins(), FreeEnergyProfile.BAND_RESAMPLES, block, options.seed() + 2);
    }
}
