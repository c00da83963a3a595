package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Populations, dF, its bootstrap interval and core-set transitions. */
class PhiStatesTest {

    private static double[] degrees(double... d) {
        double[] r = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = Math.toRadians(d[i]);
        }
        return r;
    }

    @Test
    void populationsAndDeltaFWithAndWithoutWeights() {
        double[] phi = degrees(-60, -150, -70, 60, 180, 0);
        PhiStates.Populations plain = PhiStates.populations(phi, null);
        // phi = 180 counts as phi > 0, phi = 0 as phi <= 0.
        assertEquals(4.0 / 6, plain.negative(), 1e-15);
        assertEquals(2.0 / 6, plain.positive(), 1e-15);
        assertEquals(Math.log(2), plain.deltaFKt(), 1e-15);
        // Weights that make the positive state four times less likely than the negative one.
        double[] w = {1, 1, 1, 0.5, 0.5, 1};
        PhiStates.Populations weighted = PhiStates.populations(phi, w);
        assertEquals(0.2, weighted.positive(), 1e-15);
        assertEquals(Math.log(4), weighted.deltaFKt(), 1e-14);
        assertTrue(weighted.deltaFFinite());
    }

    @Test
    void anEmptyStateGivesAnInfiniteDeltaFNotACrash() {
        double[] negativeOnly = degrees(-60, -150, -70);
        PhiStates.Populations p = PhiStates.populations(negativeOnly, null);
        assertEquals(0, p.positive());
        assertEquals(Double.POSITIVE_INFINITY, p.deltaFKt());
        assertFalse(p.deltaFFinite());
        PhiStates.Interval ci = PhiStates.bootstrapDeltaF(negativeOnly, null, 50, 1, 0.95, 3);
        assertEquals(Double.POSITIVE_INFINITY, ci.lowerKt());
        assertEquals(50, ci.emptyStateResamples());
        assertEquals(Double.NEGATIVE_INFINITY, PhiStates.populations(degrees(60, 70), null).deltaFKt());
        // A weight of zero on the only positive sample empties the state too.
        assertEquals(Double.POSITIVE_INFINITY, PhiStates.populations(degrees(-60, 60), new double[] {1, 0}).deltaFKt());
    }

    @Test
    void bootstrapIntervalOfIndependentSamplesMatchesTheDeltaMethod() {
        // n Bernoulli(p) states: var(logit p_hat) = 1 / (n p (1 - p)) to first order, so the
        // 95 % interval of dF = -logit p_hat is +-1.96 / sqrt(n p (1 - p)) wide around the estimate.
        int n = 4000;
        double p = 0.3;
        SplittableRandom random = new SplittableRandom(11);
        double[] phi = new double[n];
        for (int s = 0; s < n; s++) {
            phi[s] = random.nextDouble() < p ? 1.0 : -1.0;
        }
        PhiStates.Populations pop = PhiStates.populations(phi, null);
        PhiStates.Interval ci = PhiStates.bootstrapDeltaF(phi, null, 2000, 1, 0.95, 5);
        double se = 1 / Math.sqrt(n * pop.positive() * pop.negative());
        double width = ci.upperKt() - ci.lowerKt();
        // The bootstrap width itself has a Monte Carlo error of a few per cent at 2000 resamples.
        assertEquals(2 * 1.959964 * se, width, 0.1 * width);
        assertTrue(ci.lowerKt() < pop.deltaFKt() && pop.deltaFKt() < ci.upperKt());
        assertEquals(0, ci.emptyStateResamples());
        // Seeded: the same seed, the same interval; another seed, another one.
        assertEquals(ci, PhiStates.bootstrapDeltaF(phi, null, 2000, 1, 0.95, 5));
        assertNotEquals(ci.lowerKt(), PhiStates.bootstrapDeltaF(phi, null, 2000, 1, 0.95, 6).lowerKt());
    }

    @Test
    void blocksWidenTheIntervalOfACorrelatedTrajectory() {
        // A two-state chain that switches with probability q per frame: the indicator has
        // autocorrelation (1 - 2q)^t and tau = (1 - q) / q = 19 for q = 0.05, so its mean is about
        // sqrt(19) times as uncertain as that of independent frames; blocks of 2 tau see most of it.
        int n = 20000;
        double q = 0.05;
        SplittableRandom random = new SplittableRandom(13);
        double[] phi = new double[n];
        double state = -1;
        for (int s = 0; s < n; s++) {
            if (random.nextDouble() < q) {
                state = -state;
            }
            phi[s] = state;
        }
        PhiStates.Interval iid = PhiStates.bootstrapDeltaF(phi, null, 1000, 1, 0.95, 1);
        PhiStates.Interval blocks = PhiStates.bootstrapDeltaF(phi, null, 1000, 38, 0.95, 1);
        double ratio = (blocks.upperKt() - blocks.lowerKt()) / (iid.upperKt() - iid.lowerKt());
        assertTrue(ratio > 3 && ratio < 5, "width ratio " + ratio + ", expected about 0.86 sqrt(19) = 3.8");
        assertEquals(38, blocks.blockLength());
    }

    @Test
    void transitionsBetweenCoreSetsOnAHandMadeSequence() {
        double margin = Math.toRadians(20);
        // Cores: (-160, -20) and (20, 160) degrees; outside both, the last core counts.
        double[] phi = degrees(-100, 10, -10, 15, 50, 170, -170, -150, 5, 30, 100, -5, -90);
        // -100 starts in the negative core; 50 enters the positive one (1); 170 and -170 are
        // outside both; -150 is back in the negative one (2); 30 (3); -90 (4).
        assertEquals(4, PhiStates.transitions(phi, margin));
        // Recrossing phi = 0 without reaching the other core is no transition.
        assertEquals(0, PhiStates.transitions(degrees(-100, -5, 5, -5, 15, 19, -100), margin));
        // Frames before the first core visit have no state.
        assertEquals(0, PhiStates.transitions(degrees(10, -10, 100, 120), margin));
        assertEquals(1, PhiStates.transitions(degrees(10, -10, 100, -30), margin));
        // With no margin the cores are the half-circles themselves (except 0 and +-180).
        assertEquals(3, PhiStates.transitions(degrees(-1, 1, -1, 1), 0));
        assertEquals(0, PhiStates.transitions(new double[0], margin));
        assertThrows(IllegalArgumentException.class, () -> PhiStates.transitions(degrees(1), Math.PI / 2));
    }

    @Test
    void quantilesInterpolateLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.75, PhiStates.quantile(sorted, 0.25), 1e-15);
        assertEquals(2.5, PhiStates.quantile(sorted, 0.5), 1e-15);
        assertEquals(4, PhiStates.quantile(sorted, 1), 0);
        assertEquals(Double.POSITIVE_INFINITY,
                PhiStates.quantile(new double[] {1, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, 0.9));
    }
}
