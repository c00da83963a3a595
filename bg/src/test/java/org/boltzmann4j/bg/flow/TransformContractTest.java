package org.boltzmann4j.bg.flow;

import static org.boltzmann4j.bg.flow.FiniteDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.boltzmann4j.bg.coordinates.InternalCoordinateDomain;
import org.boltzmann4j.bg.coordinates.InternalCoordinateLayout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The contract every transform keeps, checked on random non-identity parameters: inverse undoes
 * forward, logDet is log|det| of a finite-difference Jacobian in both directions, and backward
 * agrees with finite differences of a scalar loss for inputs and parameters in both directions.
 * A float32 variant (finite differences are meaningless at its precision) keeps float32 outputs
 * and float64 log-dets, and agrees with the float64 transform of the same parameters in both
 * directions, log-dets and backward passes, to float32 precision.
 */
class TransformContractTest {

    private static final int N = 4;
    private static final boolean[] MIXED = {false, true, false, true, false};

    /**
     * @param dataFromForward inverse-side inputs are forward images of latent inputs (for a map onto
     *     a constrained domain, where a random point of R^d is not a valid input of the inverse)
     * @param make32 the same transform in float32 (same seeds, so the same parameter shapes), or null
     */
    record Case(String name, Supplier<Transform> make, boolean[] circularIn, boolean[] circularOut, boolean dataFromForward,
            Supplier<Transform> make32) {
        Case(String name, Supplier<Transform> make, boolean[] circularIn, boolean[] circularOut) {
            this(name, make, circularIn, circularOut, false, null);
        }

        Case withFloat32(Supplier<Transform> float32) {
            return new Case(name, make, circularIn, circularOut, dataFromForward, float32);
        }

        /** An input of the inverse direction. */
        INDArray dataInput(Transform t, long seed) {
            return dataFromForward ? t.forward(input(seed)).output() : input(seed);
        }

        Transform build() {
            Transform t = make.get();
            // composed flows amplify: a coupling fed large outputs of another can become so
            // contracting (|det| ~ e^-15) that finite differences lose their accuracy
            FiniteDifferences.perturb(t, t instanceof Flow ? 0.15 : 0.4, name.hashCode());
            return t;
        }

        /** Interval coordinates ~ N(0, 1.5^2) (some in the spline tails), angles away from the seam. */
        INDArray input(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int d = circularIn.length;
            double[] a = new double[N * d];
            for (int k = 0; k < a.length; k++) {
                a[k] = circularIn[k % d] ? rng.nextDouble(-Math.PI + 0.3, Math.PI - 0.3) : 1.5 * rng.nextGaussian();
            }
            return Batches.matrix(a, N, d, DataType.DOUBLE);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static boolean[] none(int d) {
        return new boolean[d];
    }

    static Stream<Case> cases() {
        Permutation random = Permutation.random(5, 7);
        RealNvpCoupling.Builder nvpInterval = RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 2, 4}, MIXED), 3);
        return Stream.of(
                new Case("ElementwiseAffine", () -> ElementwiseAffine.trainable(4, DataType.DOUBLE), none(4), none(4))
                        .withFloat32(() -> ElementwiseAffine.trainable(4, DataType.FLOAT)),
                new Case("CircularShift", () -> new CircularShift(new double[] {0, 2.5, 0, -1.2, 0}, MIXED, DataType.DOUBLE), MIXED, MIXED)
                        .withFloat32(() -> new CircularShift(new double[] {0, 2.5, 0, -1.2, 0}, MIXED, DataType.FLOAT)),
                // 5 atoms without the rigid body: bonds 0-3 (exp), angles 4-6 (pi sigmoid), torsion 7 bounded about 2.9 rad
                // (its latent side is R, its data side the circle), torsion 8 circular and unchanged
                new Case("InternalCoordinateDomain",
                        () -> new InternalCoordinateDomain(new InternalCoordinateLayout(5, false),
                                new boolean[] {false, false, false, false, false, false, false, true, false},
                                new double[] {0, 0, 0, 0, 0, 0, 0, 2.9, 0}),
                        new boolean[] {false, false, false, false, false, false, false, false, true},
                        new boolean[] {false, false, false, false, false, false, false, true, true}, true, null),
                // affine on the interval dimension 0, circular splines on the circular 1 and 3
                new Case("RealNvpCoupling.circularBins",
                        () -> RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 1, 3}, MIXED), 14).hidden(8).circularBins(5).build(),
                        MIXED, MIXED),
                new Case("Permutation.random", () -> random, MIXED, random.permute(MIXED)),
                new Case("Permutation.swapBlocks", () -> Permutation.swapBlocks(4, 1), none(4), none(4))
                        .withFloat32(() -> new Permutation(new int[] {1, 2, 3, 0}, DataType.FLOAT)),
                new Case("RealNvpCoupling.tanh",
                        () -> RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 4}, MIXED), 1).hidden(8, 8).build(),
                        MIXED, MIXED)
                        .withFloat32(() -> RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 4}, MIXED), 1).hidden(8, 8)
                                .dataType(DataType.FLOAT).build()),
                new Case("RealNvpCoupling.softplus",
                        () -> RealNvpCoupling.builder(CouplingMask.of(new int[] {1, 2}, none(4)), 2).hidden(8)
                                .scale(RealNvpCoupling.Scale.SOFTPLUS).activation(Mlp.Activation.TANH).build(),
                        none(4), none(4)),
                new Case("Spline.interval",
                        () -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(none(4), 1), 4)
                                .bins(5).bound(3.0).hidden(8, 8).build(),
                        none(4), none(4))
                        .withFloat32(() -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(none(4), 1), 4)
                                .bins(5).bound(3.0).hidden(8, 8).dataType(DataType.FLOAT).build()),
                new Case("Spline.circular",
                        () -> RationalQuadraticSplineCoupling.builder(
                                CouplingMask.of(new int[] {0, 2}, new boolean[] {true, true, true}), 5)
                                .bins(6).hidden(8).build(),
                        new boolean[] {true, true, true}, new boolean[] {true, true, true}),
                new Case("Spline.mixed",
                        () -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 6)
                                .bins(4).bound(3.0).hidden(8, 8).build(),
                        MIXED, MIXED)
                        .withFloat32(() -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 6)
                                .bins(4).bound(3.0).hidden(8, 8).dataType(DataType.FLOAT).build()),
                new Case("Spline.mixedComplement",
                        () -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 1), 7)
                                .bins(4).bound(3.0).hidden(8).activation(Mlp.Activation.TANH).build(),
                        MIXED, MIXED),
                new Case("Spline.unconditionedCircle",
                        () -> RationalQuadraticSplineCoupling.builder(
                                CouplingMask.of(new int[] {0}, new boolean[] {true}), 8).bins(5).hidden(4).build(),
                        new boolean[] {true}, new boolean[] {true}),
                new Case("Flow.mixed",
                        () -> Flow.of(
                                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 9)
                                        .bins(4).bound(3.0).hidden(8).build(),
                                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 1), 10)
                                        .bins(4).bound(3.0).hidden(8).build(),
                                nvpInterval.hidden(8).build()),
                        MIXED, MIXED)
                        .withFloat32(() -> Flow.of(
                                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 9)
                                        .bins(4).bound(3.0).hidden(8).dataType(DataType.FLOAT).build(),
                                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 1), 10)
                                        .bins(4).bound(3.0).hidden(8).dataType(DataType.FLOAT).build(),
                                RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 2, 4}, MIXED), 3).hidden(8)
                                        .dataType(DataType.FLOAT).build())),
                new Case("Flow.interval",
                        () -> Flow.of(
                                RealNvpCoupling.builder(CouplingMask.alternating(none(4), 0), 11).hidden(8).build(),
                                Permutation.random(4, 12),
                                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(none(4), 0), 13)
                                        .bins(4).bound(3.0).hidden(8).build(),
                                ElementwiseAffine.trainable(4, DataType.DOUBLE)),
                        none(4), none(4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inverseUndoesForward(Case c) {
        Transform t = c.build();
        for (boolean forwardFirst : new boolean[] {true, false}) {
            INDArray in = forwardFirst ? c.input(100) : c.dataInput(t, 100);
            boolean[] inFlags = forwardFirst ? c.circularIn() : c.circularOut();
            Transform.Result there = forwardFirst ? t.forward(in) : t.inverse(in);
            Transform.Result back = forwardFirst ? t.inverse(there.output()) : t.forward(there.output());
            double[] a = Batches.toDoubles(in);
            double[] b = Batches.toDoubles(back.output());
            int d = t.dimension();
            for (int k = 0; k < a.length; k++) {
                assertEquals(0, FiniteDifferences.diff(b[k], a[k], inFlags[k % d]), 1e-10,
                        c.name() + " round trip, entry " + k);
            }
            FiniteDifferences.assertArrayClose(there.logDet().neg(), back.logDet(), 1e-10, c.name() + " logDet sum");
            assertEquals(DataType.DOUBLE, there.logDet().dataType());
            assertEquals(N, there.logDet().length());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void logDetIsLogAbsDetOfJacobian(Case c) {
        Transform t = c.build();
        for (boolean forward : new boolean[] {true, false}) {
            INDArray in = forward ? c.input(200) : c.dataInput(t, 300);
            double[] ld = Batches.toDoubles((forward ? t.forward(in) : t.inverse(in)).logDet());
            for (int r = 0; r < N; r++) {
                boolean[] outFlags = forward ? c.circularOut() : c.circularIn();
                double[][] jac = FiniteDifferences.jacobian(t, in, r, forward, outFlags);
                double fd = FiniteDifferences.logAbsDet(jac);
                assertClose(fd, ld[r], 1e-6, c.name() + (forward ? " forward" : " inverse") + " logDet row " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferencesForward(Case c) {
        Transform t = c.build();
        FiniteDifferences.checkBackward(t, c.input(400), true, c.circularOut(), 41, 6, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferencesInverse(Case c) {
        Transform t = c.build();
        FiniteDifferences.checkBackward(t, c.dataInput(t, 500), false, c.circularIn(), 42, 6, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parametersHaveUniqueNamesAndMatchingGradients(Case c) {
        Transform t = c.build();
        List<Parameter> ps = t.parameters();
        assertEquals(ps.size(), t.namedParameters().size());
        for (Parameter p : ps) {
            assertTrue(java.util.Arrays.equals(p.value().shape(), p.grad().shape()), p.name());
            assertEquals(t.dataType(), p.value().dataType(), p.name());
        }
    }

    static Stream<Case> float32Cases() {
        return cases().filter(c -> c.make32() != null);
    }

    /**
     * float32 against float64 with the same parameters, on the same inputs: outputs and log-dets
     * within 2e-5 (1 + |value|), gradients within 1e-4 (1 + |value|): about 100 float32 ulps after a
     * few layers; a float32 path that computed something else (a missing term, a wrong cast of a
     * parameter) is off by O(1).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("float32Cases")
    void float32AgreesWithFloat64(Case c) {
        Transform t64 = c.build();
        Transform t32 = c.make32().get();
        assertEquals(DataType.FLOAT, t32.dataType());
        List<Parameter> p64 = t64.parameters(), p32 = t32.parameters();
        assertEquals(p64.size(), p32.size());
        for (int i = 0; i < p64.size(); i++) {
            assertEquals(DataType.FLOAT, p32.get(i).value().dataType(), p32.get(i).name());
            p32.get(i).value().assign(p64.get(i).value().castTo(DataType.FLOAT));
        }
        for (boolean forward : new boolean[] {true, false}) {
            INDArray in = forward ? c.input(600) : c.dataInput(t64, 700);
            // the float64 transform sees exactly the float32 input
            INDArray in64 = in.castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
            Transform.Pass a = forward ? t64.forwardPass(in64) : t64.inversePass(in64);
            Transform.Pass b = forward ? t32.forwardPass(in64.castTo(DataType.FLOAT)) : t32.inversePass(in64.castTo(DataType.FLOAT));
            String where = c.name() + (forward ? " forward" : " inverse");
            assertEquals(DataType.FLOAT, b.output().dataType(), where + " output type");
            assertEquals(DataType.DOUBLE, b.logDet().dataType(), where + " logDet type");
            boolean[] flags = forward ? c.circularOut() : c.circularIn();
            close(Batches.toDoubles(a.output()), Batches.toDoubles(b.output().castTo(DataType.DOUBLE)), flags, 2e-5, where + " output");
            close(Batches.toDoubles(a.logDet()), Batches.toDoubles(b.logDet()), null, 2e-5, where + " logDet");
            SplittableRandom rng = new SplittableRandom(forward ? 61 : 62);
            int d = (int) a.output().size(1);
            double[] g = new double[N * d], gl = new double[N];
            for (int k = 0; k < g.length; k++) g[k] = rng.nextGaussian();
            for (int k = 0; k < N; k++) gl[k] = rng.nextGaussian();
            t64.zeroGrad();
            t32.zeroGrad();
            INDArray gradOut = Batches.matrix(g, N, d, DataType.DOUBLE);
            INDArray gradLogDet = Nd4j.create(gl, new long[] {N}, DataType.DOUBLE);
            double[] ga = Batches.toDoubles(a.backward(gradOut, gradLogDet));
            double[] gb = Batches.toDoubles(b.backward(gradOut.castTo(DataType.FLOAT), gradLogDet).castTo(DataType.DOUBLE));
            close(ga, gb, null, 1e-4, where + " dL/d(input)");
            for (int i = 0; i < p64.size(); i++) {
                close(Batches.toDoubles(p64.get(i).grad()), Batches.toDoubles(p32.get(i).grad().castTo(DataType.DOUBLE)), null, 1e-4,
                        where + " dL/d" + p64.get(i).name());
            }
        }
    }

    private static void close(double[] expected, double[] actual, boolean[] circular, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int k = 0; k < expected.length; k++) {
            boolean wrap = circular != null && circular[k % circular.length];
            double err = Math.abs(FiniteDifferences.diff(actual[k], expected[k], wrap));
            assertTrue(err <= tolerance * (1 + Math.abs(expected[k])), what + " entry " + k + ": " + actual[k] + " vs " + expected[k]);
        }
    }
}
