package org.boltzmann4j.bg.tbg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.dataset.Dataset;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reading a bg dataset folder (split, finished peptides, refusals) and one molecule; frames centred; checkpoint arrays exact. */
class TrainingDataTest {
    @TempDir static Path dir;
    static Path data;

    @BeforeAll
    static void makeDataset() throws Exception {
        data = dir.resolve("ds");
        TbgTestData.dataset(data, List.of("GA", "AG", "SG"), List.of("GA", "SG"), 7);
    }

    @Test
    void withoutSplitTakesEveryFinishedPeptideInDatasetOrder() throws Exception {
        TrainingData t = TrainingData.fromDataset(data, null, 0);
        assertEquals(List.of("GA", "SG"), t.sequences());
        assertEquals(14, t.frames());
        assertEquals(310, t.system().temperatureK());
        assertEquals("amber14-all", t.system().forcefield());
        assertEquals("gbsa-obc2", t.system().solvent());
    }

    @Test
    void framesAreCentredAndMatchTheTrajectory() throws Exception {
        TrainingMolecule m = TrainingData.fromDataset(data, null, 0).molecules().getFirst();
        Frames raw = Coordinates.load(data.resolve("GA").resolve("trajectory.dcd"));
        int n = m.atoms();
        assertEquals(Pdb.read(data.resolve("GA").resolve("structure.pdb")).topology(), m.topology());
        for (int f = 0; f < m.frames(); f++) {
            for (int k = 0; k < 3; k++) {
                double mean = 0, rawMean = 0;
                for (int a = 0; a < n; a++) {
                    mean += m.meanFreeRows()[f * 3 * n + 3 * a + k];
                    rawMean += raw.get(f, a, k);
                }
                assertEquals(0, mean / n, 1e-6);
                rawMean /= n;
                for (int a = 0; a < n; a++) assertEquals(raw.get(f, a, k) - rawMean, m.meanFreeRows()[f * 3 * n + 3 * a + k], 1e-6);
            }
        }
        double[] row = new double[3 * n];
        m.copyFrame(2, 0.5, row, 0);
        assertEquals(2 * m.meanFreeRows()[6 * n], row[0], 1e-12);
    }

    @Test
    void splitGivesItsTrainListAndRefusesUnfinished() throws Exception {
        Dataset ds = Dataset.read(data);
        Path split = ds.writeSplit(ds.split(List.of("GA"), List.of()), "test");
        assertEquals(List.of("AG", "SG"), TrainingData.trainOf(split));
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingData.fromDataset(data, null, 0));
        assertTrue(e.getMessage().contains("AG") && e.getMessage().contains("DONE.json"), e.getMessage());
        Files.delete(split);
        Path other = dir.resolve("split-sg.json");
        Files.writeString(other, "{\"train\": [\"SG\"]}");
        assertEquals(List.of("SG"), TrainingData.fromDataset(data, other, 0).sequences());
        Files.writeString(other, "{\"test\": [\"SG\"]}");
        assertThrows(MolecularFileException.class, () -> TrainingData.fromDataset(data, other, 0));
    }

    @Test
    void sequencesCompareInAnyNotation() {
        assertTrue(TargetPeptide.sameSequence("GA", "gly-ala"));
        assertTrue(TargetPeptide.sameSequence("KS", "KS"));
        assertTrue(!TargetPeptide.sameSequence("GA", "AG"));
        assertTrue(!TargetPeptide.sameSequence("GA", "ACE-GLY-ALA-NME"), "caps make another peptide");
        assertTrue(TargetPeptide.sameSequence("structure", "structure"));
    }

    @Test
    void strideKeepsEvenlySpacedFrames() {
        Frames f = new Frames(10, 1, new double[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9});
        Frames s = TrainingData.stride(f, 4);
        assertEquals(4, s.frames());
        assertEquals(List.of(0.0, 2.0, 5.0, 7.0), List.of(s.get(0, 0, 0), s.get(1, 0, 0), s.get(2, 0, 0), s.get(3, 0, 0)));
        assertEquals(f, TrainingData.stride(f, 0));
        assertEquals(f, TrainingData.stride(f, 20));
    }

    @Test
    void singleMoleculeAndItsRefusals() throws Exception {
        Path pdb = data.resolve("GA").resolve("structure.pdb"), dcd = data.resolve("SG").resolve("trajectory.dcd");
        var e = assertThrows(MolecularFileException.class, () -> TrainingData.single(pdb, dcd, 0, PeptideSystemSettings.defaults()));
        assertTrue(e.getMessage().contains("atoms per frame"), e.getMessage());
        TrainingData one = TrainingData.single(pdb, data.resolve("GA").resolve("trajectory.dcd"), 3, PeptideSystemSettings.defaults().withTemperatureK(300));
        assertEquals(List.of("structure"), one.sequences());
        assertEquals(3, one.frames());
        // rms of centred coordinates is the root of their mean square
        double s = 0;
        for (float v : one.molecules().getFirst().meanFreeRows()) s += (double) v * v;
        assertEquals(Math.sqrt(s / one.molecules().getFirst().meanFreeRows().length), one.rmsNm(), 1e-12);
    }

    @Test
    void checkpointArraysRoundTripBitForBit() throws Exception {
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        arrays.put("a", Nd4j.createFromArray(new double[][] {{-0.0, Double.MIN_VALUE}, {Math.PI, -1e300}}));
        arrays.put("b", Batches.vector(new double[] {Double.longBitsToDouble(0x7ff8000000000123L)}));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            FlowMatchingTrainer.writeArrays(out, arrays);
        }
        Map<String, INDArray> back = FlowMatchingTrainer.readArrays(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(arrays.keySet(), back.keySet());
        for (String k : arrays.keySet()) {
            double[] want = Batches.toDoubles(arrays.get(k)), got = Batches.toDoubles(back.get(k));
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++) assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]));
        }
    }
}
