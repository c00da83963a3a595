package org.boltzmann4j.bg.forcefield;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our System XML loads on OpenMM's CPU platform too (the CustomGBForce with its tabulated
 * functions included), and gives the Reference energy to CPU's single precision.
 */
class PlatformsTest {

    @ParameterizedTest
    @EnumSource(Solvent.class)
    void cpuAgreesWithReference(Solvent solvent) throws IOException {
        Pdb.Structure pdb = OpenMMPythonReferenceTest.structure("peptides/CR.pdb");
        ForceField ff = ForceField.load(List.of(solvent == Solvent.AMBER99_OBC ? "amber99sbildn.xml" : "amber14-all.xml"));
        ParameterizedSystem ours = ff.createSystem(pdb.topology(), ForceField.Options.defaults().withSolvent(solvent)
                .withNonbonded(NonbondedMethod.CUTOFF_NON_PERIODIC).withCutoffNm(2.0));
        double[] x = pdb.frames().frame(0);
        double[] reference = new double[1];
        double[] cpu = new double[1];
        try (OpenMMSystem system = OpenMMSystem.fromXml(ours.systemXml());
             Context r = Context.forEnergies(system, "Reference", Map.of());
             Context c = Context.forEnergies(system, "CPU", Map.of("Threads", "1"))) {
            r.evaluate(x, 1, reference, null);
            c.evaluate(x, 1, cpu, null);
        }
        assertEquals(reference[0], cpu[0], 1e-4 * Math.abs(reference[0]) + 1e-3, solvent + " on CPU");
    }
}
