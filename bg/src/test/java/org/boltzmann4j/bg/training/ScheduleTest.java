package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void values() {
        assertEquals(0.3, Schedule.constant(0.3).at(12345), 0);
        Schedule warm = Schedule.linearWarmup(1.0, 4);
        assertEquals(0.2, warm.at(0), 1e-15);
        assertEquals(0.8, warm.at(3), 1e-15);
        assertEquals(1.0, warm.at(4), 0);
        assertEquals(1.0, warm.at(100), 0);
        Schedule cos = Schedule.cosine(1.0, 0, 100, 0.1);
        assertEquals(1.0, cos.at(0), 1e-15);
        assertEquals(0.55, cos.at(50), 1e-15);
        assertEquals(0.1, cos.at(100), 0);
        assertEquals(0.1, cos.at(1000), 0);
        Schedule decay = Schedule.stepDecay(1.0, 0.5, 10);
        assertEquals(1.0, decay.at(9), 0);
        assertEquals(0.5, decay.at(10), 0);
        assertEquals(0.25, decay.at(25), 0);
        Schedule ramp = Schedule.ramp(100, 200, 0, 0.5);
        assertEquals(0, ramp.at(50), 0);
        assertEquals(0, ramp.at(100), 0);
        assertEquals(0.25, ramp.at(150), 1e-15);
        assertEquals(0.5, ramp.at(500), 0);
    }

    @Test
    void jsonRoundTrip() {
        for (Schedule s : List.of(Schedule.constant(1e-3), Schedule.linearWarmup(2, 7), Schedule.cosine(1, 5, 50, 0),
                Schedule.stepDecay(0.1, 0.3, 1000), Schedule.ramp(3, 9, 0, 1))) {
            assertEquals(s, Schedule.fromJson(s.toJson()));
        }
        assertThrows(IllegalArgumentException.class,
                () -> Schedule.fromJson(Schedule.constant(1).toJson().put("type", "sawtooth")));
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(1, 10, 10, 0));
    }
}
