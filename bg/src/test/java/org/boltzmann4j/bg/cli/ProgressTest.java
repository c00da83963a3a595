package org.boltzmann4j.bg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A resumed run's rate counts only its own work: the steps it resumed at are done, but not done at its speed. */
class ProgressTest {

    @Test
    void aResumedRunsRateStartsAtItsResumePoint() {
        try (Progress p = new Progress("test", 4000, "steps")) {
            p.resumedAt(1500);
            assertEquals(1500, p.done());
            assertEquals(0.0, p.rate(1500, System.nanoTime()), "nothing done in this run yet: no speed, however many steps came before");
            assertTrue(p.rate(1600, System.nanoTime()) > 0);
        }
        try (Progress fresh = new Progress("test", 4000, "steps")) {
            assertTrue(fresh.rate(10, System.nanoTime()) > 0, "a fresh run counts from 0");
        }
    }

    @Test
    void theResumePointComesFirst() {
        try (Progress p = new Progress("test", 10, "steps")) {
            p.stepTo(3);
            assertThrows(IllegalStateException.class, () -> p.resumedAt(2));
        }
    }
}
