package org.boltzmann4j.bg.training;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.flow.CouplingMask;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.flow.Parameter;
import org.boltzmann4j.bg.flow.RationalQuadraticSplineCoupling;
import org.boltzmann4j.bg.flow.RealNvpCoupling;
import org.boltzmann4j.bg.flow.Transform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Small flows on R^2 built from the flow package, for the tests of training. */
public final class TestFlows {

    private TestFlows() {}

    /**
     * {@code layers} rational-quadratic spline couplings with alternating masks (x1 given x2, then
     * x2 given x1, ...), 8 bins on [-bound, bound], conditioners with two hidden layers.
     */
    public static Flow splines2d(int layers, int hidden, double bound, long seed) {
        boolean[] circular = {false, false};
        List<Transform> ts = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            ts.add(RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(circular, i % 2), seed + i)
                    .bins(8).bound(bound).hidden(hidden, hidden).build());
        }
        return new Flow(ts);
    }

    /** A spline coupling followed by an affine coupling, with every parameter set randomly. */
    public static Flow randomMixed2d(long seed) {
        boolean[] circular = {false, false};
        Flow flow = Flow.of(
                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(circular, 0), seed).bins(5)
                        .bound(3).hidden(8).build(),
                RealNvpCoupling.builder(CouplingMask.alternating(circular, 1), seed + 1).hidden(8).build());
        randomize(flow, 0.3, seed + 2);
        return flow;
    }

    /** Replaces every parameter value by independent N(0, scale^2) draws. */
    public static void randomize(Transform flow, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : flow.parameters()) {
            double[] v = new double[(int) p.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = scale * rng.nextGaussian();
            }
            p.value().assign(Nd4j.create(v, p.value().shape(), DataType.DOUBLE).castTo(p.value().dataType()));
        }
    }

    /** Every parameter value, concatenated in the flow's order. */
    public static double[] values(Transform flow) {
        List<Double> all = new ArrayList<>();
        for (Parameter p : flow.parameters()) {
            for (double v : p.value().dup('c').data().asDouble()) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
