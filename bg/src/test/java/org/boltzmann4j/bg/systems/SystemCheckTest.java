package org.boltzmann4j.bg.systems;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.boltzmann4j.bg.sampling.HamiltonianMonteCarlo;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.Integrator;
import org.boltzmann4j.openmm.OpenMMSystem;
import org.junit.jupiter.api.Test;

/** Methods that assume free atoms are refused for Systems with constraints or virtual sites. */
class SystemCheckTest {
    static String resource(String path) throws Exception {
        try (InputStream in = SystemCheckTest.class.getResourceAsStream(path)) {
            assertNotNull(in, path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aldpWithoutConstraintsSupportsEverything() throws Exception {
        OpenMMSystem.Features f = SystemCheck.features(MolecularSystem.bundled("aldp-vacuum").systemXml());
        for (SystemCheck.Method m : SystemCheck.Method.values()) assertTrue(SystemCheck.refusal(m, f).isEmpty(), m.name());
    }

    @Test
    void hydrogenBondConstraintsAreRefusedByBothMethods() throws Exception {
        OpenMMSystem.Features f = SystemCheck.features(resource("/toy/aldp-vacuum-hbonds.xml"));
        assertEquals("Metropolized HMC (--local hmc) would be wrong for this System: it has 12 constraints; use --local langevin",
                SystemCheck.refusal(SystemCheck.Method.METROPOLIZED_HMC, f).orElseThrow());
        var e = assertThrows(SystemCheck.UnsupportedSystemException.class,
                () -> SystemCheck.require(SystemCheck.Method.INTERNAL_COORDINATES, f, "hbonds.xml"));
        assertEquals("hbonds.xml: an internal-coordinate flow would be wrong for this System: it has 12 constraints; use --coordinates cartesian",
                e.getMessage());
    }

    @Test
    void hmcRefusesAContextWhoseSystemHasAVirtualSite() throws Exception {
        String xml = resource("/toy/triatomic-virtual-site.xml");
        try (OpenMMSystem system = OpenMMSystem.fromXml(xml); Context context = new Context(system, "Reference", Map.of(), Integrator.verlet(0.0005))) {
            var e = assertThrows(SystemCheck.UnsupportedSystemException.class,
                    () -> new HamiltonianMonteCarlo(context, system.masses(), 2.494, 0.0005, 10));
            assertTrue(e.getMessage().contains("it has 1 virtual site"), e.getMessage());
        }
        try (OpenMMSystem system = OpenMMSystem.fromXml(resource("/toy/triatomic.xml"));
                Context context = new Context(system, "Reference", Map.of(), Integrator.verlet(0.0005))) {
            assertDoesNotThrow(() -> new HamiltonianMonteCarlo(context, system.masses(), 2.494, 0.0005, 10));
        }
    }
}
