package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bg train --init: a run that starts from another model's flow and parameters (fine-tuning), and the options it refuses. */
class TrainInitCommandTest {
    @TempDir
    static Path dir;
    static Path data, first;

    /** A tiny flow trained by example on the bundled implicit-solvent MD frames (the same atoms as vacuum alanine dipeptide). */
    @BeforeAll
    static void firstModel() throws Exception {
        data = dir.resolve("md.dcd");
        try (InputStream in = TrainInitCommandTest.class.getResourceAsStream("/org/boltzmann4j/bg/systems/aldp-implicit-md.dcd")) {
            Files.copy(in, data);
        }
        first = dir.resolve("first");
        CliRun r = bg("train", "--system", "aldp-implicit", "--by", "example", "--data", data.toString(), "--preset", "quick", "--couplings", "2",
                "--hidden", "16", "--steps", "20", "--batch", "32", "--threads", "1", "--out", first.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void startsFromTheModelsParametersAndRecordsIt() throws Exception {
        Path next = dir.resolve("next");
        // a learning rate so small that the run leaves the parameters where --init put them
        CliRun r = bg("train", "--system", "aldp-vacuum", "--init", first.toString(), "--by", "example", "--data", data.toString(), "--preset", "quick",
                "--steps", "2", "--batch", "32", "--learning-rate", "1e-12", "--threads", "1", "--out", next.toString());
        assertEquals(0, r.code(), r.err());
        MolecularModel a = MolecularModel.load(first), b = MolecularModel.load(next);
        assertEquals(a.architecture(), b.architecture());
        Frames frames = Dcd.read(data).frames();
        double[] qa = a.logQ(frames), qb = b.logQ(frames);
        for (int i = 0; i < qa.length; i++) assertEquals(qa[i], qb[i], 1e-6 * Math.max(1, Math.abs(qa[i])), "frame " + i);
        // the new model is of the system given (vacuum), the record names where it started and how that was trained
        assertFalse(b.systemXml().equals(a.systemXml()), "the --system given, not the --init model's");
        JsonNode training = new ObjectMapper().readTree(next.resolve(MolecularModel.MANIFEST).toFile()).path("training");
        assertEquals(first.toString(), training.path("initialized_from").path("model").asText());
        assertEquals("example", training.path("initialized_from").path("training").path("by").asText());
        assertEquals(20, training.path("initialized_from").path("training").path("steps").asInt());
        assertEquals(2, training.path("steps").asInt());

        // a fresh flow of the same architecture and seed gives other log q: the check above can fail
        Path fresh = dir.resolve("fresh");
        r = bg("train", "--system", "aldp-vacuum", "--by", "example", "--data", data.toString(), "--preset", "quick", "--couplings", "2", "--hidden", "16",
                "--steps", "2", "--batch", "32", "--learning-rate", "1e-12", "--threads", "1", "--out", fresh.toString());
        assertEquals(0, r.code(), r.err());
        double[] qf = MolecularModel.load(fresh).logQ(frames);
        double largest = 0;
        for (int i = 0; i < qa.length; i++) largest = Math.max(largest, Math.abs(qa[i] - qf[i]));
        assertTrue(largest > 1, "a fresh flow differs from the trained one by " + largest + " nats at most");

        // --resume keeps the run's own length (the preset's default steps are not the run's 2)
        r = bg("train", "--system", "aldp-vacuum", "--by", "example", "--data", data.toString(), "--resume", "--threads", "1", "--out", fresh.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2, new ObjectMapper().readTree(fresh.resolve(MolecularModel.MANIFEST).toFile()).path("training").path("steps").asInt());
        r = bg("train", "--system", "aldp-vacuum", "--by", "example", "--data", data.toString(), "--resume", "--steps", "5", "--out", fresh.toString());
        assertEquals(2, r.code());
        assertEquals("bg train: --steps 5 differs from the run in " + fresh + " (2 steps): a resumed run keeps its length", r.err().strip());
    }

    /**
     * A model folder of an earlier version, whose parameters.zip was also its training checkpoint:
     * it still samples, and --resume says in one line why it cannot continue (instead of "no
     * checkpoint").
     */
    @Test
    void anEarlierVersionsCheckpointIsNamedWhenResumed() throws Exception {
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        for (String f : new String[] {MolecularModel.MANIFEST, MolecularModel.SYSTEM, MolecularModel.STRUCTURE}) Files.copy(first.resolve(f), old.resolve(f));
        var parameters = org.boltzmann4j.bg.flow.ParameterArchive.read(first.resolve(MolecularModel.PARAMETERS));
        org.boltzmann4j.bg.flow.ParameterArchive.write(old.resolve(MolecularModel.PARAMETERS), new ObjectMapper().createObjectNode()
                .put("format", "boltzmann4j-training-checkpoint").put("version", 1).put("step", 20), parameters);
        CliRun sample = bg("sample", "--model", old.toString(), "--n", "8", "--threads", "1", "--out", dir.resolve("old-samples").toString());
        assertEquals(0, sample.code(), sample.err());
        CliRun r = bg("train", "--system", "aldp-implicit", "--by", "example", "--data", data.toString(), "--resume", "--threads", "1", "--out", old.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(old.resolve(MolecularModel.PARAMETERS) + ": this run's checkpoint is in the format of an earlier boltzmann4j"), r.err());
        // the folder this session's version writes resumes (its checkpoint is in checkpoint.a|b)
        assertTrue(Files.exists(first.resolve("checkpoint.a")), "the trained folder has its checkpoint slots");
    }

    @Test
    void refusesFlowOptionsResumeAndAnotherMolecule() throws Exception {
        Path out = dir.resolve("refused");
        CliRun r = bg("train", "--system", "aldp-vacuum", "--init", first.toString(), "--by", "energy", "--couplings", "4", "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals("bg train: --couplings may not be given with --init: the flow comes from " + first, r.err().strip());
        r = bg("train", "--system", "aldp-vacuum", "--init", first.toString(), "--by", "energy", "--resume", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--init and --resume exclude each other"), r.err());
        r = bg("train", "--system", "aldp-vacuum", "--init", first.toString(), "--by", "energy", "--coordinates", "cartesian", "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals("bg train: --coordinates may not be given with --init: the flow comes from " + first, r.err().strip());
        r = bg("train", "--system", "double-well-3kT", "--init", first.toString(), "--by", "energy", "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("bg train: --init " + first + ": "), r.err());
        assertTrue(r.err().contains("atoms"), r.err());
        assertFalse(Files.exists(out.resolve(MolecularModel.PARAMETERS)));
        r = bg("train", "--system", "aldp-vacuum", "--init", dir.resolve("none").toString(), "--by", "energy", "--out", out.toString());
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains(dir.resolve("none").toString()), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
