package org.boltzmann4j.bg.energy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.systems.MolecularSystem;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch handed to OpenMM as its own memory (OpenMMEnergy.evaluate on an INDArray: OpenMM reads
 * the array's buffer and writes into the result arrays') gives bit for bit the energies and forces
 * of the Java-array entry point (ContextPool.evaluate on double[], which copies through staging
 * memory), with all rows finite (in place) and with a non-finite row left out (gathered).
 */
class OpenMMEnergyMemoryTest {

    private static NpyArray positions() throws IOException {
        try (InputStream in = OpenMMEnergyMemoryTest.class.getResourceAsStream("/reference/energies/aldp-implicit-positions.npy")) {
            return Npy.read(in, "aldp-implicit-positions.npy");
        }
    }

    @Test
    void ownMemoryEqualsTheArrayPath() throws IOException {
        NpyArray p = positions();
        int n = 40, d = p.dim(1) * 3;
        double[] x = java.util.Arrays.copyOf(p.asDoubles(), n * d);
        try (OpenMMEnergy energy = new OpenMMEnergy(MolecularSystem.bundled("aldp-implicit").systemXml(), "Reference", Map.of(), 2)) {
            double[] e = new double[n], f = new double[n * d];
            energy.pool().evaluate(x, n, e, f);
            double[] minusF = f.clone();
            for (int k = 0; k < minusF.length; k++) minusF[k] = -minusF[k];

            Energy.Evaluation all = energy.evaluate(Batches.matrix(x, n, d, DataType.DOUBLE), true);
            assertArrayEquals(e, Batches.toDoubles(all.energies()), 0.0);
            assertArrayEquals(minusF, Batches.toDoubles(all.gradient()), 0.0);

            // row 7 non-finite: +infinity and a zero gradient there, the other rows unchanged
            double[] bad = x.clone();
            bad[7 * d + 4] = Double.NaN;
            INDArray xb = Batches.matrix(bad, n, d, DataType.DOUBLE);
            Energy.Evaluation some = energy.evaluate(xb, true);
            double[] eb = Batches.toDoubles(some.energies()), gb = Batches.toDoubles(some.gradient());
            for (int i = 0; i < n; i++) {
                if (i == 7) {
                    assertEquals(Double.POSITIVE_INFINITY, eb[i]);
                    for (int k = 0; k < d; k++) assertEquals(0.0, gb[i * d + k]);
                } else {
                    assertEquals(e[i], eb[i], 0.0, "energy " + i);
                    for (int k = 0; k < d; k++) assertEquals(minusF[i * d + k], gb[i * d + k], 0.0, "gradient " + i + "," + k);
                }
            }
            // energies only, and a view (not dense) of a larger array: made dense first
            INDArray wide = Batches.matrix(x, n, d, DataType.DOUBLE).transpose().dup('c').transpose();
            assertArrayEquals(e, Batches.toDoubles(energy.evaluate(wide, false).energies()), 0.0);
        }
    }
}
