package org.boltzmann4j.bg.energy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Energies and forces of the bundled systems equal OpenMM Python's (Reference platform) on 128
 * perturbed configurations, saved by scripts/make-reference-energies.py.
 */
class OpenMMReferenceTest {
    private static final double RELATIVE = 1e-9;

    private static NpyArray reference(String file) throws IOException {
        try (InputStream in = OpenMMReferenceTest.class.getResourceAsStream("/reference/energies/" + file)) {
            assertNotNull(in, "missing reference file " + file + " (scripts/make-reference-energies.py)");
            return Npy.read(in, file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aldp-vacuum", "aldp-implicit"})
    void energiesAndForcesEqualOpenMMPython(String name) throws IOException {
        NpyArray positions = reference(name + "-positions.npy");
        double[] expectedE = reference(name + "-energies.npy").asDoubles();
        double[] expectedF = reference(name + "-forces.npy").asDoubles();
        int n = positions.dim(0), atoms = positions.dim(1);
        assertTrue(n >= 100);
        try (OpenMMEnergy energy = new OpenMMEnergy(MolecularSystem.bundled(name).systemXml(), "Reference", Map.of(), 2)) {
            assertEquals(atoms, energy.numAtoms());
            OpenMMEnergy.Scores scores = energy.score(positions.asDoubles(), n, true, done -> {});
            for (int c = 0; c < n; c++) {
                assertEquals(expectedE[c], scores.energies()[c], RELATIVE * Math.abs(expectedE[c]), name + " energy of configuration " + c);
                double scale = 0;
                for (int k = 0; k < atoms * 3; k++) scale = Math.max(scale, Math.abs(expectedF[c * atoms * 3 + k]));
                for (int k = 0; k < atoms * 3; k++) {
                    int i = c * atoms * 3 + k;
                    assertEquals(expectedF[i], scores.forces()[i], RELATIVE * scale, name + " force " + k + " of configuration " + c);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aldp-vacuum", "aldp-implicit"})
    void forceGroupEnergiesEqualOpenMMPython(String name) throws IOException {
        NpyArray positions = reference(name + "-positions.npy");
        NpyArray expected = reference(name + "-group-energies.npy");
        List<String> names;
        try (InputStream in = OpenMMReferenceTest.class.getResourceAsStream("/reference/energies/" + name + "-force-names.txt")) {
            names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        // As in the reference script: force i in group i.
        Matcher m = Pattern.compile("forceGroup=\"0\"").matcher(MolecularSystem.bundled(name).systemXml());
        StringBuilder xml = new StringBuilder();
        int index = 0;
        while (m.find()) m.appendReplacement(xml, "forceGroup=\"" + index++ + "\"");
        m.appendTail(xml);
        int n = positions.dim(0), groups = expected.dim(1);
        assertEquals(names.size(), groups);
        int[] ids = new int[groups];
        for (int g = 0; g < groups; g++) ids[g] = g;
        try (OpenMMSystem system = OpenMMSystem.fromXml(xml.toString()); Context context = Context.forEnergies(system, "Reference", Map.of())) {
            for (int g = 0; g < groups; g++) assertEquals(names.get(g), system.forces().get(g).name());
            double[] actual = context.groupEnergies(positions.asDoubles(), n, ids);
            double[] want = expected.asDoubles();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], actual[i], RELATIVE * Math.max(1, Math.abs(want[i])), name + " group " + i % groups + " of configuration " + i / groups);
            }
        }
    }
}
