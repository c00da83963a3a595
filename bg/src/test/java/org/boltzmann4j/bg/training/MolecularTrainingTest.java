package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.boltzmann4j.bg.generator.FlowArchitecture;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.MdSettings;
import org.boltzmann4j.bg.sampling.MolecularDynamics;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Molecular training through the product's path (MolecularModel.create, MolecularTraining.train,
 * model.json): a RealNVP flow on alanine dipeptide learns (its NLL on an independent MD run
 * falls), and the transformer survives a save and load; a model.json from before the field is
 * a spline model, and an unknown transformer is refused naming the file.
 */
class MolecularTrainingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path dir;
    static MolecularSystem system;
    static Pdb.Structure structure;
    static INDArray train;
    static Frames heldOut;

    /**
     * Two independent Langevin runs from the bundled structure: 60 ps to train on and 20 ps held
     * out (a frame every 0.05 ps). The 200 bundled MD frames are too few: every flow overfits
     * them within a hundred steps.
     */
    @BeforeAll
    static void data() throws Exception {
        system = MolecularSystem.bundled("aldp-implicit");
        structure = Pdb.parse(system.pdb().orElseThrow(), "aldp-implicit.pdb");
        train = MolecularTraining.dataMatrix(List.of(md(200_000, 11, dir.resolve("train"))));
        heldOut = md(100_000, 12, dir.resolve("held-out"));
    }

    private static Frames md(long steps, int seed, Path out) throws Exception {
        MdSettings settings = new MdSettings(steps, 0.001, 300, 1, 50, seed, "Reference", java.util.Map.of(), false, 0);
        MolecularDynamics.run(system.systemXml(), structure.topology(), structure.frames().frame(0), settings, out, false, null);
        return Dcd.read(out.resolve(MolecularDynamics.TRAJECTORY)).frames();
    }

    private static MolecularModel model(String transformer) {
        FlowArchitecture a = FlowArchitecture.quick("internal", 5).withTransformer(transformer).withHidden(32, 32);
        return MolecularModel.create(system.name(), system.systemXml(), structure, "aldp-implicit.pdb", a, train, 300);
    }

    private static double nll(MolecularModel model) {
        return -Arrays.stream(model.logQ(heldOut)).average().orElseThrow();
    }

    private static MolecularTraining.Plan plan(int steps) {
        return MolecularTraining.Plan.defaults().withSteps(steps).withBatchSize(128).withSeed(2).withEssSamples(0);
    }

    @Test
    void theDataMatrixHoldsThePartsFramesInOrderAndRefusesMixedAtomCounts() {
        Frames a = new Frames(2, 1, new double[] {1, 2, 3, 4, 5, 6});
        Frames b = new Frames(1, 1, new double[] {7, 8, 9});
        INDArray x = MolecularTraining.dataMatrix(List.of(a, b));
        assertArrayEquals(new long[] {3, 3}, x.shape());
        assertArrayEquals(Frames.concat(List.of(a, b)).xyz(), org.boltzmann4j.bg.tensor.Batches.toDoubles(x), 0.0);
        var e = assertThrows(IllegalArgumentException.class, () -> MolecularTraining.dataMatrix(List.of(a, new Frames(1, 2, new double[6]))));
        assertTrue(e.getMessage().contains("2 and 1 atoms"), e.getMessage());
    }

    @Test
    void realNvpLearnsAndIsSavedAsRealNvp() throws Exception {
        MolecularModel model = model(FlowArchitecture.REALNVP);
        double before = nll(model);
        Path out = dir.resolve("realnvp");
        MolecularTraining.train(model, train, plan(300), "Reference", 1, out, false, null);
        double after = nll(model);
        System.err.println("held-out NLL " + before + " -> " + after);
        // Measured with the per-Context Langevin noise and 200 ps / 100 ps of MD: -208.22 -> -211.78
        // nats after 300 steps (3.6 better; the bound is about half of that). A flow whose couplings
        // did not learn stays at its standardised start. (Before the merge, with 60 ps / 20 ps of
        // OpenMM's noise stream, 200 steps gave 7.3 nats; on the new stream that setting gave 1.7
        // and 600 steps overfit to +5.8: too little data for a stable check, hence the longer MD.)
        assertTrue(after < before - 2, "held-out NLL " + before + " -> " + after);

        assertEquals(FlowArchitecture.REALNVP, JSON.readTree(out.resolve(MolecularModel.MANIFEST).toFile()).path("architecture").path("transformer").asText());
        MolecularModel loaded = MolecularModel.load(out);
        assertEquals(model.architecture(), loaded.architecture());
        assertArrayEquals(model.logQ(heldOut), loaded.logQ(heldOut), 0.0);
    }

    @Test
    void aModelWithoutTheTransformerFieldIsASplineModelAndAnUnknownOneIsRefused() throws Exception {
        MolecularModel model = model(FlowArchitecture.SPLINE);
        Path out = dir.resolve("spline");
        MolecularTraining.train(model, train, plan(2), "Reference", 1, out, false, null);
        Path manifest = out.resolve(MolecularModel.MANIFEST);
        ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
        ((ObjectNode) root.path("architecture")).remove("transformer");
        Files.writeString(manifest, JSON.writeValueAsString(root));
        MolecularModel old = MolecularModel.load(out);
        assertEquals(FlowArchitecture.SPLINE, old.architecture().transformer());
        assertArrayEquals(model.logQ(heldOut), old.logQ(heldOut), 0.0);

        ((ObjectNode) root.path("architecture")).put("transformer", "glow");
        Files.writeString(manifest, JSON.writeValueAsString(root));
        MolecularFileException e = assertThrows(MolecularFileException.class, () -> MolecularModel.load(out));
        assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("spline or realnvp, got glow"), e.getMessage());
    }
}
