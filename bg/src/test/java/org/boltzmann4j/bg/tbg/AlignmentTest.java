package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Kabsch rotation and permutation within groups: known rotations and shuffles are undone exactly, reflections never used. */
class AlignmentTest {

    /** A uniformly random rotation (row-major 3x3) from a random unit quaternion. */
    static double[] randomRotation(SplittableRandom random) {
        double[] q = new double[4];
        double norm = 0;
        for (int i = 0; i < 4; i++) {
            q[i] = gaussian(random);
            norm += q[i] * q[i];
        }
        norm = Math.sqrt(norm);
        double w = q[0] / norm, x = q[1] / norm, y = q[2] / norm, z = q[3] / norm;
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
    }

    static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    static double[] apply(double[] r, double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i += 3) {
            for (int a = 0; a < 3; a++) out[i + a] = r[3 * a] * x[i] + r[3 * a + 1] * x[i + 1] + r[3 * a + 2] * x[i + 2];
        }
        return out;
    }

    static double[] centred(double[] x) {
        double[] m = new double[3];
        for (int i = 0; i < x.length; i++) m[i % 3] += x[i] / (x.length / 3);
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) out[i] -= m[i % 3];
        return out;
    }

    static double determinant(double[] r) {
        return r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
    }

    static double maxAbsDifference(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double squaredDistance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }

    @Test
    void aRandomRotationAndTranslationIsUndoneTo1e10() {
        BuiltPeptide p = TestPeptides.build("ACE-LEU-NME", 1);
        double[] x = p.positionsNm();
        int n = x.length;
        SplittableRandom random = new SplittableRandom(7);
        int rows = 8;
        double[] data = new double[rows * n];
        double[] prior = new double[rows * n];
        double[][] expected = new double[rows][];
        for (int b = 0; b < rows; b++) {
            expected[b] = apply(randomRotation(random), centred(x));
            System.arraycopy(expected[b], 0, prior, b * n, n);
            for (int i = 0; i < n; i++) data[b * n + i] = x[i] + (i % 3 + 1) * 0.7;   // translated, not mean-free
        }
        Alignment alignment = new Alignment(p.topology().atomCount(), new int[0][]);
        INDArray out = alignment.align(Batches.matrix(data, rows, n, DataType.DOUBLE), Batches.matrix(prior, rows, n, DataType.DOUBLE));
        for (int b = 0; b < rows; b++) {
            double err = maxAbsDifference(expected[b], Batches.toDoubles(out.getRow(b)));
            assertTrue(err < 1e-10, "row " + b + ": " + err + " nm");
        }
    }

    @Test
    void aMirroredPartnerGetsAProperRotationNotTheReflection() {
        BuiltPeptide p = TestPeptides.build("ACE-LEU-NME", 2);
        Topology t = p.topology();
        double[] x = centred(p.positionsNm());
        double[] mirror = apply(randomRotation(new SplittableRandom(3)), ChiralityTest.negated(x));
        double[] r = Alignment.rotation(x, mirror);
        assertEquals(1, determinant(r), 1e-12);
        double[] rrT = new double[9];
        for (int a = 0; a < 3; a++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 3; k++) rrT[3 * a + c] += r[3 * a + k] * r[3 * c + k];
            }
        }
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, rrT, 1e-12);
        double[] aligned = new Alignment(t.atomCount(), new int[0][]).alignRow(x, mirror);
        // a rotation keeps the hand: the aligned row is still L, and so cannot reach the mirror image
        Chirality chirality = Chirality.of(t, x);
        assertArrayEquals(new boolean[] {true, false}, chirality.correct(ChiralityTest.rows(aligned, mirror)));
        assertTrue(squaredDistance(aligned, mirror) > 1e-2, "distance^2 " + squaredDistance(aligned, mirror));
    }

    @Test
    void thePermutationStepUndoesAShuffleOfEquivalentAtoms() {
        BuiltPeptide p = TestPeptides.build("ACE-LEU-NME", 3);
        Topology t = p.topology();
        int[][] groups = AtomVocabulary.covering(List.of(t)).equivalentGroups(t);
        assertTrue(groups.length >= 4, "ACE and NME methyls, LEU's HB and two methyls");
        double[] x = centred(p.positionsNm());
        SplittableRandom random = new SplittableRandom(11);
        // every group cycled by one place: no atom of a group stays where it was
        double[] shuffled = x.clone();
        for (int[] g : groups) {
            for (int k = 0; k < g.length; k++) System.arraycopy(x, 3 * g[k], shuffled, 3 * g[(k + 1) % g.length], 3);
        }
        double[] prior = apply(randomRotation(random), shuffled);
        double[] aligned = new Alignment(t.atomCount(), groups).alignRow(x, prior);
        assertTrue(maxAbsDifference(aligned, prior) < 1e-10, maxAbsDifference(aligned, prior) + " nm");
        double[] rotationOnly = new Alignment(t.atomCount(), new int[0][]).alignRow(x, prior);
        assertTrue(maxAbsDifference(rotationOnly, prior) > 0.1, "without groups the shuffle stays");
    }

    @Test
    void againstNoiseTheAlignmentIsNoWorseThanNearbyRotationsOrOtherPermutations() {
        BuiltPeptide p = TestPeptides.build("VA", 4);
        Topology t = p.topology();
        int[][] groups = AtomVocabulary.covering(List.of(t)).equivalentGroups(t);
        double[] x = centred(p.positionsNm());
        SplittableRandom random = new SplittableRandom(5);
        double[] prior = new double[x.length];
        for (int i = 0; i < x.length; i++) prior[i] = 0.3 * gaussian(random);
        prior = centred(prior);
        double[] aligned = new Alignment(t.atomCount(), groups).alignRow(x, prior);
        double best = squaredDistance(aligned, prior);
        for (int trial = 0; trial < 200; trial++) {
            // a small random rotation of the aligned row, and a random swap inside one group
            double angle = 0.05 * random.nextDouble();
            double[] axis = {gaussian(random), gaussian(random), gaussian(random)};
            double norm = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
            double s = Math.sin(angle / 2) / norm;
            double w = Math.cos(angle / 2), qx = axis[0] * s, qy = axis[1] * s, qz = axis[2] * s;
            double[] r = {
                1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * w), 2 * (qx * qz + qy * w),
                2 * (qx * qy + qz * w), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * w),
                2 * (qx * qz - qy * w), 2 * (qy * qz + qx * w), 1 - 2 * (qx * qx + qy * qy)};
            double[] moved = apply(r, aligned);
            assertTrue(squaredDistance(moved, prior) >= best - 1e-12, "a nearby rotation is closer");
            int[] g = groups[random.nextInt(groups.length)];
            int i = g[random.nextInt(g.length)];
            int j = g[random.nextInt(g.length)];
            double[] swapped = aligned.clone();
            System.arraycopy(aligned, 3 * i, swapped, 3 * j, 3);
            System.arraycopy(aligned, 3 * j, swapped, 3 * i, 3);
            assertTrue(squaredDistance(swapped, prior) >= best - 1e-12, "a swap inside a group is closer");
        }
        double[] rotationOnly = new Alignment(t.atomCount(), new int[0][]).alignRow(x, prior);
        assertTrue(best <= squaredDistance(rotationOnly, prior) + 1e-12);
    }

    @Test
    void badGroupsAndShapesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Alignment(3, new int[][] {{0}}));
        assertThrows(IllegalArgumentException.class, () -> new Alignment(3, new int[][] {{0, 3}}));
        assertThrows(IllegalArgumentException.class, () -> new Alignment(3, new int[][] {{0, 1}, {1, 2}}));
        Alignment a = new Alignment(2, new int[0][]);
        assertThrows(IllegalArgumentException.class,
                () -> a.align(Batches.matrix(new double[6], 1, 6, DataType.DOUBLE), Batches.matrix(new double[12], 2, 6, DataType.DOUBLE)));
        assertThrows(IllegalArgumentException.class,
                () -> a.align(Batches.matrix(new double[6], 1, 6, DataType.FLOAT), Batches.matrix(new double[6], 1, 6, DataType.FLOAT)));
        assertThrows(IllegalArgumentException.class,
                () -> a.alignRow(new double[] {0, 0, 0, Double.NaN, 0, 0}, new double[6]));
    }
}
