package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.peptide.PeptideGeometry;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Stereocentres of built and real peptides: the right hand passes, the mirror image fails and is mirrored back. */
class ChiralityTest {

    static INDArray rows(double[]... rows) {
        double[] all = new double[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, all, r * rows[0].length, rows[0].length);
        return Batches.matrix(all, rows.length, rows[0].length, DataType.DOUBLE);
    }

    static double[] negated(double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = -x[i];
        return out;
    }

    static int atom(Topology t, int residue, String name) {
        Topology.Residue r = t.residues().get(residue);
        for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
            if (t.atoms().get(i).name().equals(name)) return i;
        }
        throw new IllegalArgumentException(name);
    }

    static double distance(double[] x, int i, int j) {
        double dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    @Test
    void aBuiltPeptidePassesItsMirrorImageFailsAndIsMirroredBack() {
        // reference and samples from different seeds: other torsions, the same hands
        BuiltPeptide reference = TestPeptides.build("ACE-THR-ILE-NME", 1);
        Topology t = reference.topology();
        Chirality c = Chirality.of(t, reference.positionsNm());
        assertEquals(4, c.centres());
        assertEquals(List.of("THR 2 CA", "THR 2 CB", "ILE 3 CA", "ILE 3 CB"), c.centreNames());
        double[] other = TestPeptides.build("ACE-THR-ILE-NME", 2).positionsNm();
        assertTrue(PeptideGeometry.caSignedVolumes(t, other).stream().allMatch(v -> v > 0), "the builder makes L residues");
        double[] mirror = negated(other);
        INDArray x = rows(other, mirror, reference.positionsNm());
        assertArrayEquals(new boolean[] {true, false, true}, c.correct(x));
        assertArrayEquals(new int[] {4, 0, 4}, c.correctCentres(x));

        assertArrayEquals(new boolean[] {false, true, false}, c.fix(x));
        assertArrayEquals(new boolean[] {true, true, true}, c.correct(x));
        assertArrayEquals(other, Batches.toDoubles(x.getRow(1)));
        assertArrayEquals(other, Batches.toDoubles(x.getRow(0)));

        // x -> -x keeps every bond length, so it keeps the energy
        for (int[] b : t.bonds()) assertEquals(distance(other, b[0], b[1]), distance(mirror, b[0], b[1]), 0.0);
    }

    @Test
    void oneInvertedCentreIsNoMirrorImageAndIsLeftAlone() {
        BuiltPeptide p = TestPeptides.build("TA", 3);
        Topology t = p.topology();
        Chirality c = Chirality.of(t, p.positionsNm());
        assertEquals(3, c.centres());
        double[] x = p.positionsNm();
        // swapping ALA's CB and HA inverts its CA and nothing else
        int cb = atom(t, 1, "CB");
        int ha = atom(t, 1, "HA");
        for (int a = 0; a < 3; a++) {
            double s = x[3 * cb + a];
            x[3 * cb + a] = x[3 * ha + a];
            x[3 * ha + a] = s;
        }
        INDArray rows = rows(x, negated(x));
        assertArrayEquals(new int[] {2, 1}, c.correctCentres(rows));
        assertArrayEquals(new boolean[] {false, false}, c.fix(rows));
        assertArrayEquals(x, Batches.toDoubles(rows.getRow(0)));
        assertArrayEquals(new boolean[] {false, false}, c.correct(rows));
    }

    @Test
    void glycineHasNoCentre() {
        BuiltPeptide gg = TestPeptides.build("GG", 4);
        Chirality c = Chirality.of(gg.topology(), gg.positionsNm());
        assertEquals(0, c.centres());
        INDArray x = rows(negated(gg.positionsNm()));
        assertArrayEquals(new boolean[] {true}, c.correct(x));
        assertArrayEquals(new boolean[] {false}, c.fix(x));
        BuiltPeptide ga = TestPeptides.build("GA", 4);
        assertEquals(List.of("ALA 2 CA"), Chirality.of(ga.topology(), ga.positionsNm()).centreNames());
    }

    @Test
    void realStructuresAndFloat32Samples() {
        Pdb.Structure aldp = TestPeptides.aldp();
        double[] xyz = aldp.frames().frame(0);
        Chirality c = Chirality.of(aldp.topology(), xyz);
        assertEquals(List.of("ALA 2 CA"), c.centreNames());
        INDArray f32 = rows(xyz, negated(xyz)).castTo(DataType.FLOAT);
        assertArrayEquals(new boolean[] {true, false}, c.correct(f32));
        assertArrayEquals(new boolean[] {false, true}, c.fix(f32));
        assertArrayEquals(new boolean[] {true, true}, c.correct(f32));

        Pdb.Structure villin = TestPeptides.villin();
        double[] v = villin.frames().frame(0);
        Chirality cv = Chirality.of(villin.topology(), v);
        // one centre per CA with a CB (as PeptideGeometry finds them), and THR's and ILE's CB
        long beta = villin.topology().residues().stream().filter(r -> r.name().equals("THR") || r.name().equals("ILE")).count();
        assertEquals(PeptideGeometry.caSignedVolumes(villin.topology(), v).size() + beta, cv.centres());
        assertTrue(beta > 0);
        assertArrayEquals(new boolean[] {true, false}, cv.correct(rows(v, negated(v))));
    }

    @Test
    void badInputIsRefused() {
        BuiltPeptide p = TestPeptides.build("AV", 5);
        assertThrows(IllegalArgumentException.class, () -> Chirality.of(p.topology(), new double[3]));
        Topology noBonds = new Topology(p.topology().atoms());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Chirality.of(noBonds, p.positionsNm()));
        assertTrue(e.getMessage().contains("ALA 1 CA"), e.getMessage());
        Chirality c = Chirality.of(p.topology(), p.positionsNm());
        assertThrows(IllegalArgumentException.class, () -> c.correct(Batches.matrix(new double[6], 2, 3, DataType.DOUBLE)));
    }
}
