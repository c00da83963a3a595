package org.boltzmann4j.bg.energy;

import java.util.Arrays;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
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
        // one configuration at a time in Java arrays, as energy(x, offset, gradient) takes them
        Values in = Values.of(Batches.contiguous(x));
        INDArray energies = Nd4j.create(DataType.DOUBLE, n);
        INDArray gradient = withGradient ? Batches.uninitialized(DataType.DOUBLE, n, d) : null;
        Values u = Values.of(energies);
        Values gout = withGradient ? Values.of(gradient) : null;
        double[] a = new double[d];
        double[] g = withGradient ? new double[d] : null;
        for (int r = 0; r < n; r++) {
            in.get(r * d, a, 0, d);
            if (g != null) {
                Arrays.fill(g, 0.0);
            }
            double e = energy(a, 0, g);
            boolean finite = Double.isFinite(e);
            if (g != null) {
                for (int j = 0; j < d && finite; j++) {
                    finite = Double.isFinite(g[j]);
                }
            }
            if (!finite) {
                e = Double.POSITIVE_INFINITY;
                if (g != null) {
                    Arrays.fill(g, 0.0);
                }
            }
            u.set(r, e);
            if (g != null) {
                gout.put(r * d, g, 0, d);
            }
        }
        return new Evaluation(energies, gradient);
    }

    private void requireLength(int length) {
        if (length != dimension()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " is " + dimension()
                    + "-dimensional, got " + length + " coordinates");
        }
    }
}
