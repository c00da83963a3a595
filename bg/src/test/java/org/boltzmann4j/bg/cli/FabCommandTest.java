package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.training.TrainingCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bg train --by fab and bg sample --ais through the command line, on a tiny flow of vacuum alanine dipeptide. */
class FabCommandTest {
    @TempDir
    Path dir;


    @Test
    void trainsByFabAndSamplesWithAis() throws Exception {
        Path model = dir.resolve("model");
        CliRun train = bg("train", "--system", "aldp-vacuum", "--by", "fab", "--preset", "quick", "--couplings", "2", "--hidden", "16",
                "--steps", "4", "--batch", "16", "--ais-steps", "2", "--hmc-steps", "2", "--buffer-batches", "4", "--buffer-min-batches", "2",
                "--steps-per-ais", "2", "--threads", "1", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
        JsonNode training = new ObjectMapper().readTree(model.resolve("model.json").toFile()).path("training");
        assertEquals("fab", training.path("by").asText());
        assertEquals(2, training.path("fab").path("ais_intermediate_distributions").asInt());
        // 2 AIS batches to fill the buffer at step 0, one more at step 2; each 16 (1 + 2 x 2) evaluations, plus the ESS samples
        assertTrue(training.path("energy_evaluations").asLong() >= 3 * 16 * 5, training.toString());
        TrainingCheckpoint saved = TrainingCheckpoint.read(model.resolve("checkpoint"));
        assertEquals("fab", saved.lossState().path("kind").asText());
        assertEquals(48, saved.lossArrays().get("buffer_log_w").length());
        // the model's parameter file holds the checkpoint's parameters, bit for bit, and nothing of the training state
        var published = org.boltzmann4j.bg.flow.ParameterArchive.read(model.resolve("parameters.zip"));
        assertEquals(saved.parameters().keySet(), published.keySet());
        for (var e : saved.parameters().entrySet())
            org.junit.jupiter.api.Assertions.assertArrayEquals(org.boltzmann4j.bg.tensor.Batches.toDoubles(e.getValue()),
                    org.boltzmann4j.bg.tensor.Batches.toDoubles(published.get(e.getKey())), 0.0, e.getKey());
        try (var zip = new java.util.zip.ZipFile(model.resolve("parameters.zip").toFile())) {
            assertTrue(zip.stream().noneMatch(en -> en.getName().startsWith("adam/") || en.getName().startsWith("loss/")),
                    "parameters.zip holds no optimizer or loss state");
        }

        Path samples = dir.resolve("samples");
        CliRun sample = bg("sample", "--model", model.toString(), "--n", "20", "--ais", "2", "--hmc-steps", "2", "--threads", "1", "--out",
                samples.toString());
        assertEquals(0, sample.code(), sample.err());
        assertEquals(20, Npy.read(samples.resolve("log_w_ais.npy")).dim(0));
        assertEquals(20, Npy.read(samples.resolve("ais_energies.npy")).dim(0));
        assertEquals(20, Dcd.read(samples.resolve("ais_samples.dcd")).frames().frames());
        assertTrue(Files.exists(samples.resolve("log_w.npy")));
    }

    @Test
    void badFabOptionsAreUsageErrors() {
        CliRun r = bg("train", "--system", "aldp-vacuum", "--by", "fab", "--hmc-steps", "0", "--out", dir.resolve("m").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--hmc-steps must be >= 1, got 0"), r.err());
        r = bg("train", "--system", "aldp-vacuum", "--by", "fab", "--buffer-batches", "4", "--buffer-min-batches", "9", "--out",
                dir.resolve("m").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--buffer-min-batches"), r.err());
        assertTrue(!Files.exists(dir.resolve("m").resolve("parameters.zip")));
    }
}
