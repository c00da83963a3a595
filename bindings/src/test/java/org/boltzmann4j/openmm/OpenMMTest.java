package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class OpenMMTest {
    @Test
    void reportsVersionAndPlatforms() {
        assertTrue(OpenMM.version().matches("\\d+\\.\\d+.*"), OpenMM.version());
        List<String> names = OpenMM.platforms().stream().map(OpenMM.Platform::name).toList();
        assertTrue(names.contains("Reference"), names.toString());
        assertTrue(names.contains("CPU"), names.toString());
        assertTrue(OpenMM.platform("CPU").propertyNames().contains("Threads"));
        assertTrue(OpenMM.pluginsLoaded() > 0);
    }

    @Test
    void unknownPlatformNamesTheKnownOnes() {
        var e = assertThrows(OpenMMException.class, () -> OpenMM.platform("Quantum"));
        assertTrue(e.getMessage().contains("unknown platform 'Quantum'"), e.getMessage());
        assertTrue(e.getMessage().contains("Reference"), e.getMessage());
    }
}
