package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The standard preset's steps per route: by energy trains longer, the number bench-fab needed on alanine dipeptide. */
class MolecularTrainingPlanTest {
    @Test
    void byEnergyTrainsLongerUnderTheStandardPreset() {
        assertEquals(15000, MolecularTraining.Plan.standard("energy").steps());
        assertTrue(MolecularTraining.Plan.standard("energy").annealed());
        for (String by : new String[] {"example", "mixed", "fab"}) {
            assertEquals(MolecularTraining.Plan.DEFAULT_STEPS, MolecularTraining.Plan.standard(by).steps(), by);
            assertEquals(by, MolecularTraining.Plan.standard(by).by());
        }
        assertThrows(IllegalArgumentException.class, () -> MolecularTraining.Plan.standard("kl"));
    }
}
