package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.energy.RegularizedEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.RunCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainerCheckpointTest {

    private static final int N = 6;
    private static final INDArray DATA = DoubleWellReference.noe2019().sample(600, 4);

    @TempDir
    Path dir;

    private static BoltzmannGenerator model(long initSeed) {
        Flow flow = TestFlows.splines2d(2, 8, 4.0, initSeed);
        return new BoltzmannGenerator(Distribution.standardNormal(2), flow,
                RegularizedEnergy.of(DoubleWell2D.noe2019(), 1e3), 1.0);
    }

    /**
     * All three loss terms (the energy terms ramped in, so both random streams are used from
     * step 3 on), a decaying learning rate, clipping that is active (norm 1) and Adam with weight
     * decay, so every part of the state matters.
     */
    private TrainingConfig config(Path checkpoint, int interval) {
        return TrainingConfig.defaults().withSteps(2 * N).withBatchSize(32)
                .withLearningRate(Schedule.cosine(1e-2, 2, 2 * N, 1e-4)).withClipNorm(1.0)
                .withWeights(Schedule.constant(1), Schedule.ramp(2, 5, 0, 0.5), Schedule.ramp(3, 6, 0, 0.2))
                .withHeldOutFraction(0.2).withEvaluationInterval(4).withEssSamples(64).withSeed(17)
                .withAdam(Adam.Settings.defaults().withWeightDecay(1e-3)).withCheckpoint(checkpoint, interval);
    }

    @Test
    void resumingIsBitIdenticalToAnUninterruptedRun() throws IOException {
        BoltzmannGenerator straight = model(5);
        List<Trainer.Progress> reports = new ArrayList<>();
        new Trainer(straight, DATA, config(null, 0)).addListener(reports::add).run();
        assertEquals(List.of(4L, 8L, 12L), reports.stream().map(Trainer.Progress::step).toList());

        Path file = dir.resolve("run/checkpoint");
        Trainer first = new Trainer(model(5), DATA, config(file, N));
        first.runUntil(N);
        assertTrue(TrainingCheckpoint.exists(file));
        TrainingCheckpoint saved = TrainingCheckpoint.read(file);
        assertEquals(N, saved.step());
        assertEquals(N, saved.adamSteps());
        assertEquals(config(file, N), saved.config());
        assertEquals(saved.config(), TrainingCheckpoint.readConfig(file)); // the manifest alone gives the same run settings
        assertArrayEquals(first.minibatches().heldOutRows(), saved.heldOutRows());

        // a freshly built model with other initial values: everything must come from the file
        BoltzmannGenerator fresh = model(99);
        assertFalse(Arrays.equals(TestFlows.values(straight.flow()), TestFlows.values(fresh.flow())));
        Trainer resumed = Trainer.resume(file, fresh, DATA);
        assertEquals(N, resumed.step());
        resumed.run();
        assertEquals(2 * N, resumed.step());
        assertArrayEquals(TestFlows.values(straight.flow()), TestFlows.values(fresh.flow()), 0.0);
        // the checkpoint at the end of the run holds the same final state
        assertEquals(2 * N, TrainingCheckpoint.read(file).step());
    }

    @Test
    void theCheckpointIsARunCheckpointRecordWhoseBodyIsAZipOfNpyArrays() throws IOException {
        Path file = dir.resolve("c");
        Trainer t = new Trainer(model(5), DATA, config(null, 0));
        t.runUntil(2);
        t.writeCheckpoint(file);
        RunCheckpoint.Saved saved = RunCheckpoint.read(dir, "c", "boltzmann4j-training-checkpoint", 2);
        assertEquals(2, saved.header().path("step").asLong());
        assertEquals(2, saved.header().path("adam").path("steps").asLong());
        assertEquals(600, saved.header().path("data").path("rows").asInt());
        List<String> entries = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(saved.body()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) entries.add(e.getName());
        }
        assertTrue(entries.contains("manifest.json"), entries.toString());
        assertTrue(entries.contains("parameters/0.conditioner.layer0.weight.npy"), entries.toString());
        assertTrue(entries.contains("adam/m/1.conditioner.layer2.bias.npy"), entries.toString());
        assertTrue(entries.contains("split/held-out-rows.npy"), entries.toString());
        // the two slots and nothing else (no temporary files)
        try (var files = Files.list(dir)) {
            assertEquals(List.of("c.a", "c.b"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    private Path written() throws IOException {
        Path file = dir.resolve("good");
        Trainer t = new Trainer(model(5), DATA, config(null, 0));
        t.runUntil(2);
        t.writeCheckpoint(file);
        return file;
    }

    private static void assertNamesFile(Path file, IOException e, String problem) {
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void aTornNewestRecordResumesFromThePreviousOne() throws IOException {
        Path file = dir.resolve("two");
        Trainer t = new Trainer(model(5), DATA, config(null, 0));
        t.runUntil(2);
        t.writeCheckpoint(file); // slot a: step 2
        t.runUntil(4);
        t.writeCheckpoint(file); // slot b: step 4
        assertEquals(4, TrainingCheckpoint.read(file).step());
        // a write killed halfway through the newest slot
        Path newest = dir.resolve("two.b");
        byte[] bytes = Files.readAllBytes(newest);
        Files.write(newest, Arrays.copyOf(bytes, bytes.length / 2));
        assertEquals(2, TrainingCheckpoint.read(file).step());
        assertEquals(2, Trainer.resume(file, model(99), DATA).step());
    }

    @Test
    void aTruncatedCheckpointIsAClearError() throws IOException {
        Path good = written();
        Path slot = dir.resolve("good.a");
        byte[] bytes = Files.readAllBytes(slot);
        Files.write(slot, Arrays.copyOf(bytes, bytes.length / 2));
        MolecularFileException e = assertThrows(MolecularFileException.class,
                () -> Trainer.resume(good, model(5), DATA));
        assertNamesFile(good, e, "no intact checkpoint record");
    }

    @Test
    void aCorruptedByteIsAClearError() throws IOException {
        Path good = written();
        Path slot = dir.resolve("good.a");
        byte[] bytes = Files.readAllBytes(slot);
        // a byte inside the values of the first parameter array (past its 128-byte .npy header)
        byte[] name = "parameters/0.conditioner.layer0.weight.npy".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, name) + name.length + 128 + 8;
        bytes[at] ^= 0x10;
        Files.write(slot, bytes);
        MolecularFileException e = assertThrows(MolecularFileException.class,
                () -> Trainer.resume(good, model(5), DATA));
        assertNamesFile(good, e, "corrupt");
    }

    @Test
    void otherProblemsNameTheFileToo() throws IOException {
        Path missing = dir.resolve("missing");
        assertNamesFile(missing, assertThrows(MolecularFileException.class,
                () -> Trainer.resume(missing, model(5), DATA)), "no training checkpoint to resume from");
        Path text = dir.resolve("text");
        Files.writeString(dir.resolve("text.a"), "not a checkpoint");
        assertNamesFile(text, assertThrows(MolecularFileException.class,
                () -> Trainer.resume(text, model(5), DATA)), "no intact checkpoint record");
        // another kind of run's checkpoint (an MD run's) at that path
        Path md = dir.resolve("md");
        try (RunCheckpoint other = RunCheckpoint.open(dir, "md", "boltzmann4j-md-checkpoint", 1, true)) {
            other.write(other.header(), new byte[16], false);
        }
        assertNamesFile(md, assertThrows(MolecularFileException.class,
                () -> Trainer.resume(md, model(5), DATA)), "not a boltzmann4j-training-checkpoint checkpoint");
        Path good = written();
        assertNamesFile(good, assertThrows(MolecularFileException.class,
                () -> Trainer.resume(good, model(5), DATA.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 500),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).dup())), "other data");
        BoltzmannGenerator wider = new BoltzmannGenerator(Distribution.standardNormal(2),
                TestFlows.splines2d(2, 16, 4.0, 1), DoubleWell2D.noe2019(), 1.0);
        assertNamesFile(good, assertThrows(MolecularFileException.class,
                () -> Trainer.resume(good, wider, DATA)), "parameter 0.conditioner.layer0.weight");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("entry name not found");
    }
}
