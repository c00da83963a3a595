package org.boltzmann4j.bg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToDoubleFunction;
import org.boltzmann4j.bg.energy.DoubleWell2D;
import org.boltzmann4j.bg.energy.RegularizedEnergy;
import org.boltzmann4j.bg.flow.Distribution;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.flow.Parameter;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The hand-written loss gradients, pushed through a small random flow (a spline coupling and an
 * affine coupling), against central finite differences of the loss value in a few parameter
 * entries of every parameter array.
 *
 * <p>Tolerance: h = 1e-5 gives a truncation error h^2 |L'''| / 6 ~ 1e-10 and a rounding error
 * ~ 1e-16 |L| / h ~ 1e-10 for losses of order 10, so 1e-6 (1 + |g|) is 1e4 times the expected
 * error and far below the O(|g|) error of a wrong term or factor.
 */
class LossGradientTest {

    private static final Distribution BASE = Distribution.standardNormal(2);

    private static void checkGradient(Flow flow, Loss loss, Loss.Batch batch) {
        flow.zeroGrad();
        loss.backward(batch);
        ToDoubleFunction<Loss.Batch> value = b -> loss.evaluate(b).loss();
        double h = 1e-5;
        int checked = 0;
        for (Parameter p : flow.parameters()) {
            INDArray flat = p.value().reshape(p.value().length());
            INDArray grad = p.grad().dup('c').reshape(p.value().length());
            long len = flat.length();
            for (long k : new long[] {0, len / 2, len - 1}) {
                double original = flat.getDouble(k);
                flat.putScalar(k, original + h);
                double plus = value.applyAsDouble(batch);
                flat.putScalar(k, original - h);
                double minus = value.applyAsDouble(batch);
                flat.putScalar(k, original);
                double fd = (plus - minus) / (2 * h);
                double g = grad.getDouble(k);
                assertEquals(fd, g, 1e-6 * (1 + Math.abs(g)), p.name() + "[" + k + "]");
                checked++;
            }
        }
        assertTrue(checked >= 12, "checked " + checked + " entries");
    }

    @Test
    void maximumLikelihoodGradient() {
        Flow flow = TestFlows.randomMixed2d(21);
        INDArray x = BASE.sample(64, 3).muli(1.5);
        checkGradient(flow, new MaximumLikelihood(BASE, flow), new Loss.Batch(0, x, null));
    }

    @Test
    void reverseKlGradient() {
        Flow flow = TestFlows.randomMixed2d(22);
        INDArray z = BASE.sample(64, 4);
        ReverseKl kl = new ReverseKl(BASE, flow, DoubleWell2D.noe2019(), 1.3);
        checkGradient(flow, kl, new Loss.Batch(0, null, z));
    }

    /** With a cutoff below most sampled energies the regularised branch of the gradient is exercised. */
    @Test
    void reverseKlGradientThroughARegularizedEnergy() {
        Flow flow = TestFlows.randomMixed2d(23);
        INDArray z = BASE.sample(64, 5).muli(2);
        ReverseKl kl = new ReverseKl(BASE, flow, new RegularizedEnergy(DoubleWell2D.noe2019(), -5, 1e6), 1.0);
        checkGradient(flow, kl, new Loss.Batch(0, null, z));
    }

    @Test
    void mixedLossGradientIsTheWeightedSum() {
        Flow flow = TestFlows.randomMixed2d(24);
        MixedLoss mixed = new MixedLoss(new MaximumLikelihood(BASE, flow),
                new ReverseKl(BASE, flow, DoubleWell2D.noe2019(), 1.0), null, Schedule.constant(0.7),
                Schedule.ramp(0, 10, 0, 1), Schedule.constant(0));
        checkGradient(flow, mixed, new Loss.Batch(4, BASE.sample(32, 6), BASE.sample(32, 7)));
    }

    @Test
    void mixedLossReportsItsPartsAndSkipsZeroWeights() {
        Flow flow = TestFlows.randomMixed2d(25);
        MaximumLikelihood ml = new MaximumLikelihood(BASE, flow);
        ReverseKl kl = new ReverseKl(BASE, flow, DoubleWell2D.noe2019(), 1.0);
        ReweightedForwardKl rw = new ReweightedForwardKl(BASE, flow, DoubleWell2D.noe2019(), 1.0);
        MixedLoss mixed = new MixedLoss(ml, kl, rw, Schedule.constant(1), Schedule.ramp(10, 20, 0, 0.5),
                Schedule.ramp(20, 30, 0, 2));
        INDArray x = BASE.sample(32, 6);
        INDArray z = BASE.sample(32, 7);
        // before the ramp: example only; no latent batch needed
        Loss.Report early = mixed.evaluate(new Loss.Batch(5, x, null));
        assertEquals(ml.evaluate(new Loss.Batch(5, x, null)).loss(), early.loss(), 0);
        assertTrue(Double.isNaN(early.energyLoss()) && Double.isNaN(early.ess()));
        // half way up the ramp: weight 0.25
        Loss.Report mid = mixed.evaluate(new Loss.Batch(15, x, z));
        Loss.Report klPart = kl.evaluate(new Loss.Batch(15, x, z));
        assertEquals(early.exampleLoss() + 0.25 * klPart.loss(), mid.loss(), 1e-12);
        assertEquals(klPart.meanReducedEnergy(), mid.meanReducedEnergy(), 0);
        // the ESS of the reported batch: the Kish formula on log w = -U(F(z))/kT - log q(F(z)), written out here
        assertEquals(kishEss(flow, DoubleWell2D.noe2019(), z), mid.ess(), 1e-12);
        assertTrue(Double.isNaN(mid.reweightedLoss()));
        // at the end of both ramps: all three terms
        Loss.Report late = mixed.evaluate(new Loss.Batch(40, x, z));
        assertEquals(early.exampleLoss() + 0.5 * klPart.loss() + 2 * rw.evaluate(new Loss.Batch(40, x, z)).loss(),
                late.loss(), 1e-12);
        assertThrows(IllegalStateException.class,
                () -> new MixedLoss(null, kl, null, Schedule.constant(1), Schedule.constant(0), Schedule.constant(0))
                        .evaluate(new Loss.Batch(0, x, z)));
    }

    /** Both energy terms on one shared forward pass give exactly the gradients of the two terms run apart. */
    @Test
    void sharedEnergyTermsEqualSeparateOnes() {
        Flow flow = TestFlows.randomMixed2d(27);
        ReverseKl kl = new ReverseKl(BASE, flow, DoubleWell2D.noe2019(), 1.0);
        ReweightedForwardKl rw = new ReweightedForwardKl(BASE, flow, DoubleWell2D.noe2019(), 1.0);
        Loss.Batch batch = new Loss.Batch(0, null, BASE.sample(64, 9));
        flow.zeroGrad();
        double separate = kl.backward(batch, 1).loss() + 4 * rw.backward(batch, 4).loss();
        double[] separateGrad = grads(flow);
        flow.zeroGrad();
        Loss.Report shared = new MixedLoss(null, kl, rw, Schedule.constant(0), Schedule.constant(1),
                Schedule.constant(4)).backward(batch);
        assertEquals(separate, shared.loss(), 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(separateGrad, grads(flow), 0);
    }

    private static double[] grads(Flow flow) {
        return flow.parameters().stream().flatMapToDouble(p -> java.util.Arrays.stream(p.grad().dup('c').data()
                .asDouble())).toArray();
    }

    /**
     * The reweighted forward KL holds the samples x_i = F(z_i) and their normalised weights fixed,
     * so its gradient is that of -sum_i wbar_i log q(x_i) at fixed x and wbar: differentiate that
     * by finite differences.
     */
    @Test
    void reweightedForwardKlGradient() {
        Flow flow = TestFlows.randomMixed2d(26);
        INDArray z = BASE.sample(64, 8);
        ReweightedForwardKl rw = new ReweightedForwardKl(BASE, flow, DoubleWell2D.noe2019(), 2.0);
        Loss.Batch batch = new Loss.Batch(0, null, z);
        INDArray x = flow.forward(z).output();
        MaximumLikelihood ml = new MaximumLikelihood(BASE, flow);
        double[] logW = DoubleWell2D.noe2019().evaluate(x, false).energies().div(-2.0)
                .subi(ml.logQ(x)).dup().data().asDouble();
        INDArray wbar = org.nd4j.linalg.factory.Nd4j.create(org.boltzmann4j.bg.analysis.KishEss.normalizedWeights(logW),
                new long[] {64}, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        Loss fixedSamples = new Loss() {
            @Override
            public Report evaluate(Batch b) {
                double v = -ml.logQ(x).mul(wbar).sumNumber().doubleValue();
                return new Report(v, Double.NaN, Double.NaN, v, Double.NaN, Double.NaN);
            }

            @Override
            public Report backward(Batch b, double weight) {
                return rw.backward(batch, weight);
            }
        };
        assertEquals(fixedSamples.evaluate(batch).loss(), rw.evaluate(batch).loss(), 1e-9);
        checkGradient(flow, fixedSamples, batch);
    }

    /** Normalised Kish ESS (sum w)^2 / (n sum w^2) of the flow's samples F(z), kT = 1, with plain doubles. */
    private static double kishEss(Flow flow, org.boltzmann4j.bg.energy.Energy energy, INDArray z) {
        org.boltzmann4j.bg.flow.Transform.Result r = flow.forward(z);
        double[] u = energy.evaluate(r.output(), false).energies().dup().data().asDouble();
        double[] logBase = BASE.logProb(z).dup().data().asDouble(), logDet = r.logDet().dup().data().asDouble();
        int n = u.length;
        double[] logW = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            logW[i] = -u[i] - (logBase[i] - logDet[i]);
            max = Math.max(max, logW[i]);
        }
        double sum = 0, sumSq = 0;
        for (double lw : logW) {
            double w = Math.exp(lw - max);
            sum += w;
            sumSq += w * w;
        }
        return sum * sum / (n * sumSq);
    }
}
