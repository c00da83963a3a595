package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class UnitCellTest {

    @Test
    void rectangularBoxHasExactAxisVectors() {
        assertArrayEquals(new double[] {2, 0, 0, 0, 3, 0, 0, 0, 4}, UnitCell.rectangular(2, 3, 4).vectors());
    }

    @Test
    void vectorsAndLengthsAnglesAreInverse() {
        UnitCell cell = new UnitCell(2.5, 2.7, 3.1, 75, 85, 105);
        UnitCell back = UnitCell.fromVectors(cell.vectors());
        assertEquals(cell.a(), back.a(), 1e-12);
        assertEquals(cell.b(), back.b(), 1e-12);
        assertEquals(cell.c(), back.c(), 1e-12);
        assertEquals(cell.alpha(), back.alpha(), 1e-9);
        assertEquals(cell.beta(), back.beta(), 1e-9);
        assertEquals(cell.gamma(), back.gamma(), 1e-9);
        double[] v = cell.vectors();
        assertEquals(0, v[1]);
        assertEquals(0, v[2]);
        assertEquals(0, v[5]);
    }

    @Test
    void rejectsImpossibleCells() {
        assertThrows(IllegalArgumentException.class, () -> UnitCell.rectangular(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new UnitCell(1, 1, 1, 180, 90, 90));
    }
}
