package org.boltzmann4j.bg.tbg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.boltzmann4j.bg.dataset.DatasetSettings;

/**
 * How a TBG's target peptides are built and parameterised, as {@code bg build} does (termini, force-field
 * files, solvent, nonbonded method, cutoff) and the temperature of their Boltzmann distribution: taken from the
 * training dataset's settings, so that a peptide the model never saw gets the same System as the training MD.
 */
public record PeptideSystemSettings(String termini, String forcefield, String solvent, String nonbonded, double cutoffNm, double temperatureK) {

    public PeptideSystemSettings {
        if (!termini.equals("zwitterion") && !termini.equals("capped"))
            throw new IllegalArgumentException("--termini must be zwitterion or capped, got " + termini);
        if (forcefield.isBlank()) throw new IllegalArgumentException("--forcefield must not be empty");
        if (!(cutoffNm > 0) || !Double.isFinite(cutoffNm)) throw new IllegalArgumentException("--cutoff-nm must be > 0, got " + cutoffNm);
        if (!(temperatureK > 0) || !Double.isFinite(temperatureK))
            throw new IllegalArgumentException("--temperature-k must be > 0, got " + temperatureK);
    }

    /** The dataset issue's defaults (as DatasetSettings.defaults()): zwitterions, amber14-all + gbsa-obc2, no cutoff, 310 K. */
    public static PeptideSystemSettings defaults() {
        return of(DatasetSettings.defaults());
    }

    /** A dataset's settings (bg build's default cutoff of 2 nm, which the dataset does not change). */
    public static PeptideSystemSettings of(DatasetSettings d) {
        return new PeptideSystemSettings(d.termini(), d.forcefield(), d.solvent(), d.nonbonded(), 2.0, d.temperatureK());
    }

    public PeptideSystemSettings withTemperatureK(double v) {
        return new PeptideSystemSettings(termini, forcefield, solvent, nonbonded, cutoffNm, v);
    }

    public PeptideSystemSettings withSolvent(String v) {
        return new PeptideSystemSettings(termini, forcefield, v, nonbonded, cutoffNm, temperatureK);
    }

    public PeptideSystemSettings withForcefield(String v) {
        return new PeptideSystemSettings(termini, v, solvent, nonbonded, cutoffNm, temperatureK);
    }

    /** The force-field names, as bg build's --forcefield takes them. */
    public List<String> forcefieldNames() {
        return Arrays.stream(forcefield.trim().split("\\s+")).toList();
    }

    public ObjectNode toJson() {
        return JsonNodeFactory.instance.objectNode().put("termini", termini).put("forcefield", forcefield).put("solvent", solvent)
                .put("nonbonded", nonbonded).put("cutoff_nm", cutoffNm).put("temperature_k", temperatureK);
    }

    public static PeptideSystemSettings fromJson(JsonNode j) {
        return new PeptideSystemSettings(j.path("termini").asText(), j.path("forcefield").asText(), j.path("solvent").asText(),
                j.path("nonbonded").asText(), j.path("cutoff_nm").asDouble(Double.NaN), j.path("temperature_k").asDouble(Double.NaN));
    }
}
