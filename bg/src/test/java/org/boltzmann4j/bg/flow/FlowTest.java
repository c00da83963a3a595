package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FlowTest {

    private static final boolean[] MIXED = {false, true, false, true};

    private static Flow splineFlow(boolean[] circular, int layers, long seed, DataType type) {
        List<Transform> ts = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            ts.add(RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(circular, i % 2), seed + i)
                    .bins(6).bound(4.0).hidden(16, 16).dataType(type).build());
        }
        return new Flow(ts);
    }

    private static INDArray mixedInput(int n, boolean[] circular, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = circular.length;
        double[] a = new double[n * d];
        for (int k = 0; k < a.length; k++) {
            a[k] = circular[k % d] ? rng.nextDouble(-Math.PI, Math.PI) : rng.nextGaussian();
        }
        return Batches.matrix(a, n, d, DataType.DOUBLE);
    }

    @Test
    void float32FlowsTakeFloat32AndRejectFloat64() {
        Flow f64 = splineFlow(MIXED, 2, 1, DataType.DOUBLE);
        Flow f32 = splineFlow(MIXED, 2, 1, DataType.FLOAT);
        FiniteDifferences.perturb(f64, 0.3, 2);
        FiniteDifferences.perturb(f32, 0.3, 2);
        INDArray z = mixedInput(16, MIXED, 3);
        assertThrows(IllegalArgumentException.class, () -> f32.forward(z));
        assertThrows(IllegalArgumentException.class, () -> f64.forward(z.castTo(DataType.FLOAT)));
        Transform.Result r32 = f32.forward(z.castTo(DataType.FLOAT));
        Transform.Result r64 = f64.forward(z);
        assertEquals(DataType.FLOAT, r32.output().dataType());
        assertEquals(DataType.DOUBLE, r32.logDet().dataType(), "log-determinants are always float64");
        FiniteDifferences.assertArrayClose(r64.output(), r32.output().castTo(DataType.DOUBLE), 1e-4, "float32 output");
        FiniteDifferences.assertArrayClose(r64.logDet(), r32.logDet(), 1e-3, "float32 logDet");
        Transform.Pass p = f32.inversePass(r32.output());
        INDArray g = p.backward(Nd4j.ones(DataType.FLOAT, 16, 4), Nd4j.ones(DataType.DOUBLE, 16));
        assertEquals(DataType.FLOAT, g.dataType());
        assertEquals(DataType.FLOAT, f32.parameters().getFirst().grad().dataType());
    }

    @Test
    void wrongShapesAreRejected() {
        Flow f = splineFlow(MIXED, 1, 1, DataType.DOUBLE);
        assertThrows(IllegalArgumentException.class, () -> f.forward(Nd4j.zeros(DataType.DOUBLE, 3, 5)));
        assertThrows(IllegalArgumentException.class, () -> f.forward(Nd4j.zeros(DataType.DOUBLE, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> Flow.of(Permutation.reverse(3), Permutation.reverse(4)));
        assertThrows(IllegalArgumentException.class,
                () -> RealNvpCoupling.builder(CouplingMask.alternating(MIXED, 1), 1).build());
    }

    @Test
    void largeBatchesAreDeterministicAndAgreeWithSmallOnes() {
        boolean[] circular = {false, true, false, true, false, true, false, true};
        Flow f = splineFlow(circular, 2, 5, DataType.DOUBLE);
        FiniteDifferences.perturb(f, 0.3, 6);
        int n = 5000; // 5000 x 4 transformed elements: the parallel path
        INDArray x = mixedInput(n, circular, 7);
        Transform.Pass a = f.inversePass(x);
        Transform.Pass b = f.inversePass(x);
        assertArrayEquals(Batches.toDoubles(a.output()), Batches.toDoubles(b.output()), "same input, same bits");
        INDArray head = x.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all());
        Transform.Result small = f.inverse(head);
        FiniteDifferences.assertArrayClose(small.output(), a.output().get(NDArrayIndex.interval(0, 10),
                NDArrayIndex.all()), 1e-12, "rows do not depend on the batch");
        f.zeroGrad();
        a.backward(Nd4j.ones(DataType.DOUBLE, n, 8), Nd4j.ones(DataType.DOUBLE, n));
        double[] g1 = Batches.toDoubles(f.parameters().get(1).grad());
        f.zeroGrad();
        b.backward(Nd4j.ones(DataType.DOUBLE, n, 8), Nd4j.ones(DataType.DOUBLE, n));
        assertArrayEquals(g1, Batches.toDoubles(f.parameters().get(1).grad()), "same gradients");
    }

    @Test
    void namedParametersArePrefixedByPosition() {
        Flow f = Flow.of(ElementwiseAffine.trainable(4, DataType.DOUBLE), splineFlow(MIXED, 1, 1, DataType.DOUBLE));
        var names = f.namedParameters().keySet();
        assertTrue(names.contains("0.shift"), names.toString());
        assertTrue(names.contains("1.0.conditioner.layer0.weight"), names.toString());
        assertEquals(f.parameters().size(), names.size());
    }

    /**
     * Maximum likelihood through the inverse pass and its backward: a few hundred Adam steps on
     * a normal coordinate and a wrapped-normal angle must lower the NLL well below the base density's.
     */
    @Test
    void maximumLikelihoodTrainingLowersTheNll() {
        boolean[] circular = {false, true};
        Flow flow = splineFlow(circular, 2, 11, DataType.DOUBLE);
        Distribution base = ProductDistribution.normalAndCircle(circular);
        SplittableRandom rng = new SplittableRandom(12);
        int n = 256;
        List<Parameter> ps = flow.parameters();
        List<INDArray> m = new ArrayList<>();
        List<INDArray> v = new ArrayList<>();
        for (Parameter p : ps) {
            m.add(p.value().ulike().assign(0));
            v.add(p.value().ulike().assign(0));
        }
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 1; step <= 200; step++) {
            double[] x = new double[n * 2];
            for (int r = 0; r < n; r++) {
                x[2 * r] = 1.0 + 0.5 * rng.nextGaussian();
                x[2 * r + 1] = CircularShift.wrap(2.5 + 0.4 * rng.nextGaussian());
            }
            Transform.Pass pass = flow.inversePass(Batches.matrix(x, n, 2, DataType.DOUBLE));
            double nll = -(base.logProb(pass.output()).sumNumber().doubleValue()
                    + pass.logDet().sumNumber().doubleValue()) / n;
            if (step == 1) {
                first = nll;
            }
            last = nll;
            flow.zeroGrad();
            pass.backward(base.gradLogProb(pass.output()).muli(-1.0 / n),
                    Nd4j.valueArrayOf(new long[] {n}, -1.0 / n, DataType.DOUBLE));
            for (int i = 0; i < ps.size(); i++) {
                // Adam (Kingma and Ba 2015), lr 1e-2
                INDArray g = ps.get(i).grad();
                m.get(i).muli(0.9).addi(g.mul(0.1));
                v.get(i).muli(0.999).addi(g.mul(g).muli(0.001));
                INDArray mh = m.get(i).div(1 - Math.pow(0.9, step));
                INDArray vh = v.get(i).div(1 - Math.pow(0.999, step));
                ps.get(i).value().subi(mh.divi(org.nd4j.linalg.ops.transforms.Transforms.sqrt(vh).addi(1e-8)).muli(1e-2));
            }
        }
        // identity start: 0.5 E x0^2 + 0.5 log 2 pi + log 2 pi = 3.38; optimum 0.73 + 0.50 = 1.23
        assertEquals(3.38, first, 0.15);
        assertTrue(last < 1.6, "NLL after training " + last);
    }
}
