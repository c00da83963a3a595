package org.boltzmann4j.bg.energy;

import java.util.Arrays;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An energy made safe for training by energy: huge energies are compressed logarithmically and
 * non-computable ones become a finite value with no gradient, so that one clashing sample cannot
 * dominate or poison a batch of the reverse-KL loss.
 *
 * <p>With the cutoff U_high and the cap U_max of the raw energy (Noé et al. 2019, Boltzmann
 * generators, supplementary "linlogcut"):
 * <pre>
 *   U_reg = U                                    if U &lt;= U_high
 *   U_reg = U_high + log(1 + U - U_high)          if U_high &lt; U &lt; U_max
 *   U_reg = U_high + log(1 + U_max - U_high)      if U &gt;= U_max, or U is NaN or infinite,
 *                                                  or any component of dU/dx is NaN or infinite
 * </pre>
 * and dU_reg/dx = dU/dx, dU/dx / (1 + U - U_high), and exactly 0 in the three cases. U_reg and
 * its gradient are continuous at U_high (the slope factor is 1 there); at U_max the value is
 * continuous and the gradient drops to zero. The third line is the largest value U_reg takes
 * ({@link #ceiling()}), so a NaN or infinite sample counts as the worst possible one but no worse.
 * Units are those of the inner energy (kJ/mol); the paper used U_high = 1e3 kT.
 */
public final class RegularizedEnergy implements Energy {

    private final Energy inner;
    private final double cutoff;
    private final double maximum;
    private final double ceiling;

    /**
     * @param cutoff U_high, above which the energy grows logarithmically
     * @param maximum U_max &gt; U_high, a finite cap on the raw energy
     */
    public RegularizedEnergy(Energy inner, double cutoff, double maximum) {
        this.inner = java.util.Objects.requireNonNull(inner, "inner");
        if (!Double.isFinite(cutoff) || !Double.isFinite(maximum) || !(maximum > cutoff)) {
            throw new IllegalArgumentException("need finite cutoff < maximum, got cutoff " + cutoff + ", maximum "
                    + maximum);
        }
        this.cutoff = cutoff;
        this.maximum = maximum;
        this.ceiling = cutoff + Math.log1p(maximum - cutoff);
    }

    /** U_max = U_high + 1e9, so the ceiling is U_high + 20.7. */
    public static RegularizedEnergy of(Energy inner, double cutoff) {
        return new RegularizedEnergy(inner, cutoff, cutoff + 1e9);
    }

    public Energy inner() {
        return inner;
    }

    public double cutoff() {
        return cutoff;
    }

    public double maximum() {
        return maximum;
    }

    /** U_high + log(1 + U_max - U_high): the value of capped and non-computable configurations. */
    public double ceiling() {
        return ceiling;
    }

    @Override
    public int dimension() {
        return inner.dimension();
    }

    /** U_reg of one raw energy (not finite gives the ceiling). */
    public double regularize(double u) {
        if (capped(u)) {
            return ceiling;
        }
        return u <= cutoff ? u : cutoff + Math.log1p(u - cutoff);
    }

    /** dU_reg/dU at a raw energy: 1, 1 / (1 + U - U_high), or 0. */
    public double slope(double u) {
        if (capped(u)) {
            return 0;
        }
        return u <= cutoff ? 1 : 1 / (1 + (u - cutoff));
    }

    /** At or above U_max, NaN, or infinite of either sign. */
    private boolean capped(double u) {
        return !(u < maximum) || u == Double.NEGATIVE_INFINITY;
    }

    @Override
    public Evaluation evaluate(INDArray x, boolean withGradient) {
        Evaluation raw = inner.evaluate(x, withGradient);
        int n = (int) raw.energies().length();
        int d = dimension();
        Values u = Values.of(Batches.contiguous(raw.energies(), DataType.DOUBLE));
        Values g = withGradient ? Values.of(Batches.contiguous(raw.gradient(), DataType.DOUBLE)) : null;
        INDArray energies = Nd4j.create(DataType.DOUBLE, n);
        INDArray gradient = withGradient ? Batches.uninitialized(DataType.DOUBLE, n, d) : null;
        Values out = Values.of(energies);
        Values gout = withGradient ? Values.of(gradient) : null;
        for (int r = 0; r < n; r++) {
            double e = u.get(r);
            if (g != null) {
                for (int j = 0; j < d; j++) {
                    if (!Double.isFinite(g.get(r * d + j))) {
                        e = Double.NaN; // a broken gradient makes the sample non-computable
                        break;
                    }
                }
            }
            out.set(r, regularize(e));
            if (g != null) {
                double s = slope(e);
                for (int j = 0; j < d; j++) {
                    gout.set(r * d + j, s == 0 ? 0.0 : s == 1 ? g.get(r * d + j) : g.get(r * d + j) * s);
                }
            }
        }
        return new Evaluation(energies, gradient);
    }

    @Override
    public String toString() {
        return "RegularizedEnergy[" + inner + ", cutoff " + cutoff + ", maximum " + maximum + "]";
    }
}
