package org.boltzmann4j.bg.sampling;

import org.boltzmann4j.openmm.Context;

/**
 * Langevin segments of one chain on its own Context (a LangevinMiddleIntegrator), from the
 * chain's positions and velocities, and the random state a checkpoint of the chain must keep.
 *
 * <p>This class is the one place that knows about OpenMM's Reference platform drawing Langevin
 * noise from one generator per process: there, segments of different chains run one at a time
 * ({@link #REFERENCE_GENERATOR}), each restoring its own generator state from its own OpenMM
 * checkpoint first and saving it after, which keeps every chain reproducible by seed whatever the
 * thread count, at the cost of serialising the chains' Langevin work. On other platforms each
 * Context has its own generator, and segments run in parallel.
 */
final class LangevinSegments {
    private static final Object REFERENCE_GENERATOR = new Object();

    private final Context context;
    private final boolean sharedGenerator;
    private byte[] generatorState;

    LangevinSegments(Context context) {
        this.context = context;
        this.sharedGenerator = "Reference".equals(context.platformName());
        // Right after the Context's creation the Reference generator holds this chain's seed: keep it.
        if (sharedGenerator) generatorState = context.checkpoint();
    }

    /** Runs n steps from (x, v); returns the new positions and velocities. */
    Phase run(double[] x, double[] v, int n) {
        if (!sharedGenerator) return segment(x, v, n);
        synchronized (REFERENCE_GENERATOR) {
            context.loadCheckpoint(generatorState);
            Phase end = segment(x, v, n);
            generatorState = context.checkpoint();
            return end;
        }
    }

    private Phase segment(double[] x, double[] v, int n) {
        context.setPositions(x);
        context.setVelocities(v);
        context.step(n);
        return new Phase(context.positions(), context.velocities());
    }

    /** The random state to checkpoint (empty where the platform's own checkpoint does not hold it per chain). */
    byte[] randomState() {
        return generatorState == null ? new byte[0] : generatorState.clone();
    }

    void restoreRandomState(byte[] state) {
        if (state.length > 0) generatorState = state.clone();
    }

    record Phase(double[] x, double[] v) {}
}
