package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {
    @Test
    void concatenationKeepsOrderAndChecksAtoms() {
        Frames a = new Frames(2, 1, new double[] {1, 2, 3, 4, 5, 6});
        Frames b = new Frames(1, 1, new double[] {7, 8, 9});
        Frames ab = Frames.concat(List.of(a, b));
        assertEquals(3, ab.frames());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, ab.xyz());
        assertArrayEquals(new double[] {7, 8, 9}, ab.frame(2));
        assertThrows(IllegalArgumentException.class, () -> Frames.concat(List.of(a, new Frames(1, 2, new double[6]))));
        assertThrows(IllegalArgumentException.class, () -> Frames.concat(List.of()));
    }
}
