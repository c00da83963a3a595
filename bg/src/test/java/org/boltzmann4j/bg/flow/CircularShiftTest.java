package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The one angle wrap the flows and AIS share. */
class CircularShiftTest {

    @Test
    void wrapsIntoTheHalfOpenCircle() {
        assertEquals(-Math.PI + 0.1, CircularShift.wrap(Math.PI + 0.1), 1e-12);
        assertEquals(0.5, CircularShift.wrap(0.5 + 4 * Math.PI), 1e-12);
        assertEquals(-Math.PI, CircularShift.wrap(Math.PI), 0.0);
        assertEquals(Math.PI - 0.2, CircularShift.wrap(-Math.PI - 0.2), 1e-12);
        assertEquals(-Math.PI, CircularShift.wrap(-Math.PI), 0.0);
        assertEquals(1.25, CircularShift.wrap(1.25), 0.0);
    }
}
