package org.boltzmann4j.bg.flow;

import java.util.Arrays;

/**
 * Which dimensions a coupling transforms (the others condition the transformation and pass
 * through unchanged) and which dimensions are angles in [-pi, pi).
 *
 * <p>Circular dimensions enter the conditioner as (cos, sin), so that the conditioner is periodic
 * too; circular transformed dimensions get a circular transformer.
 */
public final class CouplingMask {

    private final boolean[] transformed;
    private final boolean[] circular;

    public CouplingMask(boolean[] transformed, boolean[] circular) {
        if (transformed.length != circular.length) {
            throw new IllegalArgumentException("transformed has " + transformed.length + " flags, circular "
                    + circular.length);
        }
        boolean any = false;
        for (boolean t : transformed) {
            any |= t;
        }
        if (!any) {
            throw new IllegalArgumentException("a coupling must transform at least one dimension");
        }
        this.transformed = transformed.clone();
        this.circular = circular.clone();
    }

    /** Transforms the listed dimensions; {@code circular} flags every dimension (may be all false). */
    public static CouplingMask of(int[] transformedDims, boolean[] circular) {
        boolean[] t = new boolean[circular.length];
        for (int i : transformedDims) {
            t[i] = true;
        }
        return new CouplingMask(t, circular);
    }

    /** Transforms the dimensions i with i % 2 == parity (0 or 1). */
    public static CouplingMask alternating(boolean[] circular, int parity) {
        boolean[] t = new boolean[circular.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = i % 2 == parity;
        }
        return new CouplingMask(t, circular);
    }

    /** The complementary mask: what was conditioning is transformed and vice versa. */
    public CouplingMask complement() {
        boolean[] t = new boolean[transformed.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = !transformed[i];
        }
        return new CouplingMask(t, circular);
    }

    public int dimension() {
        return transformed.length;
    }

    public boolean isTransformed(int dim) {
        return transformed[dim];
    }

    public boolean isCircular(int dim) {
        return circular[dim];
    }

    public boolean[] transformed() {
        return transformed.clone();
    }

    public boolean[] circular() {
        return circular.clone();
    }

    int[] transformedDims() {
        return dims(true);
    }

    int[] conditioningDims() {
        return dims(false);
    }

    private int[] dims(boolean wanted) {
        return java.util.stream.IntStream.range(0, transformed.length)
                .filter(i -> transformed[i] == wanted)
                .toArray();
    }

    /** Number of conditioner inputs: one per interval dimension, two per circular one. */
    int featureCount() {
        int f = 0;
        for (int i : conditioningDims()) {
            f += circular[i] ? 2 : 1;
        }
        return f;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < transformed.length; i++) {
            sb.append(transformed[i] ? (circular[i] ? 'T' : 't') : (circular[i] ? 'C' : 'c'));
        }
        return "CouplingMask[" + sb + "] (t transformed, c conditioning, upper case circular)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CouplingMask m && Arrays.equals(transformed, m.transformed)
                && Arrays.equals(circular, m.circular);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(transformed) + Arrays.hashCode(circular);
    }
}
