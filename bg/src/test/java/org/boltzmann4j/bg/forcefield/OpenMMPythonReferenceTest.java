package org.boltzmann4j.bg.forcefield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Our createSystem against OpenMM Python's ForceField.createSystem (values saved by
 * scripts/make-reference-forcefield.py): for every structure and set-up, the same forces in the
 * same order, and energies, per-force (group) energies and forces equal to 1e-9 relative on the
 * Reference platform.
 */
class OpenMMPythonReferenceTest {

    static final String RESOURCES = "/org/boltzmann4j/bg/forcefield/";
    static final double TOLERANCE = 1e-9;
    private static final Map<String, double[]> WORST = new TreeMap<>();

    static JsonNode reference() throws IOException {
        try (InputStream in = new GZIPInputStream(OpenMMPythonReferenceTest.class.getResourceAsStream(
                RESOURCES + "reference-forcefield.json.gz"))) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Pdb.Structure structure(String name) throws IOException {
        try (InputStream in = OpenMMPythonReferenceTest.class.getResourceAsStream(RESOURCES + name)) {
            return Pdb.read(in, name);
        }
    }

    @TestFactory
    Stream<DynamicTest> energiesForcesAndGroupEnergiesEqualOpenMMPython() throws IOException {
        JsonNode ref = reference();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode setup : ref.get("setups")) {
            String label = setup.get("structure").asText() + " " + setup.get("forcefield").asText() + " "
                    + setup.get("solvent").asText() + " " + setup.get("nonbonded").asText();
            tests.add(DynamicTest.dynamicTest(label, () -> check(setup, ref.get("structures").get(
                    setup.get("structure").asText()))));
        }
        assertTrue(tests.size() >= 14, "expected at least 14 set-ups, got " + tests.size());
        return tests.stream();
    }

    private static void check(JsonNode setup, JsonNode structure) throws IOException {
        Pdb.Structure pdb = structure(setup.get("structure").asText());
        ForceField ff = ForceField.load(List.of(ForceField.fileFor(setup.get("forcefield").asText())));
        ForceField.Options options = ForceField.Options.defaults()
                .withSolvent(Solvent.fromCliName(setup.get("solvent").asText()))
                .withNonbonded(NonbondedMethod.fromCliName(setup.get("nonbonded").asText()))
                .withCutoffNm(setup.get("cutoff_nm").asDouble())
                .withSeparateForceGroups(true);
        ParameterizedSystem ours = ff.createSystem(pdb.topology(), options);

        JsonNode configs = structure.get("configs_nm");
        int frames = configs.size();
        int dim = 3 * pdb.topology().atomCount();
        double[] x = new double[frames * dim];
        for (int f = 0; f < frames; f++) {
            for (int k = 0; k < dim; k++) {
                x[f * dim + k] = configs.get(f).get(k).asDouble();
            }
        }
        List<String> forceNames = new ArrayList<>();
        setup.get("forces").forEach(n -> forceNames.add(n.asText()));
        double[] energies = new double[frames];
        double[] forces = new double[frames * dim];
        double[] groups;
        try (OpenMMSystem system = OpenMMSystem.fromXml(ours.systemXml());
             Context context = Context.forEnergies(system, "Reference", Map.of())) {
            assertEquals(forceNames, system.forces().stream().map(OpenMMSystem.ForceInfo::name).toList(), "forces");
            context.evaluate(x, frames, energies, forces);
            groups = context.groupEnergies(x, frames, java.util.stream.IntStream.range(0, forceNames.size()).toArray());
        }
        String key = setup.get("forcefield").asText() + " + " + setup.get("solvent").asText() + ", "
                + setup.get("nonbonded").asText();
        double worstEnergy = 0;
        double worstForce = 0;
        for (int f = 0; f < frames; f++) {
            double want = setup.get("energies_kjmol").get(f).asDouble();
            double err = Math.abs(energies[f] - want) / Math.max(Math.abs(want), 1.0);
            worstEnergy = Math.max(worstEnergy, err);
            assertTrue(err <= TOLERANCE, "energy of configuration " + f + ": " + energies[f] + " vs " + want);
            for (int g = 0; g < forceNames.size(); g++) {
                double wg = setup.get("group_energies_kjmol").get(f).get(g).asDouble();
                double got = groups[f * forceNames.size() + g];
                double eg = Math.abs(got - wg) / Math.max(Math.abs(wg), 1.0);
                worstEnergy = Math.max(worstEnergy, eg);
                assertTrue(eg <= TOLERANCE, forceNames.get(g) + " energy of configuration " + f + ": " + got + " vs " + wg);
            }
        }
        synchronized (WORST) {
            double[] w = WORST.computeIfAbsent(key, k -> new double[3]);
            w[0] = Math.max(w[0], worstEnergy);
        }
        if (setup.get("forces_config").isNull()) {
            return; // the file keeps forces for a subset of structures per set-up (see the script)
        }
        int fc = setup.get("forces_config").asInt();
        JsonNode wantForces = setup.get("forces_kjmol_nm");
        double scale = 0;
        for (JsonNode v : wantForces) {
            scale = Math.max(scale, Math.abs(v.asDouble()));
        }
        for (int k = 0; k < dim; k++) {
            double err = Math.abs(forces[fc * dim + k] - wantForces.get(k).asDouble()) / scale;
            worstForce = Math.max(worstForce, err);
            assertTrue(err <= TOLERANCE, "force component " + k + " of configuration " + fc + ": "
                    + forces[fc * dim + k] + " vs " + wantForces.get(k).asDouble());
        }
        synchronized (WORST) {
            double[] w = WORST.get(key);
            w[1] = Math.max(w[1], worstForce);
            w[2]++;
        }
    }

    @TestFactory
    Stream<DynamicTest> everySetUpHasForcesOnSeveralStructuresAndEveryPeptideIsThere() throws IOException {
        JsonNode ref = reference();
        Map<String, Integer> withForces = new TreeMap<>();
        java.util.Set<String> structures = new java.util.TreeSet<>();
        for (JsonNode setup : ref.get("setups")) {
            String key = setup.get("forcefield").asText() + " + " + setup.get("solvent").asText() + ", "
                    + setup.get("nonbonded").asText();
            withForces.merge(key, setup.get("forces_config").isNull() ? 0 : 1, Integer::sum);
            structures.add(setup.get("structure").asText());
        }
        return Stream.of(
                DynamicTest.dynamicTest("14 set-ups", () -> assertEquals(14, withForces.size(), withForces.toString())),
                DynamicTest.dynamicTest("forces on >= 4 structures per set-up", () -> withForces.forEach(
                        (k, v) -> assertTrue(v >= 4, k + ": forces on " + v + " structures"))),
                DynamicTest.dynamicTest(">= 40 test peptides", () -> assertTrue(
                        structures.stream().filter(s -> s.startsWith("peptides/")).count() >= 40, structures.toString())));
    }

    @AfterAll
    static void report() {
        WORST.forEach((k, w) -> System.out.printf("forcefield reference: %-45s max rel. energy error %.2e, force %.2e "
                + "(forces on %d structures)%n", k, w[0], w[1], (int) w[2]));
    }
}
