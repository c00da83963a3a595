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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The contract every transform keeps, checked on random non-identity parameters: inverse undoes
 * forward, logDet is log|det| of a finite-difference Jacobian in both directions, and backward
 * agrees with finite differences of a scalar loss for inputs and parameters in both directions.
 */
class TransformContractTest {

    private static final int N = 4;
    private static final boolean[] MIXED = {false, true, false, true, false};

    record Case(String name, Supplier<Transform> make, boolean[] circularIn, boolean[] circularOut) {
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

    private static INDArray correlatedData(int m, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[m * d];
        for (int r = 0; r < m; r++) {
            double prev = 0;
            for (int j = 0; j < d; j++) {
                prev = 0.7 * prev + (j + 1) * rng.nextGaussian() + j;
                a[r * d + j] = prev;
            }
        }
        return Batches.matrix(a, m, d, DataType.DOUBLE);
    }

    static Stream<Case> cases() {
        Permutation random = Permutation.random(5, 7);
        RealNvpCoupling.Builder nvpInterval = RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 2, 4}, MIXED), 3);
        return Stream.of(
                new Case("ElementwiseAffine", () -> ElementwiseAffine.trainable(4, DataType.DOUBLE), none(4), none(4)),
                new Case("Whitening.CHOLESKY",
                        () -> Whitening.fit(correlatedData(200, 4, 1), Whitening.Method.CHOLESKY, DataType.DOUBLE),
                        none(4), none(4)),
                new Case("Whitening.PCA",
                        () -> Whitening.fit(correlatedData(200, 4, 2), Whitening.Method.PCA, DataType.DOUBLE),
                        none(4), none(4)),
                new Case("Permutation.random", () -> random, MIXED, random.permute(MIXED)),
                new Case("Permutation.swapBlocks", () -> Permutation.swapBlocks(4, 1), none(4), none(4)),
                new Case("RealNvpCoupling.tanh",
                        () -> RealNvpCoupling.builder(CouplingMask.of(new int[] {0, 4}, MIXED), 1).hidden(8, 8).build(),
                        MIXED, MIXED),
                new Case("RealNvpCoupling.softplus",
                        () -> RealNvpCoupling.builder(CouplingMask.of(new int[] {1, 2}, none(4)), 2).hidden(8)
                                .scale(RealNvpCoupling.Scale.SOFTPLUS).activation(Mlp.Activation.TANH).build(),
                        none(4), none(4)),
                new Case("Spline.interval",
                        () -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(none(4), 1), 4)
                                .bins(5).bound(3.0).hidden(8, 8).build(),
                        none(4), none(4)),
                new Case("Spline.circular",
                        () -> RationalQuadraticSplineCoupling.builder(
                                CouplingMask.of(new int[] {0, 2}, new boolean[] {true, true, true}), 5)
                                .bins(6).hidden(8).build(),
                        new boolean[] {true, true, true}, new boolean[] {true, true, true}),
                new Case("Spline.mixed",
                        () -> RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(MIXED, 0), 6)
                                .bins(4).bound(3.0).hidden(8, 8).build(),
                        MIXED, MIXED),
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
                        MIXED, MIXED),
                new Case("Flow.interval",
                        () -> Flow.of(
                                RealNvpCoupling.builder(CouplingMask.alternating(none(4), 0), 11).hidden(8).build(),
                                Permutation.random(4, 12),
                                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(none(4), 0), 13)
                                        .bins(4).bound(3.0).hidden(8).build(),
                                ElementwiseAffine.trainable(4, DataType.DOUBLE),
                                // the data side of a flow: colours z into the data's scale
                                Whitening.fit(correlatedData(100, 4, 3), Whitening.Method.PCA, DataType.DOUBLE)),
                        none(4), none(4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inverseUndoesForward(Case c) {
        Transform t = c.build();
        for (boolean forwardFirst : new boolean[] {true, false}) {
            INDArray in = c.input(100);
            Transform.Result there = forwardFirst ? t.forward(in) : t.inverse(in);
            Transform.Result back = forwardFirst ? t.inverse(there.output()) : t.forward(there.output());
            double[] a = Batches.toDoubles(in);
            double[] b = Batches.toDoubles(back.output());
            int d = t.dimension();
            for (int k = 0; k < a.length; k++) {
                assertEquals(0, FiniteDifferences.diff(b[k], a[k], c.circularIn()[k % d]), 1e-10,
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
            INDArray in = c.input(forward ? 200 : 300);
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
        FiniteDifferences.checkBackward(t, c.input(500), false, c.circularIn(), 42, 6, 1e-6);
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
}
