package org.boltzmann4j.openmm;

/**
 * The integrator a {@link Context} steps with. LangevinMiddle (Zhang et al. 2019, OpenMM's
 * recommended Langevin scheme) for sampling at a temperature; Verlet for energy-conserving
 * segments such as Metropolized HMC.
 */
public sealed interface Integrator {
    double stepSizePs();

    /**
     * LangevinMiddle at a temperature. On the Reference platform native/ steps it with a noise
     * generator owned by the Context (OpenMM's Reference kernels share one per process): the same
     * seed and state give the same trajectory whatever other Contexts do in other threads, and
     * the generator state travels in {@link Context#checkpoint()}. Seed 0 asks for a random seed.
     */
    record LangevinMiddle(double temperatureK, double frictionPerPs, double stepSizePs, int seed) implements Integrator {
        public LangevinMiddle {
            requirePositive(stepSizePs, "step size (ps)");
            if (!(temperatureK >= 0) || Double.isInfinite(temperatureK)) throw new IllegalArgumentException("temperature must be >= 0 K, got " + temperatureK);
            if (!(frictionPerPs >= 0) || Double.isInfinite(frictionPerPs)) throw new IllegalArgumentException("friction must be >= 0 /ps, got " + frictionPerPs);
        }
    }

    record Verlet(double stepSizePs) implements Integrator {
        public Verlet {
            requirePositive(stepSizePs, "step size (ps)");
        }
    }

    static LangevinMiddle langevinMiddle(double temperatureK, double frictionPerPs, double stepSizePs, int seed) {
        return new LangevinMiddle(temperatureK, frictionPerPs, stepSizePs, seed);
    }

    static Verlet verlet(double stepSizePs) {
        return new Verlet(stepSizePs);
    }

    private static void requirePositive(double value, String what) {
        if (!(value > 0) || Double.isInfinite(value)) throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }
}
