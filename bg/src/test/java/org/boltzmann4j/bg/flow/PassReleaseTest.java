package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Releasing a pass frees its intermediates only: output and log-det stay, backward is refused. */
class PassReleaseTest {

    @Test
    void releaseKeepsTheResultAndRefusesBackward() {
        boolean[] circular = {false, true, false, true};
        Flow flow = Flow.of(
                RationalQuadraticSplineCoupling.builder(CouplingMask.alternating(circular, 0), 1).bins(4).hidden(8).build(),
                Permutation.random(4, 2),
                RealNvpCoupling.builder(CouplingMask.alternating(new boolean[4], 1), 3).hidden(8).build());
        FiniteDifferences.perturb(flow, 0.3, 4);
        SplittableRandom rng = new SplittableRandom(5);
        double[] a = new double[6 * 4];
        for (int k = 0; k < a.length; k++) a[k] = rng.nextDouble(-2, 2);
        INDArray x = Batches.matrix(a, 6, 4, DataType.DOUBLE);
        Transform.Result kept = flow.inversePass(x).result();
        Transform.Pass p = flow.inversePass(x);
        p.release();
        p.release(); // twice is harmless
        assertArrayEquals(Batches.toDoubles(kept.output()), Batches.toDoubles(p.output()), 0.0);
        assertArrayEquals(Batches.toDoubles(kept.logDet()), Batches.toDoubles(p.logDet()), 0.0);
        assertThrows(IllegalStateException.class, () -> p.backward(null, null));
        // Transform.inverse releases its pass and returns the same numbers
        assertArrayEquals(Batches.toDoubles(kept.output()), Batches.toDoubles(flow.inverse(x).output()), 0.0);
    }
}
