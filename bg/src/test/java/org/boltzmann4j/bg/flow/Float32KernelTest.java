package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The float32 path of the couplings' kernels: a coupling built in float32 with the parameters of
 * a float64 one gives the same outputs, log-determinants, input gradients and parameter gradients,
 * within float32 rounding, in both directions; its conditioner's activations are float32
 * (not float64 inside, cast at the end). The float64 path is checked against finite differences by
 * {@link TransformContractTest}, so agreement here makes the float32 path right too.
 */
class Float32KernelTest {

    private static final boolean[] MIXED = {false, true, false, true, false};
    private static final int N = 300; // above RowBlocks.PARALLEL_ELEMENTS: the parallel row blocks run

    record Case(String name, Function<DataType, Coupling> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("spline", t -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 3)
                        .bins(6).bound(3.0).hidden(16, 16).dataType(t).build()),
                new Case("spline.tanh", t -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 1), 4)
                        .bins(4).bound(3.0).hidden(16).activation(Mlp.Activation.TANH).dataType(t).build()),
                new Case("realnvp", t -> RealNvpCoupling.builder(CouplingMask.alternating(MIXED, 0), 5).hidden(16, 16)
                        .dataType(t).build()));
    }

    private static INDArray input(DataType type) {
        SplittableRandom rng = new SplittableRandom(11);
        double[] a = new double[N * MIXED.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = MIXED[k % MIXED.length] ? rng.nextDouble(-3, 3) : 1.5 * rng.nextGaussian();
        }
        return Batches.matrix(a, N, MIXED.length, type);
    }

    /**
     * Float32 rounding: every entry within 1e-3 of the largest (a few entries sit where a perturbed
     * spline is steep and amplify the rounding of its parameters), and the mean
     * error within 1e-5 of it (seen: up to 4e-6 in weight gradients, sums over 300 rows; a wrong kernel errs everywhere, not in a few
     * places).
     */
    private static void assertNear(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 1;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double mean = 0;
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-3 * scale, what + "[" + k + "]");
            mean += Math.abs(expected[k] - actual[k]) / expected.length;
        }
        assertTrue(mean < 1e-5 * scale, what + ": mean error " + mean + " at scale " + scale);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void float32AgreesWithFloat64(Case c) {
        Coupling c64 = c.make().apply(DataType.DOUBLE);
        Coupling c32 = c.make().apply(DataType.FLOAT);
        FiniteDifferences.perturb(c64, 0.2, 99);
        List<Parameter> p64 = c64.parameters(), p32 = c32.parameters();
        for (int i = 0; i < p64.size(); i++) {
            // the float64 coupling gets the float32 values, so both start from the same numbers
            p32.get(i).value().assign(p64.get(i).value().castTo(DataType.FLOAT));
            p64.get(i).value().assign(p32.get(i).value().castTo(DataType.DOUBLE));
        }
        for (boolean forward : new boolean[] {true, false}) {
            c64.zeroGrad();
            c32.zeroGrad();
            // the same numbers on both sides: the float32 input, widened
            INDArray x64 = input(DataType.FLOAT).castTo(DataType.DOUBLE);
            Transform.Pass a = forward ? c64.forwardPass(x64) : c64.inversePass(x64);
            Transform.Pass b = forward ? c32.forwardPass(input(DataType.FLOAT)) : c32.inversePass(input(DataType.FLOAT));
            assertEquals(DataType.FLOAT, b.output().dataType());
            assertEquals(DataType.DOUBLE, b.logDet().dataType());
            String dir = forward ? "forward " : "inverse ";
            assertNear(Batches.toDoubles(a.output()), Batches.toDoubles(b.output()), dir + "output");
            assertNear(Batches.toDoubles(a.logDet()), Batches.toDoubles(b.logDet()), dir + "logDet");
            INDArray g = input(DataType.DOUBLE).muli(0.3);
            INDArray gl = Batches.vector(Batches.toDoubles(input(DataType.DOUBLE).getColumn(0).dup()));
            double[] gin64 = Batches.toDoubles(a.backward(g, gl));
            INDArray gin32 = b.backward(g.castTo(DataType.FLOAT), gl);
            assertEquals(DataType.FLOAT, gin32.dataType());
            assertNear(gin64, Batches.toDoubles(gin32), dir + "input gradient");
            for (int i = 0; i < p64.size(); i++) {
                assertEquals(DataType.FLOAT, p32.get(i).grad().dataType());
                assertNear(Batches.toDoubles(p64.get(i).grad()), Batches.toDoubles(p32.get(i).grad()),
                        dir + p64.get(i).name() + " gradient");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void conditionerActivationsAreFloat32(Case c) {
        Coupling c32 = c.make().apply(DataType.FLOAT);
        Mlp mlp = c32.conditioner();
        INDArray in = Batches.uninitialized(DataType.FLOAT, 8, mlp.inputSize()).assign(0.5);
        Mlp.Pass p = mlp.forward(in, 8);
        assertEquals(DataType.FLOAT, p.output().dataType());
        assertEquals(DataType.FLOAT, p.backward(p.output().dup()).dataType());
    }
}
