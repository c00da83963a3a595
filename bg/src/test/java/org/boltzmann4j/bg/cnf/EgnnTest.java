package org.boltzmann4j.bg.cnf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The EGNN against independent references: rotated, reflected, translated and permuted inputs (the
 * symmetries the architecture must have), the trace of a central finite-difference Jacobian of
 * velocity() for the forward-mode divergence, and central finite differences of a scalar loss for
 * every parameter's gradient. The weights are re-drawn larger than the initialisation (whose last
 * coordinate layer is nearly zero), so that every path of the network contributes visibly.
 */
class EgnnTest {

    private static final int ATOMS = 6;
    private static final int FEATURES = 4;
    private static final int WIDTH = 8;

    /** Node features with atoms 1 and 4 identical (one type), the others distinct. */
    private static INDArray features(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] f = new double[ATOMS * FEATURES];
        for (int q = 0; q < f.length; q++) {
            f[q] = rng.nextGaussian();
        }
        System.arraycopy(f, FEATURES, f, 4 * FEATURES, FEATURES);
        return Batches.matrix(f, ATOMS, FEATURES, DataType.DOUBLE);
    }

    /** A network whose weights are all O(1 / sqrt(fan-in)) scaled up, coord2 included. */
    private static Egnn network(int layers, long seed) {
        Egnn net = new Egnn(new Egnn.Architecture(FEATURES, WIDTH, layers), seed);
        SplittableRandom rng = new SplittableRandom(seed + 99);
        for (Parameter p : net.parameters()) {
            double[] v = Batches.toDoubles(p.value());
            double scale = p.name().endsWith("coord2.w") ? 3.0 : 1.5;
            for (int q = 0; q < v.length; q++) {
                v[q] = scale * v[q] + (p.name().endsWith("coord2.w") ? 0.5 * rng.nextGaussian() : 0);
            }
            Batches.write(p.value(), v);
        }
        return net;
    }

    private static double[] coordinates(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[rows * 3 * ATOMS];
        for (int q = 0; q < x.length; q++) {
            x[q] = 0.3 * rng.nextGaussian();
        }
        return x;
    }

    private static INDArray batch(double[] x, int rows) {
        return Batches.matrix(x, rows, x.length / rows, DataType.DOUBLE);
    }

    /** A proper rotation from a random unit quaternion, or its product with a reflection. */
    private static double[][] orthogonal(SplittableRandom rng, boolean reflect) {
        double a = rng.nextGaussian();
        double b = rng.nextGaussian();
        double c = rng.nextGaussian();
        double d = rng.nextGaussian();
        double n = Math.sqrt(a * a + b * b + c * c + d * d);
        a /= n;
        b /= n;
        c /= n;
        d /= n;
        double[][] r = {
            {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d}};
        if (reflect) {
            for (int i = 0; i < 3; i++) {
                r[i][0] = -r[i][0];
            }
        }
        return r;
    }

    private static double[] transform(double[][] r, double[] shift, double[] x) {
        double[] y = new double[x.length];
        for (int a = 0; a < x.length / 3; a++) {
            for (int i = 0; i < 3; i++) {
                double s = shift[i];
                for (int k = 0; k < 3; k++) {
                    s += r[i][k] * x[3 * a + k];
                }
                y[3 * a + i] = s;
            }
        }
        return y;
    }

    private static void assertClose(double[] expected, double[] actual, double relative, String what) {
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertTrue(scale > 1e-3, what + ": reference too small to test (" + scale + ")");
        for (int q = 0; q < expected.length; q++) {
            assertEquals(expected[q], actual[q], relative * scale, what + " entry " + q);
        }
    }

    @Test
    void parametersAreNamedShapedAndInitialisedAsTheBriefSays() {
        Egnn net = new Egnn(new Egnn.Architecture(FEATURES, WIDTH, 2), 5);
        List<String> expected = new ArrayList<>(List.of("embed.w", "embed.b"));
        for (int l = 0; l < 2; l++) {
            for (String s : List.of("edge1.w", "edge1.b", "edge2.w", "edge2.b", "gate.w", "gate.b", "coord1.w",
                    "coord1.b", "coord2.w", "node1.w", "node1.b", "node2.w", "node2.b")) {
                expected.add("layer" + l + "." + s);
            }
        }
        List<String> names = net.parameters().stream().map(Parameter::name).toList();
        assertEquals(expected, names);
        int h = WIDTH;
        long[][] shapes = {{FEATURES + 1, h}, {h}, {2 * h + 2, h}, {h}, {h, h}, {h}, {h, 1}, {1}, {h, h}, {h}, {h, 1},
            {2 * h, h}, {h}, {h, h}, {h}};
        int[] fanIn = {FEATURES + 1, FEATURES + 1, 2 * h + 2, 2 * h + 2, h, h, h, h, h, h, h, 2 * h, 2 * h, h, h};
        for (int q = 0; q < 15; q++) {
            Parameter p = net.parameters().get(q);
            assertEquals(java.util.Arrays.toString(shapes[q]), java.util.Arrays.toString(p.value().shape()), p.name());
            assertEquals(DataType.DOUBLE, p.value().dataType());
            double bound = p.name().endsWith("coord2.w") ? 0.001 : 1 / Math.sqrt(fanIn[q]);
            double max = 0;
            for (double v : Batches.toDoubles(p.value())) {
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max <= bound && (p.size() < 8 || max > 0.5 * bound), p.name() + ": max |w| " + max + " against bound " + bound);
        }
        // deterministic from the seed
        Egnn again = new Egnn(new Egnn.Architecture(FEATURES, WIDTH, 2), 5);
        for (int q = 0; q < names.size(); q++) {
            assertEquals(net.parameters().get(q).value(), again.parameters().get(q).value());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void velocityIsEquivariantUnderRotationsReflectionsAndTranslations(boolean reflect) {
        Egnn net = network(2, 11);
        VectorField field = net.field(features(3));
        SplittableRandom rng = new SplittableRandom(reflect ? 8 : 7);
        int rows = 3;
        double[] x = coordinates(rows, 21);
        double[] v = Batches.toDoubles(field.velocity(batch(x, rows), 0.37));
        double[][] r = orthogonal(rng, reflect);
        double[] shift = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        double[] moved = transform(r, shift, x);
        double[] vMoved = Batches.toDoubles(field.velocity(batch(moved, rows), 0.37));
        assertClose(transform(r, new double[3], v), vMoved, 1e-10, "v(Rx + s) = R v(x)");
        // the divergence is invariant
        double[] div = Batches.toDoubles(field.velocityAndDivergence(batch(x, rows), 0.37).divergence());
        double[] divMoved = Batches.toDoubles(field.velocityAndDivergence(batch(moved, rows), 0.37).divergence());
        assertClose(div, divMoved, 1e-10, "div v(Rx + s) = div v(x)");
    }

    @Test
    void velocityPermutesWithAtomsOfOneType() {
        Egnn net = network(3, 12);
        VectorField field = net.field(features(3));
        int rows = 2;
        double[] x = coordinates(rows, 22);
        double[] swapped = x.clone();
        int d = 3 * ATOMS;
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < 3; c++) {
                swapped[b * d + 3 + c] = x[b * d + 12 + c];
                swapped[b * d + 12 + c] = x[b * d + 3 + c];
            }
        }
        double[] v = Batches.toDoubles(field.velocity(batch(x, rows), 0.6));
        double[] vs = Batches.toDoubles(field.velocity(batch(swapped, rows), 0.6));
        double[] expected = v.clone();
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < 3; c++) {
                expected[b * d + 3 + c] = v[b * d + 12 + c];
                expected[b * d + 12 + c] = v[b * d + 3 + c];
            }
        }
        assertClose(expected, vs, 1e-10, "v(Px) = P v(x)");
        // and a swap of atoms of different types is not a symmetry: the check can fail
        double[] other = x.clone();
        for (int c = 0; c < 3; c++) {
            other[3 + c] = x[6 + c];
            other[6 + c] = x[3 + c];
        }
        double[] vo = Batches.toDoubles(field.velocity(batch(other, rows), 0.6));
        assertTrue(Math.abs(vo[6] - v[3]) > 1e-6, "atoms of different types must not be interchangeable");
    }

    @Test
    void velocityIsCentredAndAgreesBetweenFieldAndTrainingPass() {
        Egnn net = network(2, 13);
        INDArray f = features(4);
        int rows = 4;
        double[] x = coordinates(rows, 23);
        double[] t = {0.1, 0.5, 0.9, 0.0};
        double[] vt = Batches.toDoubles(net.trainingPass(f, batch(x, rows), Batches.vector(t)).velocity());
        VectorField field = net.field(f);
        int d = 3 * ATOMS;
        for (int b = 0; b < rows; b++) {
            double[] row = java.util.Arrays.copyOfRange(x, b * d, (b + 1) * d);
            double[] v = Batches.toDoubles(field.velocity(batch(row, 1), t[b]));
            double[] v2 = Batches.toDoubles(field.velocityAndDivergence(batch(row, 1), t[b]).velocity());
            for (int q = 0; q < d; q++) {
                assertEquals(v[q], vt[b * d + q], 1e-14, "training pass against field, row " + b);
                assertEquals(v[q], v2[q], 1e-14, "velocity against velocityAndDivergence, row " + b);
            }
            for (int c = 0; c < 3; c++) {
                double s = 0;
                for (int a = 0; a < ATOMS; a++) {
                    s += v[3 * a + c];
                }
                assertEquals(0, s, 1e-14, "mean-free output");
            }
        }
    }

    /** The trace of the central finite-difference Jacobian of velocity(). */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void divergenceEqualsTraceOfFiniteDifferenceJacobian(int layers) {
        Egnn net = network(layers, 14 + layers);
        VectorField field = net.field(features(5));
        int rows = 3;
        int d = 3 * ATOMS;
        double[] x = coordinates(rows, 24);
        double time = 0.42;
        double[] div = Batches.toDoubles(field.velocityAndDivergence(batch(x, rows), time).divergence());
        double eps = 1e-5;
        double[] expected = new double[rows];
        double[] plus = x.clone();
        double[] minus = x.clone();
        for (int p = 0; p < d; p++) {
            for (int b = 0; b < rows; b++) {
                plus[b * d + p] += eps;
                minus[b * d + p] -= eps;
            }
            double[] vp = Batches.toDoubles(field.velocity(batch(plus, rows), time));
            double[] vm = Batches.toDoubles(field.velocity(batch(minus, rows), time));
            for (int b = 0; b < rows; b++) {
                expected[b] += (vp[b * d + p] - vm[b * d + p]) / (2 * eps);
                plus[b * d + p] = x[b * d + p];
                minus[b * d + p] = x[b * d + p];
            }
        }
        for (int b = 0; b < rows; b++) {
            assertTrue(Math.abs(expected[b]) > 0.05, "divergence too small to test: " + expected[b]);
            assertEquals(expected[b], div[b], 1e-7 * Math.max(1, Math.abs(expected[b])), "row " + b);
        }
    }

    /** sum(w * v) of a training pass, for finite differences. */
    private static double loss(Egnn net, INDArray f, double[] x, double[] t, double[] w) {
        double[] v = Batches.toDoubles(net.trainingPass(f, batch(x, t.length), Batches.vector(t)).velocity());
        double s = 0;
        for (int q = 0; q < v.length; q++) {
            s += w[q] * v[q];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void backwardEqualsFiniteDifferencesOfALoss(int layers) {
        Egnn net = network(layers, 30 + layers);
        INDArray f = features(6);
        int rows = 3;
        double[] x = coordinates(rows, 25);
        double[] t = {0.2, 0.55, 0.8};
        SplittableRandom rng = new SplittableRandom(40);
        double[] w = new double[x.length];
        for (int q = 0; q < w.length; q++) {
            w[q] = rng.nextGaussian();
        }
        net.parameters().forEach(Parameter::zeroGrad);
        net.trainingPass(f, batch(x, rows), Batches.vector(t)).backward(batch(w, rows));
        double eps = 1e-6;
        int checked = 0;
        for (Parameter p : net.parameters()) {
            double[] grad = Batches.toDoubles(p.grad());
            double[] value = Batches.toDoubles(p.value());
            boolean unused = p.name().startsWith("layer" + (layers - 1) + ".node");
            int samples = Math.min(value.length, 6);
            for (int s = 0; s < samples; s++) {
                int q = s == 0 ? 0 : rng.nextInt(value.length);
                double keep = value[q];
                value[q] = keep + eps;
                Batches.write(p.value(), value);
                double up = loss(net, f, x, t, w);
                value[q] = keep - eps;
                Batches.write(p.value(), value);
                double down = loss(net, f, x, t, w);
                value[q] = keep;
                Batches.write(p.value(), value);
                double fd = (up - down) / (2 * eps);
                if (unused) {
                    // the last layer's node update does not reach the output
                    assertEquals(0, grad[q], 0, p.name());
                    assertEquals(0, fd, 1e-12, p.name());
                } else {
                    assertEquals(fd, grad[q], 1e-6 * Math.max(1, Math.abs(fd)), p.name() + "[" + q + "]");
                    checked += Math.abs(fd) > 1e-4 ? 1 : 0;
                }
            }
        }
        assertTrue(checked > 20, "too few non-trivial gradient entries checked: " + checked);
    }

    @Test
    void gradientsAccumulateOverPasses() {
        Egnn net = network(2, 50);
        INDArray f = features(7);
        double[] x1 = coordinates(2, 26);
        double[] x2 = coordinates(3, 27);
        double[] g1 = coordinates(2, 28);
        double[] g2 = coordinates(3, 29);
        double[] t1 = {0.3, 0.7};
        double[] t2 = {0.1, 0.2, 0.95};
        net.parameters().forEach(Parameter::zeroGrad);
        net.trainingPass(f, batch(x1, 2), Batches.vector(t1)).backward(batch(g1, 2));
        List<double[]> first = net.parameters().stream().map(p -> Batches.toDoubles(p.grad())).toList();
        net.parameters().forEach(Parameter::zeroGrad);
        net.trainingPass(f, batch(x2, 3), Batches.vector(t2)).backward(batch(g2, 3));
        List<double[]> second = net.parameters().stream().map(p -> Batches.toDoubles(p.grad())).toList();
        net.parameters().forEach(Parameter::zeroGrad);
        net.trainingPass(f, batch(x1, 2), Batches.vector(t1)).backward(batch(g1, 2));
        net.trainingPass(f, batch(x2, 3), Batches.vector(t2)).backward(batch(g2, 3));
        // a pass's backward runs once (its activations go to the next passes)
        Egnn.TrainingPass once = net.trainingPass(f, batch(x1, 2), Batches.vector(t1));
        once.backward(batch(g1, 2));
        assertThrows(IllegalStateException.class, () -> once.backward(batch(g1, 2)));
        net.trainingPass(f, batch(x2, 3), Batches.vector(t2)).velocity(); // a pass never backwarded is fine
        net.parameters().forEach(Parameter::zeroGrad);
        net.trainingPass(f, batch(x1, 2), Batches.vector(t1)).backward(batch(g1, 2));
        net.trainingPass(f, batch(x2, 3), Batches.vector(t2)).backward(batch(g2, 3));
        for (int q = 0; q < first.size(); q++) {
            double[] both = Batches.toDoubles(net.parameters().get(q).grad());
            for (int k = 0; k < both.length; k++) {
                assertEquals(first.get(q)[k] + second.get(q)[k], both[k], 1e-12 * (1 + Math.abs(both[k])),
                        net.parameters().get(q).name());
            }
        }
    }

    @Test
    void siluKernelAgreesWithTheExponential() {
        int n = 20001;
        double[] z = new double[n];
        for (int k = 0; k < n; k++) {
            z[k] = -60 + 120.0 * k / (n - 1);
        }
        double[] act = new double[n];
        double[] slope = new double[n];
        Egnn.silu(z, act, slope, n);
        for (int k = 0; k < n; k++) {
            double s = 1 / (1 + Math.exp(-z[k]));
            double a = z[k] * s;
            double ds = s * (1 + z[k] * (1 - s));
            assertEquals(a, act[k], 1e-13 * Math.abs(a) + 1e-15, "silu(" + z[k] + ")");
            assertEquals(ds, slope[k], 1e-13 * Math.abs(ds) + 1e-15, "silu'(" + z[k] + ")");
        }
    }

    @Test
    void badShapesAreRefusedWithTheirNames() {
        Egnn net = network(1, 60);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.field(Batches.matrix(new double[12], 4, 3, DataType.DOUBLE)));
        assertTrue(e.getMessage().contains("node features"), e.getMessage());
        VectorField field = net.field(features(1));
        assertThrows(IllegalArgumentException.class,
                () -> field.velocity(Batches.matrix(new double[10], 1, 10, DataType.DOUBLE), 0.5));
        assertThrows(IllegalArgumentException.class,
                () -> net.trainingPass(features(1), batch(coordinates(2, 1), 2), Batches.vector(new double[] {0.5})));
    }
}
