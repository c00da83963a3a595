package org.boltzmann4j.bg.coordinates;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.flow.CircularShift;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * exp for bonds, pi sigmoid for angles, c + pi (2 sigmoid - 1) for a bounded torsion: round trip,
 * log-det in closed form, backward against finite differences.
 */
class InternalCoordinateDomainTest {
    // 5 atoms: 4 bonds, 3 angles, 2 torsions; torsion 7 bounded about 2.9 rad (so that its values
    // run past pi and must be folded back by the inverse), torsion 8 circular
    private static final double CENTRE = 2.9;
    private final InternalCoordinateDomain domain = new InternalCoordinateDomain(new InternalCoordinateLayout(5, false),
            new boolean[] {false, false, false, false, false, false, false, true, false}, new double[] {0, 0, 0, 0, 0, 0, 0, CENTRE, 0});

    private static double[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] u = new double[n * 9];
        for (int i = 0; i < u.length; i++) u[i] = 2 * r.nextGaussian();
        return u;
    }

    @Test
    void roundTripDomainAndLogDet() {
        double[] u = random(6, 1);
        INDArray in = Nd4j.createFromArray(u).reshape('c', 6, 9);
        var forward = domain.forward(in);
        double[] x = forward.output().dup().data().asDouble();
        for (int r = 0; r < 6; r++) {
            double logDet = 0;
            for (int j = 0; j < 9; j++) {
                double v = x[r * 9 + j], w = u[r * 9 + j];
                if (j < 4) {
                    assertTrue(v > 0);
                    logDet += w; // d exp(u)/du = exp(u)
                } else if (j < 7) {
                    assertTrue(v > 0 && v < Math.PI);
                    double s = 1 / (1 + Math.exp(-w));
                    logDet += Math.log(Math.PI * s * (1 - s));
                } else if (j == 7) {
                    assertTrue(v > CENTRE - Math.PI && v < CENTRE + Math.PI);
                    double s = 1 / (1 + Math.exp(-w));
                    logDet += Math.log(2 * Math.PI * s * (1 - s));
                } else {
                    assertEquals(w, v, 0.0);
                }
            }
            assertEquals(logDet, forward.logDet().getDouble(r), 1e-12);
        }
        var back = domain.inverse(forward.output());
        assertArrayEquals(u, back.output().dup().data().asDouble(), 1e-12);
        for (int r = 0; r < 6; r++) assertEquals(0, forward.logDet().getDouble(r) + back.logDet().getDouble(r), 1e-12);
        // the bounded torsion as the Z-matrix returns it, folded into [-pi, pi): the same u
        INDArray folded = forward.output().dup();
        int crossed = 0;
        for (int r = 0; r < 6; r++) {
            double t = folded.getDouble(r, 7);
            if (t >= Math.PI) crossed++;
            folded.putScalar(r, 7, CircularShift.wrap(t));
        }
        assertTrue(crossed > 0, "some bounded torsions run past pi");
        assertArrayEquals(u, domain.inverse(folded).output().dup().data().asDouble(), 1e-12);
    }

    /**
     * The slopes a forward pass keeps for backward must stay allocated however many collections
     * run between the two (as the OpenMM evaluation of a training step lies between them): once,
     * only a Values view held them, ND4J freed the array when it was collected, and backward read
     * whatever the allocator put there next (here: arrays of NaN), a NaN gradient now and then.
     */
    @Test
    void backwardIsExactAfterCollectionsBetweenThePasses() throws Exception {
        int n = 16;
        double[] u = random(n, 3);
        var pass = domain.forwardPass(Nd4j.createFromArray(u).reshape('c', n, 9));
        java.util.List<INDArray> filler = new java.util.ArrayList<>();
        for (int round = 0; round < 20; round++) {
            System.gc();
            Thread.sleep(10);
            for (int i = 0; i < 20; i++) filler.add(Nd4j.valueArrayOf(new long[] {n, 9}, Double.NaN));
        }
        // with dL/dlogDet = 0, dL/du = dL/dx * dx/du: the slope of each coordinate
        INDArray grad = pass.backward(Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.DOUBLE, n, 9),
                Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, n));
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < 9; j++) {
                double w = u[r * 9 + j], s = 1 / (1 + Math.exp(-w));
                double slope = j < 4 ? Math.exp(w) : j < 7 ? Math.PI * s * (1 - s) : j == 7 ? 2 * Math.PI * s * (1 - s) : 1;
                assertEquals(slope, grad.getDouble(r, j), 1e-12 * Math.max(1, slope), "row " + r + ", coordinate " + j);
            }
        }
        assertFalse(filler.isEmpty());
    }

    @Test
    void onlyTorsionsCanBeBounded() {
        var layout = new InternalCoordinateLayout(5, false);
        boolean[] bounded = new boolean[9];
        bounded[5] = true; // an angle
        assertThrows(IllegalArgumentException.class, () -> new InternalCoordinateDomain(layout, bounded, new double[9]));
    }

    @Test
    void backwardMatchesFiniteDifferencesBothWays() {
        double[] u = random(4, 2);
        InternalCoordinatesTest.assertBackwardMatchesFiniteDifferences(domain::forwardPass, u, 4, 9, 3, 1e-6, new int[0]);
        double[] x = domain.forward(Nd4j.createFromArray(u).reshape('c', 4, 9)).output().dup().data().asDouble();
        InternalCoordinatesTest.assertBackwardMatchesFiniteDifferences(domain::inversePass, x, 4, 9, 4, 1e-6, new int[0]);
    }
}
