package org.boltzmann4j.bg.tbg;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.cli.CliRun;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.ParameterArchive;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.generator.SampleSet;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.random.RandomStreams;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole TBG pipeline on a tiny case through the command line: a dataset of two dipeptides (GA, AG; 6 frames
 * each), an EGNN of width 8 and 2 layers trained for 4 steps, then score, sample and resume.
 * NEEDS THE MERGE of the egnn, cnf and conditioning branches (Egnn, solvers, prior, path, vocabulary, validity).
 */
class TbgEndToEndTest {
    @TempDir static Path dir;
    static Path dataset, model;


    static String[] train(Path out, int steps, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("tbg", "train", "--dataset", dataset.toString(), "--width", "8", "--layers", "2",
                "--steps", Integer.toString(steps), "--batch", "4", "--ema-decay", "0.5", "--align", "permutation", "--checkpoint-every", "1",
                "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void trainTinyModel() throws Exception {
        dataset = dir.resolve("ds");
        TbgTestData.dataset(dataset, List.of("GA", "AG"), List.of("GA", "AG"), 6);
        model = dir.resolve("model");
        CliRun run = bg(train(model, 4));
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void modelFolderRecordsWhatItWasTrainedOn() throws Exception {
        JsonNode m = new ObjectMapper().readTree(model.resolve("model.json").toFile());
        assertEquals(TbgModel.FORMAT, m.path("format").asText());
        assertEquals("[\"GA\",\"AG\"]", m.path("training_sequences").toString());
        assertEquals(8, m.path("architecture").path("width").asInt());
        assertEquals(2, m.path("architecture").path("layers").asInt());
        assertEquals(4, m.path("steps").asLong());
        assertEquals(310, m.path("system").path("temperature_k").asDouble());
        TbgModel loaded = TbgModel.load(model);
        assertEquals(loaded.manifest().vocabulary().width(), loaded.manifest().architecture().nodeFeatures());
        var saved = ParameterArchive.read(model.resolve("parameters.zip"));
        assertEquals(loaded.network().parameters().stream().map(Parameter::name).toList(), List.copyOf(saved.keySet()));
        double scale = loaded.manifest().coordinateScaleNm();
        assertEquals(TrainingData.fromDataset(dataset, null, 0).rmsNm(), scale, 1e-12, "the fitted scale is the data's RMS");
    }

    /** k steps, then --resume to 2k: the same EMA weights, bit for bit, as 2k steps at once; another seed differs. */
    @Test
    void resumeIsBitIdentical() throws Exception {
        Path half = dir.resolve("half");
        assertEquals(0, bg(train(half, 2)).code());
        CliRun resumed = bg(train(half, 4, "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        assertArrayEquals(Files.readAllBytes(model.resolve("parameters.zip")), Files.readAllBytes(half.resolve("parameters.zip")));
        Path other = dir.resolve("seed2");
        assertEquals(0, bg(train(other, 4, "--seed", "2")).code());
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(model.resolve("parameters.zip")), Files.readAllBytes(other.resolve("parameters.zip"))));
        CliRun changed = bg(train(half, 6, "--resume", "--learning-rate", "1e-3"));
        assertEquals(1, changed.code(), changed.err());
        assertTrue(changed.err().contains("resume with the same settings"), changed.err());
        CliRun otherData = bg(train(half, 6, "--resume", "--max-frames", "3"));
        assertEquals(1, otherData.code(), otherData.err());
        assertTrue(otherData.err().contains("training data"), otherData.err());
        Path cosine = dir.resolve("cosine");
        assertEquals(0, bg(train(cosine, 2, "--schedule", "cosine")).code());
        CliRun longer = bg(train(cosine, 4, "--schedule", "cosine", "--resume"));
        assertEquals(1, longer.code(), longer.err());
        assertTrue(longer.err().contains("--steps (the cosine schedule's length)"), longer.err());
    }

    /**
     * A resume naming another --scale-nm is refused (the run would go on at the old scale); the same value or none
     * continues, and model.json keeps the scale the run was made with.
     */
    @Test
    void resumeRefusesAnotherScale() throws Exception {
        Path scaled = dir.resolve("scaled");
        assertEquals(0, bg(train(scaled, 1, "--scale-nm", "0.5")).code());
        CliRun other = bg(train(scaled, 2, "--resume", "--scale-nm", "0.7"));
        assertEquals(1, other.code(), other.err());
        assertTrue(other.err().contains("--scale-nm 0.5, not 0.7"), other.err());
        CliRun same = bg(train(scaled, 2, "--resume", "--scale-nm", "0.5"));
        assertEquals(0, same.code(), same.err());
        CliRun left = bg(train(scaled, 3, "--resume"));
        assertEquals(0, left.code(), left.err());
        JsonNode m = new ObjectMapper().readTree(scaled.resolve("model.json").toFile());
        assertEquals(0.5, m.path("coordinate_scale_nm").asDouble(), 0.0);
        assertEquals(0.5, m.path("training").path("coordinate_scale_nm").asDouble(), 0.0);
        assertEquals(3, m.path("steps").asLong());
    }

    /** log q of MD frames: finite, and the same for a rotated and translated copy (E(3) invariance through the whole chain). */
    @Test
    void scoreIsInvariantUnderRigidMotions() throws Exception {
        Path frames = dataset.resolve("GA").resolve("trajectory.dcd");
        Path q = dir.resolve("q.npy");
        CliRun run = bg("tbg", "score", "--model", model.toString(), "--sequence", "GA", "--coords", frames.toString(), "--atol", "1e-9",
                "--rtol", "1e-9", "--out", q.toString());
        assertEquals(0, run.code(), run.err());
        double[] logQ = Npy.read(q).asDoubles();
        assertEquals(6, logQ.length);
        Frames md = Coordinates.load(frames);
        double[] moved = md.xyz().clone();
        double c = Math.cos(0.7), s = Math.sin(0.7);
        for (int i = 0; i < moved.length; i += 3) {
            double x = moved[i], y = moved[i + 1];
            moved[i] = c * x - s * y + 3;
            moved[i + 1] = s * x + c * y - 1;
            moved[i + 2] = -moved[i + 2]; // with a reflection: q(-x) = q(x)
        }
        Path movedFile = dir.resolve("moved.npy");
        Coordinates.save(movedFile, new Frames(md.frames(), md.atoms(), moved));
        Path q2 = dir.resolve("q2.npy");
        assertEquals(0, bg("tbg", "score", "--model", model.toString(), "--sequence", "GA", "--coords", movedFile.toString(), "--atol", "1e-9",
                "--rtol", "1e-9", "--out", q2.toString()).code());
        double[] logQ2 = Npy.read(q2).asDoubles();
        for (int i = 0; i < 6; i++) {
            assertTrue(Double.isFinite(logQ[i]));
            assertEquals(logQ[i], logQ2[i], 1e-6 * Math.max(1, Math.abs(logQ[i])));
        }
    }

    /** A sample's log q from its forward integration equals log q from scoring it backward (tight dopri5). */
    @Test
    void forwardLogQEqualsBackwardScore() throws Exception {
        TbgModel loaded = TbgModel.load(model);
        TargetPeptide peptide = TargetPeptide.build("AG", loaded.manifest().system());
        SamplingSettings tight = SamplingSettings.defaults().withAtol(1e-9).withRtol(1e-9);
        var p = BoltzmannGenerator.propose(loaded.prior(peptide.atoms()), loaded.flow(peptide.topology(), tight.odeSolver()), 5,
                RandomStreams.of(1, RandomStreams.TBG_SAMPLE, 0));
        double[] forward = Batches.toDoubles(p.logQ());
        double[] backward = TbgSampler.logQ(loaded, peptide, new Frames(5, peptide.atoms(), Batches.toDoubles(p.x())), tight);
        for (int i = 0; i < 5; i++) assertEquals(forward[i], backward[i], 1e-5 * Math.max(1, Math.abs(forward[i])));
    }

    @Test
    void sampleWritesWhatBgSampleWritesPlusValidity() throws Exception {
        Path out = dir.resolve("samples");
        CliRun run = bg("tbg", "sample", "--model", model.toString(), "--sequence", "GA", "--n", "8", "--solver", "rk4", "--steps", "4", "--batch", "4",
                "--threads", "1", "--out", out.toString());
        JsonNode v = new ObjectMapper().readTree(out.resolve("validity.json").toFile());
        assertEquals(8, v.path("drawn").asInt());
        int kept = v.path("kept").asInt();
        assertEquals(8, kept + v.path("dropped_bond_graph").asInt() + v.path("dropped_chirality").asInt());
        assertEquals("GA", v.path("peptide").asText());
        assertEquals(310, v.path("temperature_k").asDouble());
        assertTrue(v.path("seen_in_training").asBoolean(), v.toString());
        assertTrue(v.path("solver").path("method").asText().startsWith("rk4"), v.toString());
        assertEquals(Pdb.read(out.resolve("structure.pdb")).topology(), TargetPeptide.build("GA", PeptideSystemSettings.defaults()).topology());
        assertTrue(Files.readString(out.resolve("system.xml")).contains("GBSAOBCForce"));
        // the dropped draws are written, not lost, and the bond report agrees with the counts
        int dropped = 8 - kept;
        if (dropped > 0) assertEquals(dropped, org.boltzmann4j.bg.io.Coordinates.load(out.resolve("dropped.dcd")).frames());
        else assertFalse(Files.exists(out.resolve("dropped.dcd")));
        JsonNode bonds = v.path("bond_graph");
        assertTrue(bonds.path("draws_with_differences").asInt() >= v.path("dropped_bond_graph").asInt(), bonds.toString());
        assertEquals(bonds.path("draws_with_differences").asInt() > 0, bonds.path("mean_differences_per_draw").asDouble() > 0, bonds.toString());
        if (kept == 0) {
            // an untrained 4-step network rarely keeps a bond graph: then the run fails, saying so, and writes no samples
            assertEquals(1, run.code(), run.err());
            assertTrue(run.err().contains("bond graph"), run.err());
            assertFalse(Files.exists(out.resolve(SampleSet.TRAJECTORY)));
        } else {
            assertEquals(0, run.code(), run.err());
            SampleSet set = SampleSet.read(out);
            assertEquals(kept, set.size());
        }
    }

    /** One molecule with its System (as for alanine dipeptide from bg md): score and sample need no peptide named. */
    @Test
    void singleMoleculeModelKeepsItsSystem() throws Exception {
        Path one = dir.resolve("one"), ga = dataset.resolve("GA");
        CliRun run = bg("tbg", "train", "--pdb", ga.resolve("structure.pdb").toString(), "--frames", ga.resolve("trajectory.dcd").toString(),
                "--system", ga.resolve("system.xml").toString(), "--temperature-k", "300", "--width", "8", "--layers", "2", "--steps", "2",
                "--batch", "3", "--out", one.toString());
        assertEquals(0, run.code(), run.err());
        TbgModel loaded = TbgModel.load(one);
        assertEquals(List.of("structure"), loaded.manifest().trainingSequences());
        assertEquals(300, loaded.manifest().system().temperatureK());
        assertEquals(Files.readString(ga.resolve("system.xml")), loaded.molecule().systemXml());
        Path q = dir.resolve("one-q.npy");
        CliRun score = bg("tbg", "score", "--model", one.toString(), "--coords", ga.resolve("trajectory.dcd").toString(), "--solver", "rk4",
                "--steps", "3", "--out", q.toString());
        assertEquals(0, score.code(), score.err());
        assertEquals(6, Npy.read(q).asDoubles().length);
    }

    /** bg hybrid with the TBG as its flow: flow moves are proposed (and accepted or not) on a peptide's own System. */
    @Test
    void hybridTakesTheTbgAsItsProposal() throws Exception {
        Path ga = dataset.resolve("GA"), run = dir.resolve("hybrid");
        CliRun r = bg("hybrid", "--tbg-model", model.toString(), "--system", ga.resolve("system.xml").toString(), "--pdb",
                ga.resolve("structure.pdb").toString(), "--steps", "20", "--flow-every", "10", "--local-steps", "5", "--save-every", "10",
                "--chains", "1", "--threads", "1", "--temperature-k", "310", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(2, summary.path("flow_moves").asInt(), summary.toString());
        assertEquals(2, summary.path("tbg_draws").asInt(), summary.toString());
        assertEquals(0, summary.path("tbg_dropped_chirality").asInt(), "GA has one stereocentre: no diastereomers " + summary);
        CliRun both = bg("hybrid", "--model", model.toString(), "--tbg-model", model.toString(), "--system", ga.resolve("system.xml").toString(),
                "--pdb", ga.resolve("structure.pdb").toString(), "--steps", "20", "--out", dir.resolve("h2").toString());
        assertEquals(2, both.code(), both.err());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    /**
     * The proposal's log q is one function of x: a draw scores what the current-state scoring gives the same x,
     * bit for bit, and a row scores the same alone as with others (dopri5 solves one row at a time).
     */
    @Test
    void proposalLogQIsOneFunctionOfTheConfiguration() throws Exception {
        TbgModel loaded = TbgModel.load(model);
        TargetPeptide ga = TargetPeptide.build("GA", PeptideSystemSettings.defaults());
        TbgProposal proposal = new TbgProposal(loaded, ga, SamplingSettings.defaults());
        var draws = proposal.draw(3, RandomStreams.of(7, RandomStreams.TBG_SAMPLE, 0));
        assertArrayEquals(draws.logQ(), proposal.logQ(draws.x(), 3));
        int dim = proposal.dimension();
        for (int r = 0; r < 3; r++) {
            assertTrue(Double.isFinite(draws.logQ()[r]), "GA draws are never diastereomers");
            double[] alone = proposal.logQ(java.util.Arrays.copyOfRange(draws.x(), r * dim, (r + 1) * dim), 1);
            assertEquals(draws.logQ()[r], alone[0], 0.0, "row " + r + " alone");
        }
        assertEquals(3, proposal.drawn());
        assertEquals(0, proposal.droppedChirality());
    }

    @Test
    void aPeptideOutsideTheVocabularyIsRefused() {
        CliRun run = bg("tbg", "sample", "--model", model.toString(), "--sequence", "KW", "--n", "2", "--out", dir.resolve("kw").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("outside the model's vocabulary"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(Files.exists(dir.resolve("kw")));
    }
}
