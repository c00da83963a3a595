package org.boltzmann4j.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.analysis.Dihedral;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Boltzmann generator pipeline on alanine dipeptide at a tiny budget: train, sample,
 * evaluate, hybrid sampling and the demo run; outputs exist and parse, numbers are finite and
 * consistent with OpenMM; bad input gives one line and exit 1 or 2.
 */
class BoltzmannGeneratorIT {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static Path data, model;

    @BeforeAll
    static void trainATinyModel() throws Exception {
        data = dir.resolve("md.dcd");
        try (InputStream in = BoltzmannGeneratorIT.class.getResourceAsStream("/org/boltzmann4j/bg/systems/aldp-implicit-md.dcd")) {
            Files.copy(in, data);
        }
        model = dir.resolve("model");
        Cli.Run train = Cli.bg("train", "--system", "aldp-implicit", "--data", data.toString(), "--preset", "quick", "--couplings", "6",
                "--hidden", "32,48", "--steps", "40", "--by", "mixed", "--batch", "64", "--seed", "3", "--out", model.toString());
        assertEquals(0, train.code(), train.err());
    }

    @Test
    void trainedModelFolderIsComplete() throws Exception {
        assertEquals(List.of("checkpoint.a", "checkpoint.b", "model.json", "parameters.zip", "structure.pdb", "system.xml"), Cli.files(model));
        JsonNode m = JSON.readTree(model.resolve("model.json").toFile());
        assertEquals("boltzmann4j-model", m.path("format").asText());
        assertEquals(22, m.path("atoms").asInt());
        assertEquals("mixed", m.path("training").path("by").asText());
        assertTrue(m.path("training").path("energy_evaluations").asLong() > 0);
        assertEquals(60, m.path("normalization").path("shift").size());
        // --couplings and --hidden override the preset, --bins keeps its 8
        assertEquals(6, m.path("architecture").path("couplings").asInt());
        assertEquals("[32,48]", m.path("architecture").path("hidden").toString());
        assertEquals(8, m.path("architecture").path("bins").asInt());
        // the stiff impropers of alanine dipeptide are bounded torsions
        assertTrue(m.path("normalization").path("bounded_torsions").size() > 5, m.path("normalization").toString());
    }

