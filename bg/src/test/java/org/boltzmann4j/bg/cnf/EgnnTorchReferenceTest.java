package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.io.Npz;
import org.boltzmann4j.bg.io.NpyArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * cnf/Egnn against the same network written independently in PyTorch (scripts/bench/tbg_torch.py; values
 * saved by scripts/make-reference-egnn.py, which also checks torch's numbers against a finite-difference
 * trace, equivariance and permutations). The PyTorch parameters are copied into the Java network by name;
 * then, in float64, the field's velocity and exact divergence, a training pass's velocity at per-row times
 * and the parameter gradients of sum(G * v) for a fixed G agree to 1e-10 relative (largest difference over
 * the largest reference magnitude of each array: the same arithmetic in another order).
 */
class EgnnTorchReferenceTest {

    static final String RESOURCES = "/org/boltzmann4j/bg/cnf/egnn-reference/";
    static final double TOLERANCE = 1e-10;

    static Map<String, NpyArray> reference(String name) throws Exception {
        URL url = EgnnTorchReferenceTest.class.getResource(RESOURCES + name + ".npz");
        assertNotNull(url, "missing test resource " + RESOURCES + name + ".npz (scripts/make-reference-egnn.py)");
        return Npz.read(Path.of(url.toURI()));
    }

    static INDArray array(NpyArray a) {
        long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
        return Nd4j.create(a.asDoubles(), shape, DataType.DOUBLE);
    }

    /** An Egnn of the reference's architecture, holding the reference's parameters (copied in by name). */
    static Egnn loaded(Map<String, NpyArray> ref) {
        NpyArray embed = ref.get("embed.w");
        int layers = (int) ref.keySet().stream().filter(k -> k.startsWith("layer") && k.endsWith(".edge1.w")).count();
        Egnn egnn = new Egnn(new Egnn.Architecture(embed.dim(0) - 1, embed.dim(1), layers), 1);
        List<String> expected = new ArrayList<>(List.of("embed.w", "embed.b"));
        for (int l = 0; l < layers; l++) {
            for (String p : List.of("edge1.w", "edge1.b", "edge2.w", "edge2.b", "gate.w", "gate.b", "coord1.w", "coord1.b",
                    "coord2.w", "node1.w", "node1.b", "node2.w", "node2.b")) {
                expected.add("layer" + l + "." + p);
            }
        }
        assertEquals(expected, egnn.parameters().stream().map(Parameter::name).toList(), "parameter names and order");
        for (Parameter p : egnn.parameters()) {
            NpyArray a = ref.get(p.name());
            assertArrayEquals(Arrays.stream(a.shape()).asLongStream().toArray(), p.value().shape(), "shape of " + p.name());
            p.value().assign(array(a));
        }
        return egnn;
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        // an all-zero reference (the last layer's node gradients: nothing reads their output) must be matched exactly
        assertTrue(worst <= TOLERANCE * scale, what + ": largest difference " + worst
                + " over the reference's largest magnitude " + scale + " (relative " + worst / scale + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "n22"})
    void fieldVelocityAndExactDivergenceEqualPyTorch(String name) throws Exception {
        Map<String, NpyArray> ref = reference(name);
        Egnn egnn = loaded(ref);
        VectorField field = egnn.field(array(ref.get("features")));
        INDArray x = array(ref.get("x"));
        double t = ref.get("t").asDoubles()[0];
        assertEquals(x.size(1), field.dimension());
        VectorField.WithDivergence w = field.velocityAndDivergence(x, t);
        assertClose(array(ref.get("velocity")), w.velocity(), name + " velocity (with divergence)");
        assertClose(array(ref.get("divergence")), w.divergence(), name + " divergence");
        assertClose(array(ref.get("velocity")), field.velocity(x, t), name + " velocity");
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "n22"})
    void trainingPassAndItsParameterGradientsEqualPyTorch(String name) throws Exception {
        Map<String, NpyArray> ref = reference(name);
        Egnn egnn = loaded(ref);
        Egnn.TrainingPass pass = egnn.trainingPass(array(ref.get("features")), array(ref.get("x")), array(ref.get("t_rows")));
        assertClose(array(ref.get("train_velocity")), pass.velocity(), name + " training velocity");
        for (Parameter p : egnn.parameters()) {
            p.zeroGrad();
        }
        pass.backward(array(ref.get("grad_velocity")));
        for (Parameter p : egnn.parameters()) {
            assertClose(array(ref.get("grad." + p.name())), p.grad(), name + " gradient of " + p.name());
        }
    }
}
