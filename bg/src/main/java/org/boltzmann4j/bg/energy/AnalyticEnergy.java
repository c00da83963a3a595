package org.boltzmann4j.bg.energy;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An energy given by a closed formula, evaluated one configuration at a time in plain Java loops
 * (a batch of a toy potential is far cheaper than the per-op overhead of ND4J).
 *
 * <p>The toy potentials are dimensionless: read their energies as kJ/mol and pair them with
 * kT = 1 kJ/mol (reduced units), which is how the Boltzmann-generator literature uses them.
 * A configuration whose energy or gradient is not finite (NaN coordinates, overflow far from the
 * minima) gets U = +infinity and a zero gradient row, as {@link Energy} requires.
 */
public interface AnalyticEnergy extends Energy {

    /**
     * U of the configuration {@code x[offset .. offset + dimension())}; when {@code gradient} is
     * not null, also writes dU/dx into {@code gradient[offset .. offset + dimension())}.
     */
    double energy(double[] x, int offset, double[] gradient);

    /** U of one configuration. */
    default double energy(double... x) {
        requireLength(x.length);
        return energy(x, 0, null);
    }

    /** dU/dx of one configuration. */
    default double[] gradient(double... x) {
        requireLength(x.length);
        double[] g = new double[x.length];
        energy(x, 0, g);
        return g;
    }

    @Override
    default Evaluation evaluate(INDArray x, boolean withGradient) {
        int d = dimension();
        if (x.rank() != 2 || x.size(1) != d) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected shape (n, " + d + "), got "
                    + Arrays.toString(x.shape()));
        }
        if (x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected DOUBLE input, got "
                    + x.dataType());
        }
        int n = (int) x.size(0);
        double[] a = x.dup('c').data().asDouble();
        double[] u = new double[n];
        double[] g = withGradient ? new double[n * d] : null;
        for (int r = 0; r < n; r++) {
            int off = r * d;
            double e = energy(a, off, g);
            boolean finite = Double.isFinite(e);
            if (g != null) {
                for (int j = 0; j < d && finite; j++) {
                    finite = Double.isFinite(g[off + j]);
                }
            }
            if (!finite) {
                e = Double.POSITIVE_INFINITY;
                if (g != null) {
                    Arrays.fill(g, off, off + d, 0.0);
                }
            }
            u[r] = e;
        }
        INDArray energies = Nd4j.create(u, new long[] {n}, DataType.DOUBLE);
        INDArray gradient = g == null ? null : Nd4j.create(g, new long[] {n, d}, DataType.DOUBLE);
        return new Evaluation(energies, gradient);
    }

    private void requireLength(int length) {
        if (length != dimension()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " is " + dimension()
                    + "-dimensional, got " + length + " coordinates");
        }
    }
}
