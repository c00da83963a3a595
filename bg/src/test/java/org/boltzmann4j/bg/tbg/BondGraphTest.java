package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Bonds from distances against the topology: built and real structures match, a stretched bond or a new close pair does not. */
class BondGraphTest {

    @Test
    void builtAndRealStructuresMatchTheirTopology() {
        long seed = 1;
        // CYS and MET for the sulfur rule, PRO and TRP for rings, caps and zwitterions
        for (String s : List.of("CM", "ACE-CYS-MET-NME", "WP", "ACE-ALA-NME", "RY", "HD")) {
            BuiltPeptide p = TestPeptides.build(s, seed++);
            BondGraph g = BondGraph.of(p.topology());
            double[] x = p.positionsNm();
            assertEquals(List.of(), g.differences(x), s);
            assertArrayEquals(new boolean[] {true, true}, g.matches(ChiralityTest.rows(x, ChiralityTest.negated(x))), s);
        }
        for (Pdb.Structure real : List.of(TestPeptides.aldp(), TestPeptides.villin())) {
            BondGraph g = BondGraph.of(real.topology());
            assertEquals(List.of(), g.differences(real.frames().frame(0)));
            assertArrayEquals(new boolean[] {true}, g.matches(ChiralityTest.rows(real.frames().frame(0))));
        }
    }

    @Test
    void aBondStretchedToThreeAngstromOrANewClosePairFails() {
        BuiltPeptide p = TestPeptides.build("ACE-CYS-NME", 2);
        Topology t = p.topology();
        BondGraph g = BondGraph.of(t);
        double[] x = p.positionsNm();
        int sg = ChiralityTest.atom(t, 1, "SG");
        int hg = ChiralityTest.atom(t, 1, "HG");
        // HG moved along its bond to 0.3 nm from SG
        double[] stretched = x.clone();
        double d = ChiralityTest.distance(x, sg, hg);
        for (int a = 0; a < 3; a++) stretched[3 * hg + a] = x[3 * sg + a] + (x[3 * hg + a] - x[3 * sg + a]) * 0.3 / d;
        assertEquals(0.3, ChiralityTest.distance(stretched, sg, hg), 1e-12);
        assertEquals(List.of("missing CYS2:SG-CYS2:HG 0.300 nm"), g.differences(stretched));
        // the sulfur rule alone would still call an S-H pair at 0.2 nm bonded; the hydrogen rule does not
        double[] sulfurRange = x.clone();
        for (int a = 0; a < 3; a++) sulfurRange[3 * hg + a] = x[3 * sg + a] + (x[3 * hg + a] - x[3 * sg + a]) * 0.2 / d;
        // the ACE methyl carbon moved onto the NME methyl carbon's neighbourhood: an extra bond
        double[] close = x.clone();
        int aceC = ChiralityTest.atom(t, 0, "CH3");
        int nmeC = ChiralityTest.atom(t, 2, "CH3");
        for (int a = 0; a < 3; a++) close[3 * aceC + a] = x[3 * nmeC + a] + (a == 0 ? 0.17 : 0);
        assertTrue(g.differences(close).contains(String.format(java.util.Locale.ROOT, "extra ACE1:CH3-NME3:CH3 %.3f nm", 0.17)),
                g.differences(close).toString());
        assertArrayEquals(new boolean[] {true, false, false, false},
                g.matches(ChiralityTest.rows(x, stretched, sulfurRange, close)));
        assertArrayEquals(new boolean[] {true, false}, g.matches(ChiralityTest.rows(x, stretched).castTo(DataType.FLOAT)));
    }

    @Test
    void atomsWithoutElementsAndWrongShapesAreRefused() {
        BuiltPeptide p = TestPeptides.build("AG", 3);
        List<Topology.Atom> atoms = new java.util.ArrayList<>(p.topology().atoms());
        Topology.Atom a = atoms.get(4);
        atoms.set(4, new Topology.Atom(a.serial(), a.name(), "", a.residueName(), a.residueNumber()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BondGraph.of(new Topology(atoms, p.topology().bonds())));
        assertTrue(e.getMessage().contains("atom 4 (" + a.name() + ")"), e.getMessage());
        BondGraph g = BondGraph.of(p.topology());
        assertThrows(IllegalArgumentException.class, () -> g.matches(Batches.matrix(new double[3], 1, 3, DataType.DOUBLE)));
    }
}
