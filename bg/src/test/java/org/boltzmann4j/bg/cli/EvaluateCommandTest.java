package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.boltzmann4j.bg.cli.CliRun.oneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.tbg.PeptideSystemSettings;
import org.boltzmann4j.bg.tbg.TargetPeptide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bg evaluate without --model, on a samples folder as bg tbg sample writes it (GA, 20 jittered frames, equal weights):
 * the temperature comes from SAMPLES/validity.json, --temperature may repeat it but not contradict it.
 */
class EvaluateCommandTest {
    @TempDir Path dir;


    @Test
    void temperatureComesFromValidityJsonWithoutModel() throws Exception {
        TargetPeptide p = TargetPeptide.build("GA", PeptideSystemSettings.defaults());
        int n = 20, dim = p.reference().length;
        SplittableRandom rng = new SplittableRandom(3);
        double[] xyz = new double[n * dim];
        for (int i = 0; i < xyz.length; i++) xyz[i] = p.reference()[i % dim] + 0.005 * rng.nextGaussian();
        Frames frames = new Frames(n, dim / 3, xyz);
        double[] energies;
        try (OpenMMEnergy energy = new OpenMMEnergy(p.systemXml(), "Reference", Map.of(), 1)) {
            energies = energy.score(xyz, n, false, done -> {}).energies();
        }
        Path samples = dir.resolve("samples"), reference = dir.resolve("md.dcd");
        new SampleSet(frames, new double[n], energies, new double[n]).write(samples);
        Pdb.write(samples.resolve(MolecularModel.STRUCTURE), p.topology(), Frames.single(p.reference()));
        AtomicFile.writeString(samples.resolve(MolecularModel.SYSTEM), p.systemXml());
        Coordinates.save(reference, frames);
        Path validity = samples.resolve(EvaluateCommand.VALIDITY);

        // no validity.json and no --temperature: usage
        oneLine(bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--out", dir.resolve("r0").toString()), 2,
                "--temperature is required without --model");
        Path given = dir.resolve("given");
        CliRun a = bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--temperature", "310",
                "--torus-w2-samples", "20", "--threads", "1", "--out", given.toString());
        assertEquals(0, a.code(), a.err());

        AtomicFile.writeString(validity, "{\"peptide\": \"GA\", \"temperature_k\": 310.0, \"kept\": 20}\n");
        Path read = dir.resolve("read");
        CliRun b = bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--torus-w2-samples", "20", "--threads", "1",
                "--out", read.toString());
        assertEquals(0, b.code(), b.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode ma = json.readTree(given.resolve("metrics.json").toFile()), mb = json.readTree(read.resolve("metrics.json").toFile());
        assertEquals(ma, mb, "validity.json's 310 K evaluates as --temperature 310");
        assertEquals(1.0, mb.path("ess").asDouble(), 1e-12, "equal weights");
        CliRun same = bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--temperature", "310",
                "--torus-w2-samples", "20", "--threads", "1", "--out", dir.resolve("same").toString());
        assertEquals(0, same.code(), same.err());

        Path clash = dir.resolve("clash");
        oneLine(bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--temperature", "300", "--out", clash.toString()),
                2, "--temperature 300.0 K", "temperature_k 310.0 K", "validity.json");
        assertFalse(Files.exists(clash), "nothing written on bad usage");

        AtomicFile.writeString(validity, "{\"temperature_k\": -4}\n");
        oneLine(bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--out", clash.toString()), 1,
                "validity.json", "temperature_k must be a positive temperature");
        AtomicFile.writeString(validity, "{\"temperature_k\": ");
        oneLine(bg("evaluate", "--samples", samples.toString(), "--reference", reference.toString(), "--out", clash.toString()), 1,
                "validity.json", "not valid JSON");
    }
}
