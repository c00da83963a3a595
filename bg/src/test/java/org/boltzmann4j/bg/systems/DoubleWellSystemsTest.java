package org.boltzmann4j.bg.systems;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Map;
import org.boltzmann4j.bg.energy.Energy;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.io.Pdb;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bundled one-particle double wells, through OpenMM: U = A ((x/s)^2 - 1)^2 + K/2 (y^2 + z^2)
 * with A = H R 300 K, s = 0.1 nm, K = 1000 kJ/mol/nm^2 (scripts/make-double-wells.py), checked
 * against the formula written out here, with its gradient, at a few points, and the structure in
 * the left well's minimum.
 */
class DoubleWellSystemsTest {

    private static final double KT_300 = 0.00831446261815324 * 300;

    @Test
    void energiesAndForcesFollowTheFormula() throws IOException {
        double[][] points = {{-0.1, 0, 0}, {0.1, 0, 0}, {0, 0, 0}, {0.05, 0.03, -0.02}, {-0.13, -0.07, 0.11}, {0.21, 0.01, 0.2}};
        for (int h : new int[] {3, 5, 8}) {
            MolecularSystem system = MolecularSystem.bundled("double-well-" + h + "kT");
            double a = h * KT_300;
            try (OpenMMEnergy energy = new OpenMMEnergy(system.systemXml(), "Reference", Map.of(), 1)) {
                Energy.Evaluation e = energy.evaluate(Nd4j.createFromArray(points), true);
                for (int i = 0; i < points.length; i++) {
                    double x = points[i][0], y = points[i][1], z = points[i][2];
                    double q = (x / 0.1) * (x / 0.1) - 1;
                    double u = a * q * q + 0.5 * 1000 * (y * y + z * z);
                    double[] grad = {a * 2 * q * 2 * x / 0.01, 1000 * y, 1000 * z};
                    String where = system.name() + " at " + java.util.Arrays.toString(points[i]);
                    assertEquals(u, e.energies().getDouble(i), 1e-10 * Math.max(1, Math.abs(u)), where);
                    for (int j = 0; j < 3; j++)
                        assertEquals(grad[j], e.gradient().getDouble(i, j), 1e-9 * Math.max(1, Math.abs(grad[j])), where + ", dU/dx" + j);
                }
                assertEquals(h * KT_300, e.energies().getDouble(2), 1e-10, "barrier of " + h + " kT at 300 K");
            }
            Pdb.Structure structure = Pdb.parse(system.pdb().orElseThrow(), system.name() + ".pdb");
            assertEquals(1, structure.topology().atomCount());
            assertEquals(-0.1, structure.frames().frame(0)[0], 1e-12, "the structure sits in the left well");
        }
    }
}
