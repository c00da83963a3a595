package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {

    private static final List<Topology.Atom> WATER_AND_ION = List.of(
            new Topology.Atom(1, "O", "O", "HOH", 1, "A", ""),
            new Topology.Atom(2, "H1", "H", "HOH", 1, "A", ""),
            new Topology.Atom(3, "H2", "H", "HOH", 1, "A", ""),
            new Topology.Atom(4, "NA", "Na", "NA", 2, "A", ""));

    @Test
    void bondsAreNormalizedAndCopied() {
        int[][] bonds = {{2, 0}, {0, 1}, {1, 0}};
        Topology t = new Topology(WATER_AND_ION, bonds);
        assertArrayEquals(new int[][] {{0, 1}, {0, 2}}, t.bonds());
        bonds[0][0] = 3;
        t.bonds()[0][0] = 3;
        assertArrayEquals(new int[][] {{0, 1}, {0, 2}}, t.bonds());
        assertEquals(t, new Topology(WATER_AND_ION, new int[][] {{0, 2}, {1, 0}}));
        assertEquals(t.hashCode(), new Topology(WATER_AND_ION, new int[][] {{0, 2}, {1, 0}}).hashCode());
    }

    @Test
    void residuesAreRunsOfAtoms() {
        List<Topology.Residue> residues = new Topology(WATER_AND_ION).residues();
        assertEquals(List.of(new Topology.Residue(0, "HOH", 1, "A", "", 0, 3),
                new Topology.Residue(1, "NA", 2, "A", "", 3, 1)), residues);
    }

    @Test
    void badBondsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Topology(WATER_AND_ION, new int[][] {{0, 4}}));
        assertThrows(IllegalArgumentException.class, () -> new Topology(WATER_AND_ION, new int[][] {{1, 1}}));
        assertThrows(IllegalArgumentException.class, () -> new Topology(WATER_AND_ION, new int[][] {{0, 1, 2}}));
    }
}
