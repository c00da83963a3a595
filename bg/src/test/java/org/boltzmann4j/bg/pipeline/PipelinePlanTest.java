package org.boltzmann4j.bg.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.training.MolecularTraining;
import org.junit.jupiter.api.Test;

/** The pipeline's plan: the demo's budgets, one seed for everything, and refusals that name the option. */
class PipelinePlanTest {
    @Test
    void theDefaultsAndTheQuickBudgetAreTheDemos() {
        PipelinePlan d = PipelinePlan.defaults();
        assertEquals(10000, d.mdPs());
        assertEquals(2, d.replicas());
        assertEquals(3000, d.training().steps());
        assertEquals(20000, d.samples());
        assertEquals(FlowArchitecture.quick("internal", 1), d.flow());
        assertEquals(MolecularTraining.Plan.defaults().withSteps(3000), d.training());
        PipelinePlan q = PipelinePlan.quick();
        assertEquals("quick", q.budget());
        assertEquals(400, q.mdPs());
        assertEquals(600, q.training().steps());
        assertEquals(5000, q.samples());
        // the training defaults are MolecularTraining.Plan's, not a copy
        assertEquals(MolecularTraining.Plan.defaults().withSteps(600), q.training());
    }

    @Test
    void theSeedReseedsTheFlowAndTheTrainingAndThreadsFollowTheCores() {
        PipelinePlan p = PipelinePlan.quick().withFlow(FlowArchitecture.defaults().withTransformer(FlowArchitecture.REALNVP)).withSeed(7);
        assertEquals(7, p.seed());
        assertEquals(7, p.flow().seed());
        assertEquals(7, p.training().seed());
        assertEquals(FlowArchitecture.REALNVP, p.flow().transformer());
        assertEquals(Runtime.getRuntime().availableProcessors(), p.resolvedThreads());
        assertEquals(3, p.withThreads(3).resolvedThreads());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        PipelinePlan p = PipelinePlan.quick();
        assertMessage("--md-ps must be >= 10, got 5", () -> p.withMdPs(5));
        assertMessage("--train-replicas must be >= 1, got 0", () -> p.withTrainReplicas(0));
        assertMessage("--samples must be >= 100, got 99", () -> p.withSamples(99));
        assertMessage("--threads must be >= 0, got -1", () -> p.withThreads(-1));
        assertMessage("--steps must be >= 1, got 0", () -> p.training().withSteps(0));
        assertMessage("--by must be example, energy, mixed or fab, got fast", () -> p.training().withBy("fast"));
        assertMessage("--transformer must be spline or realnvp, got glow", () -> p.flow().withTransformer("glow"));
        assertMessage("the pipeline's flow works in internal coordinates, got cartesian", () -> p.withFlow(p.flow().withCoordinates("cartesian")));
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable make) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, make).getMessage());
    }
}
