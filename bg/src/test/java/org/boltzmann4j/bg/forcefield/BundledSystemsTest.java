package org.boltzmann4j.bg.forcefield;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bundled systems are made by {@code bg build --pdb NAME.pdb --keep-atom-order}
 * (scripts/make-bundled-systems): the committed XML must be exactly what our createSystem writes
 * for the bundled PDB now, and give the energies and forces on perturbed configurations of the
 * XMLs OpenMM Python's createSystem made for the same PDBs (scripts/make-systems.py; kept under
 * test resources openmm-python-systems/).
 */
class BundledSystemsTest {

    @ParameterizedTest
    @CsvSource({"aldp-vacuum, VACUUM", "aldp-implicit, AMBER99_OBC", "pro-dipeptide-vacuum, VACUUM"})
    void amber99sbildnEqualsTheBundledSystem(String name, Solvent solvent) throws IOException {
        MolecularSystem bundled = MolecularSystem.bundled(name);
        Pdb.Structure pdb;
        try (InputStream in = MolecularSystem.class.getResourceAsStream("/org/boltzmann4j/bg/systems/" + name + ".pdb")) {
            pdb = Pdb.read(in, name + ".pdb");
        }
        ForceField ff = ForceField.load(List.of("amber99sbildn.xml"));
        ParameterizedSystem ours = ff.createSystem(pdb.topology(),
                ForceField.Options.defaults().withSolvent(solvent).withRemoveCMMotion(false).withCutoffNm(2.0)); // bg build's defaults
        assertEquals(ours.systemXml(), bundled.systemXml(), name + ".xml is not what bg build --keep-atom-order writes: run scripts/make-bundled-systems");
        double[] x0 = pdb.frames().frame(0);
        int n = x0.length;
        int frames = 4;
        double[] x = new double[frames * n];
        Random random = new Random(11);
        for (int f = 0; f < frames; f++) {
            for (int k = 0; k < n; k++) {
                x[f * n + k] = x0[k] + (f == 0 ? 0 : 0.01 * random.nextGaussian());
            }
        }
        double[] e1 = new double[frames], f1 = new double[frames * n];
        double[] e2 = new double[frames], f2 = new double[frames * n];
        String python;
        try (InputStream in = BundledSystemsTest.class.getResourceAsStream("/org/boltzmann4j/bg/forcefield/openmm-python-systems/" + name + ".xml")) {
            python = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (OpenMMSystem a = OpenMMSystem.fromXml(python); OpenMMSystem b = OpenMMSystem.fromXml(ours.systemXml());
             Context ca = Context.forEnergies(a, "Reference", Map.of()); Context cb = Context.forEnergies(b, "Reference", Map.of())) {
            assertEquals(a.forces().size(), b.forces().size(), "forces: " + a.forces() + " vs " + b.forces());
            ca.evaluate(x, frames, e1, f1);
            cb.evaluate(x, frames, e2, f2);
        }
        for (int f = 0; f < frames; f++) {
            assertEquals(e1[f], e2[f], 1e-9 * Math.abs(e1[f]), "energy of frame " + f);
        }
        double scale = 0;
        for (double v : f1) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < f1.length; k++) {
            assertEquals(f1[k], f2[k], 1e-9 * scale, "force component " + k);
        }
        assertTrue(scale > 0);
    }
}
