package org.boltzmann4j.bg.coordinates;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.boltzmann4j.bg.flow.ElementwiseAffine;
import org.boltzmann4j.bg.flow.Flow;
import org.boltzmann4j.bg.flow.Transform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InternalCoordinatesTest {

    private static final TestMolecule ALDP = TestMolecule.load("aldp.txt");
    private static final TestMolecule PRO = TestMolecule.load("pro-dipeptide.txt");

    // ---- helpers -------------------------------------------------------------------------------

    private static INDArray matrix(double[] data, int rows) {
        return Nd4j.create(data, new long[] {rows, data.length / rows}, DataType.DOUBLE);
    }

    private static double[] host(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    private static double angularDifference(double a, double b) {
        return Math.abs(Math.IEEEremainder(a - b, 2 * Math.PI));
    }

    /** Random rigid motion of every row: random rotation (via a random unit quaternion) plus shift. */
    private static double[] randomRigidMotion(double[] x, int n, Random random) {
        int d = x.length / n;
        double[] y = new double[x.length];
        for (int s = 0; s < n; s++) {
            double qw = random.nextGaussian();
            double qx = random.nextGaussian();
            double qy = random.nextGaussian();
            double qz = random.nextGaussian();
            double q = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
            qw /= q;
            qx /= q;
            qy /= q;
            qz /= q;
            double[][] r = {
                {1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy - qz * qw), 2 * (qx * qz + qy * qw)},
                {2 * (qx * qy + qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz - qx * qw)},
                {2 * (qx * qz - qy * qw), 2 * (qy * qz + qx * qw), 1 - 2 * (qx * qx + qy * qy)}};
            double[] t = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            for (int a = 0; a < d / 3; a++) {
                int o = s * d + 3 * a;
                for (int c = 0; c < 3; c++) {
                    y[o + c] = t[c] + r[c][0] * x[o] + r[c][1] * x[o + 1] + r[c][2] * x[o + 2];
                }
            }
        }
        return y;
    }

    /** n noisy copies of the molecule's structure, randomly moved: realistic, non-degenerate. */
    private static double[] randomConformations(TestMolecule m, int n, double noise, Random random) {
        int d = m.x().length;
        double[] x = new double[n * d];
        for (int s = 0; s < n; s++) {
            for (int q = 0; q < d; q++) {
                x[s * d + q] = m.x()[q] + noise * random.nextGaussian();
            }
        }
        return randomRigidMotion(x, n, random);
    }

    /** Internal coordinates around the molecule's structure: bonds, angles and torsions perturbed. */
    private static double[] randomInternal(TestMolecule m, InternalCoordinates ic, int n, double torsionSpread,
            Random random) {
        double[] ref = host(ic.inverse(matrix(m.x(), 1)).output());
        InternalCoordinateLayout layout = ic.layout();
        int d = ref.length;
        double[] out = new double[n * d];
        for (int s = 0; s < n; s++) {
            System.arraycopy(ref, 0, out, s * d, d);
            for (int j : layout.bondIndices()) {
                out[s * d + j] *= 1 + 0.05 * random.nextGaussian();
            }
            for (int j : layout.angleIndices()) {
                out[s * d + j] = Math.min(Math.PI - 0.2, Math.max(0.2, out[s * d + j] + 0.1 * random.nextGaussian()));
            }
            for (int j : layout.torsionIndices()) {
                out[s * d + j] = Math.IEEEremainder(out[s * d + j] + torsionSpread * (2 * random.nextDouble() - 1),
                        2 * Math.PI);
            }
            int r = layout.rigidIndices()[0];
            out[s * d + r] = random.nextGaussian();
            out[s * d + r + 1] = random.nextGaussian();
            out[s * d + r + 2] = random.nextGaussian();
            out[s * d + r + 3] = 0.2 + (Math.PI - 0.4) * random.nextDouble();
            out[s * d + r + 4] = Math.PI * (2 * random.nextDouble() - 1);
            out[s * d + r + 5] = Math.PI * (2 * random.nextDouble() - 1);
        }
        return out;
    }

    /** Central-difference Jacobian d f / d v (rows: outputs) of a batched map, all 2 d points in one call. */
    private static double[][] jacobian(Function<double[], double[]> f, double[] v, int outputs, double h) {
        return jacobian(f, v, outputs, h, new int[0]);
    }

    /** As above; differences of the circular outputs are taken on the circle (a torsion near pi may wrap). */
    private static double[][] jacobian(Function<double[], double[]> f, double[] v, int outputs, double h,
            int[] circular) {
        boolean[] isCircular = new boolean[outputs];
        for (int k : circular) {
            isCircular[k] = true;
        }
        int d = v.length;
        double[] points = new double[2 * d * d];
        for (int q = 0; q < d; q++) {
            System.arraycopy(v, 0, points, 2 * q * d, d);
            System.arraycopy(v, 0, points, (2 * q + 1) * d, d);
            points[2 * q * d + q] += h;
            points[(2 * q + 1) * d + q] -= h;
        }
        double[] values = f.apply(points);
        double[][] jac = new double[outputs][d];
        for (int q = 0; q < d; q++) {
            for (int r = 0; r < outputs; r++) {
                double diff = values[2 * q * outputs + r] - values[(2 * q + 1) * outputs + r];
                jac[r][q] = (isCircular[r] ? Math.IEEEremainder(diff, 2 * Math.PI) : diff) / (2 * h);
            }
        }
        return jac;
    }

    private static double logAbsDet(double[][] a) {
        LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(a, false));
        RealMatrix u = lu.getU();
        double sum = 0;
        for (int q = 0; q < a.length; q++) {
            sum += Math.log(Math.abs(u.getEntry(q, q)));
        }
        return sum;
    }

    /** mdtraj's formula, written independently of the implementation: atan2(|b2| b1.(b2 x b3), (b1 x b2).(b2 x b3)). */
    private static double mdtrajDihedral(double[] x, int o, int[] atoms) {
        double[][] p = new double[4][];
        for (int q = 0; q < 4; q++) {
            p[q] = new double[] {x[o + 3 * atoms[q]], x[o + 3 * atoms[q] + 1], x[o + 3 * atoms[q] + 2]};
        }
        double[] b1 = sub(p[1], p[0]);
        double[] b2 = sub(p[2], p[1]);
        double[] b3 = sub(p[3], p[2]);
        double[] c1 = cross(b1, b2);
        double[] c2 = cross(b2, b3);
        return Math.atan2(Math.sqrt(dot(b2, b2)) * dot(b1, c2), dot(c1, c2));
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    // ---- round trips ---------------------------------------------------------------------------

    @Test
    void internalToCartesianToInternalIsExact() {
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            InternalCoordinates ic = new InternalCoordinates(m.zMatrix());
            Random random = new Random(1);
            int n = 64;
            double[] z = randomInternal(m, ic, n, 1.0, random);
            Transform.Result fwd = ic.forward(matrix(z, n));
            Transform.Result back = ic.inverse(fwd.output());
            double[] z2 = host(back.output());
            int d = ic.dimension();
            java.util.Set<Integer> circular = new java.util.HashSet<>();
            for (int j : ic.layout().circularIndices()) {
                circular.add(j);
            }
            for (int q = 0; q < z.length; q++) {
                double err = circular.contains(q % d) ? angularDifference(z[q], z2[q]) : Math.abs(z[q] - z2[q]);
                assertTrue(err < 1e-10, "coordinate " + (q % d) + " sample " + q / d + ": " + z[q] + " vs " + z2[q]);
            }
            double[] ld = host(fwd.logDet());
            double[] ldInv = host(back.logDet());
            for (int s = 0; s < n; s++) {
                assertEquals(0, ld[s] + ldInv[s], 1e-10);
            }
        }
    }

    @Test
    void cartesianToInternalToCartesianIsExactAndTorsionsAreInRange() {
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            InternalCoordinates ic = new InternalCoordinates(m.zMatrix());
            int n = 64;
            double[] x = randomConformations(m, n, 0.01, new Random(2));
            INDArray z = ic.inverse(matrix(x, n)).output();
            double[] x2 = host(ic.forward(z).output());
            for (int q = 0; q < x.length; q++) {
                assertEquals(x[q], x2[q], 1e-10);
            }
            double[] zz = host(z);
            int d = ic.dimension();
            for (int s = 0; s < n; s++) {
                for (int j : ic.layout().circularIndices()) {
                    assertTrue(zz[s * d + j] > -Math.PI && zz[s * d + j] <= Math.PI);
                }
                for (int j : ic.layout().angleIndices()) {
                    assertTrue(zz[s * d + j] >= 0 && zz[s * d + j] <= Math.PI);
                }
            }
        }
    }

    @Test
    void torsionsAgreeWithAnIndependentDihedralFormula() {
        InternalCoordinates ic = new InternalCoordinates(ALDP.zMatrix());
        int n = 16;
        double[] x = randomConformations(ALDP, n, 0.02, new Random(3));
        double[] z = host(ic.inverse(matrix(x, n)).output());
        int[][] torsions = ic.zMatrix().torsionAtoms();
        int[] idx = ic.layout().torsionIndices();
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < torsions.length; t++) {
                double expected = mdtrajDihedral(x, s * x.length / n, torsions[t]);
                assertEquals(0, angularDifference(expected, z[s * ic.dimension() + idx[t]]), 1e-12);
            }
        }
    }

    @Test
    void renumberedMoleculeHasTheSameInternalCoordinates() {
        Random random = new Random(4);
        int n = 4;
        double[] x = randomConformations(ALDP, n, 0.01, random);
        InternalCoordinates ic = new InternalCoordinates(ALDP.zMatrix());
        double[] z = host(ic.inverse(matrix(x, n)).output());
        int[] perm = ZMatrixTest.randomPermutation(ALDP.atoms(), random);
        TestMolecule p = ALDP.permuted(perm);
        double[] xp = new double[x.length];
        int d = x.length / n;
        for (int s = 0; s < n; s++) {
            for (int a = 0; a < ALDP.atoms(); a++) {
                System.arraycopy(x, s * d + 3 * a, xp, s * d + 3 * perm[a], 3);
            }
        }
        double[] zp = host(new InternalCoordinates(p.zMatrix()).inverse(matrix(xp, n)).output());
        assertArrayEquals(z, zp, 1e-12);
    }

    // ---- log-determinants ----------------------------------------------------------------------

    @Test
    void logDetEqualsFiniteDifferenceJacobianWithRigidBody() {
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            InternalCoordinates ic = new InternalCoordinates(m.zMatrix());
            int d = ic.dimension();
            double[] z = randomInternal(m, ic, 3, 1.0, new Random(5));
            double[] ld = host(ic.forward(matrix(z, 3)).logDet());
            for (int s = 0; s < 3; s++) {
                double[] v = java.util.Arrays.copyOfRange(z, s * d, (s + 1) * d);
                double[][] jac = jacobian(p -> host(ic.forward(matrix(p, p.length / d)).output()), v, d, 1e-6);
                assertEquals(logAbsDet(jac), ld[s], 1e-6);
            }
            // and the inverse against its own Jacobian
            double[] x = randomConformations(m, 1, 0.01, new Random(6));
            double ldInv = host(ic.inverse(matrix(x, 1)).logDet())[0];
            double[][] jacInv = jacobian(p -> host(ic.inverse(matrix(p, p.length / d)).output()), x, d, 1e-6,
                    ic.layout().circularIndices());
            assertEquals(logAbsDet(jacInv), ldInv, 1e-6);
        }
    }

    @Test
    void canonicalFrameLogDetIsThatOfTheFreeCartesianCoordinatesTimesTheRotationalVolume() {
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            CanonicalInternalCoordinates ic = new CanonicalInternalCoordinates(m.zMatrix());
            InternalCoordinates full = new InternalCoordinates(m.zMatrix());
            int d = ic.dimension();
            int d3 = ic.outputDimension();
            int[] ref = m.zMatrix().referenceAtoms();
            // free coordinates: r1.x, r2.x, r2.y and everything of the other atoms
            int[] free = new int[d];
            int f = 0;
            free[f++] = 3 * ref[1];
            free[f++] = 3 * ref[2];
            free[f++] = 3 * ref[2] + 1;
            for (int a = 0; a < m.atoms(); a++) {
                if (a != ref[0] && a != ref[1] && a != ref[2]) {
                    for (int c = 0; c < 3; c++) {
                        free[f++] = 3 * a + c;
                    }
                }
            }
            double[] zFull = randomInternal(m, full, 3, 1.0, new Random(7));
            double[] z = new double[3 * d];
            for (int s = 0; s < 3; s++) {
                System.arraycopy(zFull, s * d3, z, s * d, d);
            }
            Transform.Result fwd = ic.forward(matrix(z, 3));
            double[] x = host(fwd.output());
            double[] ld = host(fwd.logDet());
            for (int s = 0; s < 3; s++) {
                // the canonical frame is exact
                assertEquals(0, x[s * d3 + 3 * ref[0]]);
                assertEquals(0, x[s * d3 + 3 * ref[0] + 1]);
                assertEquals(0, x[s * d3 + 3 * ref[0] + 2]);
                assertEquals(0, x[s * d3 + 3 * ref[1] + 1]);
                assertEquals(0, x[s * d3 + 3 * ref[1] + 2]);
                assertEquals(0, x[s * d3 + 3 * ref[2] + 2]);
                assertTrue(x[s * d3 + 3 * ref[1]] > 0 && x[s * d3 + 3 * ref[2] + 1] > 0);
                double[] v = java.util.Arrays.copyOfRange(z, s * d, (s + 1) * d);
                double[][] jac = jacobian(p -> {
                    double[] out = host(ic.forward(matrix(p, p.length / d)).output());
                    int rows = p.length / d;
                    double[] restricted = new double[rows * d];
                    for (int r = 0; r < rows; r++) {
                        for (int q = 0; q < d; q++) {
                            restricted[r * d + q] = out[r * d3 + free[q]];
                        }
                    }
                    return restricted;
                }, v, d, 1e-6);
                // the free coordinates' Jacobian times the rotational volume element b1^2 b2 sin
                // theta2 = r1.x^2 r2.y, read off the Cartesian output
                double rotational = Math.log(x[s * d3 + 3 * ref[1]] * x[s * d3 + 3 * ref[1]] * x[s * d3 + 3 * ref[2] + 1]);
                assertEquals(logAbsDet(jac) + rotational, ld[s], 1e-6);
                // full = canonical + log sin alpha (the polar angle of the first bond in space)
                double alpha = zFull[s * d3 + d + 3];
                double fullLd = host(full.forward(matrix(java.util.Arrays.copyOfRange(zFull, s * d3, (s + 1) * d3), 1))
                        .logDet())[0];
                assertEquals(fullLd, ld[s] + Math.log(Math.sin(alpha)), 1e-10);
            }
            // canonical inverse ignores the rigid body and round-trips the internal coordinates
            double[] moved = randomRigidMotion(x, 3, new Random(8));
            Transform.Result inv = ic.inverse(matrix(moved, 3));
            assertArrayEquals(z, host(inv.output()), 1e-10);
            double[] ldInv = host(inv.logDet());
            for (int s = 0; s < 3; s++) {
                assertEquals(-ld[s], ldInv[s], 1e-10);
            }
        }
    }

    // ---- backward passes -----------------------------------------------------------------------

    /** L = sum(w * output) + sum(c * logDet): compare the pass's dL/d(input) with central differences. */
    static void assertBackwardMatchesFiniteDifferences(Function<INDArray, Transform.Pass> pass, double[] in,
            int n, int outDim, long seed, double tol, int[] circularOutputs) {
        Random random = new Random(seed);
        int inDim = in.length / n;
        double[] w = new double[n * outDim];
        for (int q = 0; q < w.length; q++) {
            w[q] = random.nextGaussian();
        }
        double[] c = new double[n];
        for (int s = 0; s < n; s++) {
            c[s] = random.nextGaussian();
        }
        Transform.Pass p = pass.apply(matrix(in, n));
        double[] centre = host(p.output());
        double[] grad = host(p.backward(matrix(w, n), Nd4j.create(c, new long[] {n}, DataType.DOUBLE)));
        double h = 1e-6;
        boolean[] circular = new boolean[outDim];
        for (int k : circularOutputs) {
            circular[k] = true;
        }
        for (int s = 0; s < n; s++) {
            final int sample = s;
            double[] v = java.util.Arrays.copyOfRange(in, s * inDim, (s + 1) * inDim);
            double[][] jac = jacobian(points -> {
                int rows = points.length / inDim;
                Transform.Pass q = pass.apply(matrix(points, rows));
                double[] out = host(q.output());
                double[] ld = host(q.logDet());
                double[] loss = new double[rows];
                for (int r = 0; r < rows; r++) {
                    double sum = c[sample] * ld[r];
                    for (int k = 0; k < outDim; k++) {
                        double o = out[r * outDim + k];
                        double c0 = centre[sample * outDim + k];
                        sum += w[sample * outDim + k] * (circular[k] ? c0 + Math.IEEEremainder(o - c0, 2 * Math.PI) : o);
                    }
                    loss[r] = sum;
                }
                return loss;
            }, v, 1, h);
            for (int q = 0; q < inDim; q++) {
                double scale = Math.max(1, Math.abs(jac[0][q]));
                assertEquals(jac[0][q], grad[s * inDim + q], tol * scale, "sample " + s + " input " + q);
            }
        }
    }

    @Test
    void forwardBackwardMatchesFiniteDifferences() {
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            InternalCoordinates ic = new InternalCoordinates(m.zMatrix());
            double[] z = randomInternal(m, ic, 4, 1.0, new Random(9));
            assertBackwardMatchesFiniteDifferences(ic::forwardPass, z, 4, ic.dimension(), 10, 1e-6, new int[0]);
            CanonicalInternalCoordinates can = new CanonicalInternalCoordinates(m.zMatrix());
            int d = can.dimension();
            double[] zc = new double[4 * d];
            for (int s = 0; s < 4; s++) {
                System.arraycopy(z, s * ic.dimension(), zc, s * d, d);
            }
            assertBackwardMatchesFiniteDifferences(can::forwardPass, zc, 4, can.outputDimension(), 11, 1e-6, new int[0]);
        }
    }

    @Test
    void inverseBackwardMatchesFiniteDifferences() {
        for (TestMolecule m : new TestMolecule[] {ALDP, PRO}) {
            InternalCoordinates ic = new InternalCoordinates(m.zMatrix());
            double[] x = randomConformations(m, 4, 0.01, new Random(12));
            assertBackwardMatchesFiniteDifferences(ic::inversePass, x, 4, ic.dimension(), 13, 1e-6,
                    ic.layout().circularIndices());
            CanonicalInternalCoordinates can = new CanonicalInternalCoordinates(m.zMatrix());
            assertBackwardMatchesFiniteDifferences(can::inversePass, x, 4, can.dimension(), 14, 1e-6,
                    can.layout().circularIndices());
        }
    }

    @Test
    void canonicalInverseGradientHasNoNetForceOrTorque() {
        CanonicalInternalCoordinates can = new CanonicalInternalCoordinates(PRO.zMatrix());
        int n = 3;
        double[] x = randomConformations(PRO, n, 0.01, new Random(19));
        Random random = new Random(20);
        double[] w = new double[n * can.dimension()];
        for (int q = 0; q < w.length; q++) {
            w[q] = random.nextGaussian();
        }
        double[] g = host(can.inversePass(matrix(x, n)).backward(matrix(w, n),
                Nd4j.create(new double[] {1, -2, 3}, new long[] {n}, DataType.DOUBLE)));
        int d3 = can.outputDimension();
        for (int s = 0; s < n; s++) {
            double[] force = new double[3];
            double[] torque = new double[3];
            for (int a = 0; a < PRO.atoms(); a++) {
                double[] r = java.util.Arrays.copyOfRange(x, s * d3 + 3 * a, s * d3 + 3 * a + 3);
                double[] f = java.util.Arrays.copyOfRange(g, s * d3 + 3 * a, s * d3 + 3 * a + 3);
                double[] t = cross(r, f);
                for (int c = 0; c < 3; c++) {
                    force[c] += f[c];
                    torque[c] += t[c];
                }
            }
            assertArrayEquals(new double[3], force, 1e-9);
            assertArrayEquals(new double[3], torque, 1e-9);
        }
    }

    @Test
    void nullGradientsMeanZero() {
        InternalCoordinates ic = new InternalCoordinates(ALDP.zMatrix());
        double[] z = randomInternal(ALDP, ic, 2, 1.0, new Random(15));
        Transform.Pass p = ic.forwardPass(matrix(z, 2));
        assertArrayEquals(new double[z.length], host(p.backward(null, null)));
    }

    // ---- API -----------------------------------------------------------------------------------

    @Test
    void toInternalAndFromInternalSplitOffTheRigidBody() {
        InternalCoordinates ic = new InternalCoordinates(ALDP.zMatrix());
        int n = 8;
        double[] x = randomConformations(ALDP, n, 0.01, new Random(16));
        InternalCoordinates.Split split = ic.toInternal(matrix(x, n));
        assertArrayEquals(new long[] {n, 3 * 22 - 6}, split.internal().shape());
        assertArrayEquals(new long[] {n, 6}, split.rigid().shape());
        assertArrayEquals(x, host(ic.fromInternal(split.internal(), split.rigid())), 1e-10);
        INDArray canonical = ic.fromInternal(split.internal());
        assertArrayEquals(host(new CanonicalInternalCoordinates(ic.zMatrix()).forward(split.internal()).output()),
                host(canonical), 0);
        // the canonical frame has rigid coordinates (0, 0, 0, pi/2, 0, pi/2)
        double[] r = host(ic.toInternal(canonical).rigid());
        for (int s = 0; s < n; s++) {
            assertArrayEquals(new double[] {0, 0, 0, Math.PI / 2, 0, Math.PI / 2},
                    java.util.Arrays.copyOfRange(r, 6 * s, 6 * s + 6), 1e-12);
        }
    }

    @Test
    void layoutIndices() {
        InternalCoordinateLayout layout = new InternalCoordinates(ALDP.zMatrix()).layout();
        assertEquals(66, layout.dimension());
        assertEquals(21, layout.bondIndices().length);
        assertEquals(20, layout.angleIndices().length);
        assertEquals(19, layout.torsionIndices().length);
        assertArrayEquals(new int[] {60, 61, 62, 63, 64, 65}, layout.rigidIndices());
        assertEquals(21, layout.circularIndices().length);
        assertEquals(64, layout.circularIndices()[19]);
        assertEquals(65, layout.circularIndices()[20]);
        InternalCoordinateLayout canonical = new CanonicalInternalCoordinates(ALDP.zMatrix()).layout();
        assertEquals(60, canonical.dimension());
        assertEquals(0, canonical.rigidIndices().length);
        assertArrayEquals(layout.torsionIndices(), canonical.circularIndices());
    }

    @Test
    void standardizationComposesWithInternalCoordinatesInAFlow() {
        InternalCoordinates ic = new InternalCoordinates(ALDP.zMatrix());
        int n = 200;
        double[] x = randomConformations(ALDP, n, 0.01, new Random(17));
        INDArray z = ic.inverse(matrix(x, n)).output();
        boolean[] bondsAndAngles = new boolean[ic.dimension()];
        for (int j : ic.layout().bondIndices()) bondsAndAngles[j] = true;
        for (int j : ic.layout().angleIndices()) bondsAndAngles[j] = true;
        ElementwiseAffine standardization = ic.layout().standardization(z, bondsAndAngles);
        double[] zn = host(standardization.inverse(z).output());
        int d = ic.dimension();
        for (int j : ic.layout().angleIndices()) {
            double mean = 0;
            double var = 0;
            for (int s = 0; s < n; s++) {
                mean += zn[s * d + j] / n;
            }
            for (int s = 0; s < n; s++) {
                var += (zn[s * d + j] - mean) * (zn[s * d + j] - mean) / (n - 1);
            }
            assertEquals(0, mean, 1e-10);
            assertEquals(1, var, 1e-10);
        }
        double[] zz = host(z);
        for (int j : ic.layout().circularIndices()) {
            assertEquals(zz[j], zn[j], 0, "torsions and rigid body untouched");
        }
        Flow flow = Flow.of(standardization, ic);
        Transform.Result result = flow.forward(matrix(zn, n));
        assertArrayEquals(x, host(result.output()), 1e-10);
        double logStd = 0;
        double[] ls = host(standardization.logScale());
        for (double v : ls) {
            logStd += v;
        }
        double[] ldIc = host(ic.forward(z).logDet());
        assertEquals(ldIc[0] + logStd, host(result.logDet())[0], 1e-10);
    }

    @Test
    void rejectsWrongShapesAndFloat32() {
        InternalCoordinates ic = new InternalCoordinates(ALDP.zMatrix());
        assertThrows(IllegalArgumentException.class, () -> ic.forward(Nd4j.zeros(DataType.DOUBLE, 2, 60)));
        assertThrows(IllegalArgumentException.class, () -> ic.forward(Nd4j.zeros(DataType.FLOAT, 2, 66)));
    }
}