    @Test
    void sampleEvaluateAndAgreeWithOpenMM() throws Exception {
        Path samples = dir.resolve("samples"), again = dir.resolve("again"), report = dir.resolve("report");
        Cli.Run sample = Cli.bg("sample", "--model", model.toString(), "--n", "300", "--seed", "7", "--out", samples.toString());
        assertEquals(0, sample.code(), sample.err());
        assertEquals(List.of("energies.npy", "log_q.npy", "log_w.npy", "samples.dcd"), Cli.files(samples));
        // the saved model reproduces its samples exactly for the same seed
        assertEquals(0, Cli.bg("sample", "--model", model.toString(), "--n", "300", "--seed", "7", "--out", again.toString()).code());
        for (String f : List.of("energies.npy", "log_q.npy", "log_w.npy", "samples.dcd"))
            assertArrayEquals(Files.readAllBytes(samples.resolve(f)), Files.readAllBytes(again.resolve(f)), f);

        // energies of the samples are OpenMM's: bg energy on samples.dcd agrees up to the DCD's float32 rounding
        Path rescored = dir.resolve("rescored.npy"), forces = dir.resolve("forces.npy");
        assertEquals(0, Cli.bg("energy", "--system", "aldp-implicit", "--coords", samples.resolve("samples.dcd").toString(),
                "--out", rescored.toString(), "--forces", forces.toString()).code());
        double[] e = Npy.read(samples.resolve("energies.npy")).asDoubles(), r = Npy.read(rescored).asDoubles();
        double[] f = Npy.read(forces).asDoubles(), x = Dcd.read(samples.resolve("samples.dcd")).frames().xyz();
        double[] logQ = Npy.read(samples.resolve("log_q.npy")).asDoubles(), logW = Npy.read(samples.resolve("log_w.npy")).asDoubles();
        double kT = org.boltzmann4j.bg.energy.ThermalEnergy.kT(300);
        int compared = 0;
        for (int i = 0; i < e.length; i++) {
            assertEquals(-e[i] / kT - logQ[i], logW[i], 1e-9 * Math.max(1, Math.abs(logW[i])), "log w of sample " + i);
            if (!Double.isFinite(e[i]) || Math.abs(e[i]) > 1e4) continue; // clashes: relative rounding bound below is meaningless
            double bound = 0;
            for (int k = 0; k < 66; k++) bound += Math.abs(f[i * 66 + k]) * Math.ulp((float) (x[i * 66 + k] * 10)) / 20;
            assertEquals(e[i], r[i], 2 * bound + 1e-9, "sample " + i);
            compared++;
        }
        assertTrue(compared > 100, "only " + compared + " samples with moderate energies");

        Cli.Run evaluate = Cli.bg("evaluate", "--model", model.toString(), "--samples", samples.toString(), "--reference", data.toString(),
                "--out", report.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        JsonNode m = JSON.readTree(report.resolve("metrics.json").toFile());
        // the reported ESS is the Kish formula on the samples' own log-weights (log_w.npy)
        double max = Double.NEGATIVE_INFINITY, sum = 0, sumSq = 0;
        for (double lw : logW) max = Math.max(max, lw);
        for (double lw : logW) {
            sum += Math.exp(lw - max);
            sumSq += Math.exp(2 * (lw - max));
        }
        assertEquals(sum * sum / (logW.length * sumSq), m.path("ess").asDouble(), 1e-12, m.toString());
        // measured -237.66 nats on these 200 frames after the 40 training steps (a 10-step demo flow
        // scored -209 on its held-out MD), so a flow that did not learn the frames is above the bound
        assertTrue(m.path("nll_nats").asDouble() < -230, m.toString());
        assertEquals(300, m.path("n_samples").asInt());
        for (String key : List.of("nll_nats", "energy_w1_kjmol", "phi_kl", "psi_kl"))
            assertTrue(m.path(key).isNumber() && Double.isFinite(m.path(key).asDouble()), key + " = " + m.path(key));
        for (String k : List.of("md", "flow", "reweighted")) assertTrue(m.path("delta_f_kt").has(k), k);
        for (String png : List.of("energy-histograms.png", "ramachandran-md.png", "ramachandran-flow.png", "ramachandran-reweighted.png", "phi-free-energy.png")) {
            assertNotNull(javax.imageio.ImageIO.read(report.resolve(png).toFile()), png);
        }
        assertTrue(Files.readString(report.resolve("report.md")).contains("normalised Kish ESS"));
    }

    @Test
    void hybridSamplerRunsWithTheModel() throws Exception {
        Path run = dir.resolve("hybrid");
        Cli.Run hybrid = Cli.bg("hybrid", "--model", model.toString(), "--system", "aldp-implicit", "--steps", "2000", "--flow-every", "200",
                "--local", "hmc", "--local-steps", "20", "--save-every", "200", "--chains", "2", "--seed", "5", "--out", run.toString());
        assertEquals(0, hybrid.code(), hybrid.err());
        JsonNode s = JSON.readTree(run.resolve("summary.json").toFile());
        assertEquals(20, s.path("flow_moves").asInt());
        assertTrue(s.path("energy_evaluations").asLong() >= 2 * 2000);
        assertTrue(s.has("phi_transitions"));
        // the phi column of moves.csv is the phi of the chain's state: check it on the saved frames
        var frames = Dcd.read(run.resolve("chain-000/trajectory.dcd")).frames();
        double[] phi = Dihedral.compute(frames, 4, 6, 8, 10);
        List<String> moves = Files.readAllLines(run.resolve("chain-000/moves.csv"));
        int frame = 0;
        for (String line : moves.subList(1, moves.size())) {
            String[] c = line.split(",");
            // the last move recorded at a save step is the state saved there
            boolean lastAtStep = moves.indexOf(line) == moves.size() - 1 || !moves.get(moves.indexOf(line) + 1).startsWith(c[0] + ",");
            if (Long.parseLong(c[0]) % 200 == 0 && lastAtStep) {
                assertEquals(phi[frame], Double.parseDouble(c[5]), 1e-4, "frame " + frame);
                frame++;
            }
        }
        assertEquals(10, frame);
    }

    @Test
    void badInputGivesOneLine() throws Exception {
        Path pro = dir.resolve("pro.pdb");
        try (InputStream in = getClass().getResourceAsStream("/org/boltzmann4j/bg/systems/pro-dipeptide-vacuum.pdb")) {
            Files.copy(in, pro);
        }
        Cli.Run other = Cli.bg("hybrid", "--model", model.toString(), "--system", "pro-dipeptide-vacuum", "--steps", "100", "--flow-every", "50",
                "--out", dir.resolve("h2").toString());
        assertEquals(1, other.code());
        assertEquals(1, other.lines().size(), other.err());
        assertTrue(other.err().contains("26 atoms, the model aldp-implicit was trained on 22"), other.err());

        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        for (String f : List.of("model.json", "system.xml", "structure.pdb", "parameters.zip")) Files.copy(model.resolve(f), broken.resolve(f));
        byte[] zip = Files.readAllBytes(broken.resolve("parameters.zip"));
        Files.write(broken.resolve("parameters.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));
        Cli.Run corrupt = Cli.bg("sample", "--model", broken.toString(), "--n", "10", "--out", dir.resolve("s2").toString());
        assertEquals(1, corrupt.code());
        assertEquals(1, corrupt.lines().size(), corrupt.err());
        assertTrue(corrupt.err().contains("parameters.zip"), corrupt.err());
        Files.writeString(broken.resolve("model.json"), "{ not json");
        Cli.Run json = Cli.bg("sample", "--model", broken.toString(), "--n", "10", "--out", dir.resolve("s3").toString());
        assertEquals(1, json.code());
        assertTrue(json.err().contains("model.json"), json.err());
        assertFalse(Files.exists(dir.resolve("s2")) || Files.exists(dir.resolve("s3")));

        Path empty = dir.resolve("empty.npy");
        Npy.write(empty, new double[0], 0, 22, 3);
        Cli.Run none = Cli.bg("train", "--system", "aldp-implicit", "--data", empty.toString(), "--steps", "5", "--out", dir.resolve("m2").toString());
        assertEquals(1, none.code());
        assertEquals(1, none.lines().size(), none.err());
        assertTrue(none.err().contains("empty.npy: no frames"), none.err());

        Cli.Run noData = Cli.bg("train", "--system", "aldp-implicit", "--by", "example", "--steps", "5", "--out", dir.resolve("m3").toString());
        assertEquals(2, noData.code());
        assertTrue(noData.err().contains("--data is required"), noData.err());

        Cli.Run transformer = Cli.bg("train", "--system", "aldp-implicit", "--data", data.toString(), "--transformer", "glow", "--out",
                dir.resolve("m4").toString());
        assertEquals(2, transformer.code());
        assertEquals(1, transformer.lines().size(), transformer.err());
        assertTrue(transformer.err().contains("--transformer must be spline or realnvp, got glow"), transformer.err());
        assertFalse(Files.exists(dir.resolve("m4")));

        // a NaN at an atom no dihedral uses (a hydrogen, atom 0, of frame 12): every reader of coordinates refuses it, naming both
        org.boltzmann4j.bg.io.Frames md = Dcd.read(data).frames();
        double[] xyz = md.xyz().clone();
        xyz[(12 * 22) * 3] = Double.NaN;
        Path nan = dir.resolve("nan-frame.npy");
        Npy.write(nan, xyz, md.frames(), 22, 3);
        String expected = "nan-frame.npy: non-finite coordinate in frame 12, atom 0 (counted from 0): x = NaN";
        Cli.Run train = Cli.bg("train", "--system", "aldp-implicit", "--data", nan.toString(), "--steps", "5", "--out", dir.resolve("m5").toString());
        assertEquals(1, train.code());
        assertEquals(1, train.lines().size(), train.err());
        assertTrue(train.err().contains(expected), train.err());
        Path fewSamples = dir.resolve("few-samples"); // finite samples (the first 5 MD frames), so that only the reference is wrong
        new org.boltzmann4j.bg.generator.SampleSet(new org.boltzmann4j.bg.io.Frames(5, 22, java.util.Arrays.copyOf(md.xyz(), 5 * 66)),
                new double[5], new double[5], new double[5]).write(fewSamples);
        Cli.Run evaluate = Cli.bg("evaluate", "--model", model.toString(), "--samples", fewSamples.toString(), "--reference", nan.toString(),
                "--out", dir.resolve("nan-report").toString());
        assertEquals(1, evaluate.code());
        assertEquals(1, evaluate.lines().size(), evaluate.err());
        assertTrue(evaluate.err().contains(expected), evaluate.err());
    }

    @Test
    void evaluateTakesSamplesWithoutAModelAsTbgSamplesComeAndWarns() throws Exception {
        // a samples folder as bg tbg sample writes it: the four files plus structure.pdb and system.xml
        Path samples = dir.resolve("tbg-like"), withModel = dir.resolve("tbg-like-model-report"), without = dir.resolve("tbg-like-report");
        assertEquals(0, Cli.bg("sample", "--model", model.toString(), "--n", "150", "--seed", "11", "--out", samples.toString()).code());
        Cli.Run noStructure = Cli.bg("evaluate", "--samples", samples.toString(), "--reference", data.toString(), "--temperature", "300",
                "--out", without.toString());
        assertEquals(1, noStructure.code());
        assertEquals(1, noStructure.lines().size(), noStructure.err());
        assertTrue(noStructure.err().contains("structure.pdb and system.xml"), noStructure.err());
        Files.copy(model.resolve("structure.pdb"), samples.resolve("structure.pdb"));
        Files.copy(model.resolve("system.xml"), samples.resolve("system.xml"));
        Cli.Run noTemperature = Cli.bg("evaluate", "--samples", samples.toString(), "--reference", data.toString(), "--out", without.toString());
        assertEquals(2, noTemperature.code());
        assertTrue(noTemperature.err().contains("--temperature is required without --model"), noTemperature.err());

        Cli.Run a = Cli.bg("evaluate", "--model", model.toString(), "--samples", samples.toString(), "--reference", data.toString(),
                "--torus-w2-samples", "100", "--out", withModel.toString());
        Cli.Run b = Cli.bg("evaluate", "--samples", samples.toString(), "--reference", data.toString(), "--temperature", "300",
                "--torus-w2-samples", "100", "--out", without.toString());
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        JsonNode ma = JSON.readTree(withModel.resolve("metrics.json").toFile()), mb = JSON.readTree(without.resolve("metrics.json").toFile());
        // the same numbers from the samples folder's own structure and system, except the NLL, which needs the model
        assertTrue(mb.path("nll_nats").isNull());
        assertTrue(ma.path("nll_nats").isNumber());
        for (String key : List.of("ess", "ess_normalized_top0.2pct_removed", "energy_w1_kjmol", "energy_w2_kjmol", "energy_w2_raw_kjmol", "torus_w2_rad",
                "torus_w2_raw_rad", "phi_kl", "psi_kl", "residue", "phi_atoms", "warnings"))
            assertEquals(ma.path(key), mb.path(key), key);
        assertEquals(100, mb.path("torus_w2_subsample").asInt());
        // 150 samples of a 40-step flow have far fewer than 100 effective ones: said in metrics.json and on stderr
        double effective = mb.path("ess_effective_samples").asDouble();
        assertTrue(effective < 100, "ESS " + effective);
        assertTrue(mb.path("warnings").get(0).asText().startsWith("only "), mb.path("warnings").toString());
        assertTrue(b.err().contains("warning: only "), b.err());
    }

    @Test
    void aRealNvpModelTrainsSamplesAndSaysSoInModelJson() throws Exception {
        Path m = dir.resolve("realnvp"), samples = dir.resolve("realnvp-samples");
        Cli.Run train = Cli.bg("train", "--system", "aldp-implicit", "--data", data.toString(), "--preset", "quick", "--transformer", "realnvp",
                "--hidden", "16", "--steps", "5", "--batch", "32", "--out", m.toString());
        assertEquals(0, train.code(), train.err());
        assertEquals("realnvp", JSON.readTree(m.resolve("model.json").toFile()).path("architecture").path("transformer").asText());
        Cli.Run sample = Cli.bg("sample", "--model", m.toString(), "--n", "50", "--out", samples.toString());
        assertEquals(0, sample.code(), sample.err());
        double[] logW = Npy.read(samples.resolve("log_w.npy")).asDoubles();
        assertEquals(50, logW.length);
        for (double w : logW) assertTrue(Double.isFinite(w), "log w " + w);
    }

    @Test
    void trainingByEnergyAloneRunsAndResumes() throws Exception {
        Path m = dir.resolve("by-energy");
        Cli.Run train = Cli.bg("train", "--system", "aldp-vacuum", "--by", "energy", "--preset", "quick", "--steps", "10", "--batch", "32",
                "--out", m.toString());
        assertEquals(0, train.code(), train.err());
        JsonNode info = JSON.readTree(m.resolve("model.json").toFile()).path("training");
        assertEquals("energy", info.path("by").asText());
        assertTrue(info.path("energy_evaluations").asLong() >= 10 * 32, info.toString());
        // a resumed run keeps its own length: another --steps is refused (it used to exit 0, train
        // nothing more, and record 15 steps), none resumes the 10-step run
        Cli.Run longer = Cli.bg("train", "--system", "aldp-vacuum", "--by", "energy", "--preset", "quick", "--steps", "15", "--batch", "32",
                "--out", m.toString(), "--resume");
        assertEquals(2, longer.code(), longer.err());
        assertTrue(longer.err().contains("--steps 15 differs from the run in " + m + " (10 steps)"), longer.err());
        Cli.Run more = Cli.bg("train", "--system", "aldp-vacuum", "--by", "energy", "--preset", "quick", "--batch", "32",
                "--out", m.toString(), "--resume");
        assertEquals(0, more.code(), more.err());
        assertEquals(10, JSON.readTree(m.resolve("model.json").toFile()).path("training").path("steps").asInt());
        Cli.Run again = Cli.bg("train", "--system", "aldp-vacuum", "--by", "energy", "--steps", "15", "--out", m.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a model"), again.err());
    }

    @Test
    void demoRunsEndToEndAtATinyBudget() throws Exception {
        Path demo = dir.resolve("demo");
        Cli.Run run = Cli.bg("demo", "--quick", "--md-ps", "20", "--train-steps", "10", "--samples", "200", "--out", demo.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of("demo.json", "md", "model", "report", "samples"), Cli.files(demo));
        JsonNode budget = JSON.readTree(demo.resolve("demo.json").toFile());
        assertEquals(200, budget.path("md_frames_training").asInt());
        // every evaluation is counted: training's, one per sample and one per reference frame
        assertEquals(budget.path("train_energy_evaluations").asLong() + 200 + budget.path("md_frames_reference").asLong(),
                budget.path("total_energy_evaluations").asLong(), budget.toString());
        // the reported ESS is the Kish formula on the demo's own samples' log-weights
        double[] logW = Npy.read(demo.resolve("samples/log_w.npy")).asDoubles();
        double max = Double.NEGATIVE_INFINITY, sum = 0, sumSq = 0;
        for (double lw : logW) max = Math.max(max, lw);
        for (double lw : logW) {
            sum += Math.exp(lw - max);
            sumSq += Math.exp(2 * (lw - max));
        }
        assertEquals(sum * sum / (logW.length * sumSq), JSON.readTree(demo.resolve("report/metrics.json").toFile()).path("ess").asDouble(), 1e-12);
    }
}
