package org.boltzmann4j.bg.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * What every peptide of a dataset is simulated with; part of dataset.json, so that a second run
 * into the same folder with other settings is refused.
 *
 * <p>The defaults are the dataset of this project (issue 12): zwitterionic termini, amber14-all
 * with OpenMM's native GBSAOBCForce and the OBC2 parameters ({@code gbsa-obc2}: 25 times faster
 * than obc1 as a CustomGBForce on one core), NoCutoff, 310 K, LangevinMiddle with 1/ps friction
 * and a 1 fs step, a frame every ps, 50 ps of equilibration after minimisation, 5 ns of MD, on
 * OpenMM's Reference platform (the only one whose trajectories repeat bit for bit, across a
 * resume too).
 */
public record DatasetSettings(String termini, String forcefield, String solvent, String nonbonded, double temperatureK, double ns,
        double dtPs, double frictionPerPs, double saveEveryPs, double equilibratePs, int seed, String platform) implements Serializable {

    public DatasetSettings {
        Objects.requireNonNull(termini, "--termini");
        Objects.requireNonNull(forcefield, "--forcefield");
        Objects.requireNonNull(solvent, "--solvent");
        Objects.requireNonNull(nonbonded, "--nonbonded");
        Objects.requireNonNull(platform, "--platform");
        require(termini.equals("zwitterion") || termini.equals("capped"), "--termini must be zwitterion or capped, got " + termini);
        require(!forcefield.isBlank(), "--forcefield must not be empty");
        require(!solvent.isBlank(), "--solvent must not be empty");
        require(temperatureK > 0 && Double.isFinite(temperatureK), "--temperature-k must be > 0, got " + temperatureK);
        require(ns > 0 && Double.isFinite(ns), "--ns must be > 0, got " + ns);
        require(dtPs > 0 && dtPs <= 0.01, "--dt-ps must be in (0, 0.01] ps, got " + dtPs);
        require(frictionPerPs >= 0 && Double.isFinite(frictionPerPs), "--friction-per-ps must be >= 0, got " + frictionPerPs);
        require(saveEveryPs > 0 && Double.isFinite(saveEveryPs), "--save-every-ps must be > 0, got " + saveEveryPs);
        require(equilibratePs >= 0 && Double.isFinite(equilibratePs), "--equilibrate-ps must be >= 0, got " + equilibratePs);
        require(whole(saveEveryPs / dtPs), "--save-every-ps must be a whole number of --dt-ps steps, got " + saveEveryPs + " ps at " + dtPs + " ps");
        require(whole(equilibratePs / dtPs), "--equilibrate-ps must be a whole number of --dt-ps steps, got " + equilibratePs + " ps at " + dtPs + " ps");
        require(whole(ns * 1000 / dtPs), "--ns must be a whole number of --dt-ps steps, got " + ns + " ns at " + dtPs + " ps");
        require(ns * 1000 / dtPs >= saveEveryPs / dtPs, "--ns must hold at least one frame (--save-every-ps " + saveEveryPs + "), got " + ns);
    }

    public static DatasetSettings defaults() {
        return new DatasetSettings("zwitterion", "amber14-all", "gbsa-obc2", "nocutoff", 310, 5, 0.001, 1, 1, 50, 1, "Reference");
    }

    public DatasetSettings withTermini(String v) { return new DatasetSettings(v, forcefield, solvent, nonbonded, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withForcefield(String v) { return new DatasetSettings(termini, v, solvent, nonbonded, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withSolvent(String v) { return new DatasetSettings(termini, forcefield, v, nonbonded, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withNonbonded(String v) { return new DatasetSettings(termini, forcefield, solvent, v, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withTemperatureK(double v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, v, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withNs(double v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, v, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withDtPs(double v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, ns, v, frictionPerPs, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withFrictionPerPs(double v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, ns, dtPs, v, saveEveryPs, equilibratePs, seed, platform); }
    public DatasetSettings withSaveEveryPs(double v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, ns, dtPs, frictionPerPs, v, equilibratePs, seed, platform); }
    public DatasetSettings withEquilibratePs(double v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, v, seed, platform); }
    public DatasetSettings withSeed(int v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, v, platform); }
    public DatasetSettings withPlatform(String v) { return new DatasetSettings(termini, forcefield, solvent, nonbonded, temperatureK, ns, dtPs, frictionPerPs, saveEveryPs, equilibratePs, seed, v); }

    /** MD steps of the production run. */
    public long steps() {
        return Math.round(ns * 1000 / dtPs);
    }

    /** Steps between saved frames. */
    public int saveEverySteps() {
        return Math.toIntExact(Math.round(saveEveryPs / dtPs));
    }

    public long equilibrateSteps() {
        return Math.round(equilibratePs / dtPs);
    }

    /** One setting: the command-line option, its JSON key and its value as text (exact for doubles). */
    private record Field(String option, String key, Function<DatasetSettings, Object> value) {}

    private static final List<Field> FIELDS = List.of(
            new Field("--termini", "termini", DatasetSettings::termini),
            new Field("--forcefield", "forcefield", DatasetSettings::forcefield),
            new Field("--solvent", "solvent", DatasetSettings::solvent),
            new Field("--nonbonded", "nonbonded", DatasetSettings::nonbonded),
            new Field("--temperature-k", "temperature_k", DatasetSettings::temperatureK),
            new Field("--ns", "ns", DatasetSettings::ns),
            new Field("--dt-ps", "dt_ps", DatasetSettings::dtPs),
            new Field("--friction-per-ps", "friction_per_ps", DatasetSettings::frictionPerPs),
            new Field("--save-every-ps", "save_every_ps", DatasetSettings::saveEveryPs),
            new Field("--equilibrate-ps", "equilibrate_ps", DatasetSettings::equilibratePs),
            new Field("--seed", "seed", DatasetSettings::seed),
            new Field("--platform", "platform", DatasetSettings::platform));

    /**
     * The first setting in which {@code recorded} (a folder's dataset.json) differs from these,
     * as "--ns 5.0 (DIR has 10.0)", or null when they agree.
     */
    public String firstDifference(DatasetSettings recorded) {
        for (Field f : FIELDS) {
            Object mine = f.value.apply(this), theirs = f.value.apply(recorded);
            if (!mine.equals(theirs)) return f.option + " " + mine + " (the dataset has " + theirs + ")";
        }
        return null;
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (Field f : FIELDS) {
            Object v = f.value.apply(this);
            switch (v) {
                case Double d -> node.put(f.key, d);
                case Integer i -> node.put(f.key, i);
                default -> node.put(f.key, v.toString());
            }
        }
        return node;
    }

    /** Reads what {@link #toJson} wrote; a missing or malformed key names itself. */
    public static DatasetSettings fromJson(JsonNode node) {
        return new DatasetSettings(text(node, "termini"), text(node, "forcefield"), text(node, "solvent"), text(node, "nonbonded"),
                number(node, "temperature_k"), number(node, "ns"), number(node, "dt_ps"), number(node, "friction_per_ps"),
                number(node, "save_every_ps"), number(node, "equilibrate_ps"), (int) number(node, "seed"), text(node, "platform"));
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("settings." + key + " is missing or not text");
        return v.asText();
    }

    private static double number(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber()) throw new IllegalArgumentException("settings." + key + " is missing or not a number");
        return v.asDouble();
    }

    private static boolean whole(double x) {
        return Math.abs(x - Math.rint(x)) < 1e-6 * Math.max(1, Math.abs(x));
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s", toJson());
    }
}
