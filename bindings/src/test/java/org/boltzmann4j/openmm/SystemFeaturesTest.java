package org.boltzmann4j.openmm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a System holds, read on load, against how scripts/make-toy-systems.py built each toy. */
class SystemFeaturesTest {
    private static OpenMMSystem.Features features(String file) {
        try (OpenMMSystem system = OpenMMSystem.fromXml(Toy.xml(file))) {
            return system.features();
        }
    }

    @Test
    void thePlainTriatomicHasNothingSpecial() {
        OpenMMSystem.Features f = features("triatomic.xml");
        assertEquals(3, f.numParticles());
        assertEquals(29.0, f.totalMassAmu(), 0.0);
        assertEquals(List.of(), f.constraints());
        assertEquals(List.of(), f.virtualSites());
        assertFalse(f.hasCMMotionRemover());
        assertFalse(f.usesPeriodicBoundary());
        assertEquals(List.of("HarmonicBondForce", "HarmonicAngleForce", "CustomExternalForce"), f.forces().stream().map(OpenMMSystem.ForceInfo::name).toList());
        assertEquals(List.of(0, 1, 2), f.forces().stream().map(OpenMMSystem.ForceInfo::group).toList());
    }

    @Test
    void eachVariantShowsItsFeature() {
        assertEquals(List.of(new OpenMMSystem.Constraint(0, 1, 0.1)), features("constrained.xml").constraints());
        OpenMMSystem.Features site = features("virtual-site.xml");
        assertEquals(List.of(3), site.virtualSites());
        assertEquals(0.0, site.massesAmu()[3]);
        assertTrue(features("cm-motion-remover.xml").hasCMMotionRemover());
        OpenMMSystem.Features periodic = features("periodic-box.xml");
        assertTrue(periodic.usesPeriodicBoundary());
        assertArrayEquals(new double[] {3, 0, 0, 0, 3, 0, 0, 0, 3}, periodic.defaultBoxVectorsNm(), 0.0);
        assertEquals(new OpenMMSystem.ForceInfo(3, "NonbondedForce", 3), periodic.forces().get(3));
        for (String plain : List.of("constrained.xml", "virtual-site.xml", "cm-motion-remover.xml"))
            assertFalse(features(plain).usesPeriodicBoundary(), plain);
    }

    @Test
    void aContextKnowsTheFeaturesOfItsSystem() {
        try (OpenMMSystem system = OpenMMSystem.fromXml(Toy.xml("constrained.xml"));
                Context context = Context.forEnergies(system, "Reference", java.util.Map.of())) {
            assertEquals(1, context.features().constraints().size());
            assertEquals(8, context.degreesOfFreedom());
        }
    }
}
