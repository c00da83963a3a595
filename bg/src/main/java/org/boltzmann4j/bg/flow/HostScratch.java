package org.boltzmann4j.bg.flow;

import java.util.Arrays;

/**
 * Per-thread Java arrays for intermediates that live only during one call (the conditioner's
 * output, read at once by its coupling; gradients of the conditioner outputs and of hidden layers). A training step would otherwise allocate tens of
 * megabytes of them, and the garbage collector would copy what is live at each collection. Each
 * slot has one owner; what a slot holds is valid until its owner's next call on the same thread.
 */
final class HostScratch {

    enum Slot {
        /** The last layer's output of an {@link Mlp} pass that does not keep it. */
        NETWORK_OUTPUT,
        /** dL/d(raw conditioner output) in {@link Coupling}'s backward. */
        RAW_GRADIENT,
        /** dL/dh of alternate layers in {@link Mlp}'s backward. */
        LAYER_GRADIENT_A,
        LAYER_GRADIENT_B
    }

    private static final ThreadLocal<double[][]> LOCAL = ThreadLocal.withInitial(() -> new double[Slot.values().length][]);

    private HostScratch() {}

    /** An array of at least {@code length} entries, contents undefined. */
    static double[] get(Slot slot, int length) {
        double[][] slots = LOCAL.get();
        double[] a = slots[slot.ordinal()];
        if (a == null || a.length < length) {
            a = new double[length];
            slots[slot.ordinal()] = a;
        }
        return a;
    }

    /** The same, with the first {@code length} entries zero. */
    static double[] zeroed(Slot slot, int length) {
        double[] a = get(slot, length);
        Arrays.fill(a, 0, length, 0.0);
        return a;
    }
}
