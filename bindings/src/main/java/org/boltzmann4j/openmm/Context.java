package org.boltzmann4j.openmm;

import static org.boltzmann4j.openmm.ffi.BoltzmannOpenMM.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import org.boltzmann4j.openmm.ffi.b4j_integrator_spec;

/**
 * An OpenMM Context: a System on a platform with an integrator, holding positions and velocities.
 * Evaluates energies and forces of batches and runs dynamics.
 *
 * <p>One thread at a time (OpenMM's Context is not thread-safe): use one per thread, or a
 * {@link ContextPool}. Calls from several threads are serialised, and {@link #close()} waits for a
 * call in progress, so closing never frees memory that a call is using.
 * Native buffers are allocated once per context and grown when a larger batch comes, so
 * repeated calls allocate nothing.
 */
public final class Context implements EnergyEvaluator {
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;

    private final Arena arena;
    private MemorySegment handle;
    private final int numParticles;
    private final String platformName;
    private final Integrator integrator;
    private final OpenMMSystem.Features features;
    private final MemorySegment scalars; // out-parameters of small calls
    private Arena batchArena;
    private int batchCapacity;
    private MemorySegment positions, energies, forces;

    /**
     * A context on the named platform (null: OpenMM's fastest) with platform properties.
     *
     * <p>LangevinMiddle on the Reference platform is stepped by native/ with a generator owned by
     * this context (OpenMM's Reference kernels share one per process): its trajectory depends only
     * on its seed and state, whatever other contexts do in other threads, and {@link #checkpoint()}
     * holds the generator state too.
     */
    public Context(OpenMMSystem system, String platform, Map<String, String> properties, Integrator integrator) {
        NativeLibrary.ensureLoaded();
        this.integrator = integrator;
        this.features = system.features();
        if (platform != null) OpenMM.platform(platform); // unknown names: a message listing the known ones
        MemorySegment created;
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment spec = b4j_integrator_spec.allocate(temp);
            b4j_integrator_spec.step_size_ps(spec, integrator.stepSizePs());
            switch (integrator) {
                case Integrator.LangevinMiddle l -> {
                    b4j_integrator_spec.kind(spec, B4J_INTEGRATOR_LANGEVIN_MIDDLE());
                    b4j_integrator_spec.temperature_k(spec, l.temperatureK());
                    b4j_integrator_spec.friction_per_ps(spec, l.frictionPerPs());
                    b4j_integrator_spec.random_seed(spec, l.seed());
                }
                case Integrator.Verlet v -> b4j_integrator_spec.kind(spec, B4J_INTEGRATOR_VERLET());
            }
            int count = properties.size();
            MemorySegment names = temp.allocate(ValueLayout.ADDRESS, Math.max(1, count));
            MemorySegment values = temp.allocate(ValueLayout.ADDRESS, Math.max(1, count));
            int i = 0;
            for (var entry : properties.entrySet()) {
                names.setAtIndex(ValueLayout.ADDRESS, i, temp.allocateFrom(entry.getKey()));
                values.setAtIndex(ValueLayout.ADDRESS, i, temp.allocateFrom(entry.getValue()));
                i++;
            }
            MemorySegment out = temp.allocate(ValueLayout.ADDRESS);
            MemorySegment cplatform = platform == null ? MemorySegment.NULL : temp.allocateFrom(platform);
            int status;
            synchronized (system) { // the System may not be closed while the native side copies it
                status = b4j_context_create(system.handle(), cplatform, names, values, count, spec, out);
            }
            if (status != B4J_OK()) throw new OpenMMException(NativeLibrary.lastError());
            created = out.get(ValueLayout.ADDRESS, 0);
        }
        // From here on the native context exists: whatever fails frees it and every Arena.
        Arena a = null, b = null;
        try {
            a = Arena.ofShared();
            b = Arena.ofShared();
            MemorySegment count = a.allocate(ValueLayout.JAVA_INT);
            NativeLibrary.check(b4j_context_num_particles(created, count));
            numParticles = count.get(ValueLayout.JAVA_INT, 0);
            scalars = a.allocate(64, 8);
            platformName = NativeLibrary.text((buf, len) -> b4j_context_platform_name(created, buf, len));
        } catch (RuntimeException | Error e) {
            b4j_context_destroy(created);
            if (b != null) b.close();
            if (a != null) a.close();
            throw e;
        }
        arena = a;
        batchArena = b;
        handle = created;
        ensureCapacity(1);
    }

    /** A context with a Verlet integrator, for energy evaluation only. */
    public static Context forEnergies(OpenMMSystem system, String platform, Map<String, String> properties) {
        return new Context(system, platform, properties, Integrator.verlet(0.001));
    }

    @Override
    public int numParticles() {
        return numParticles;
    }

    public String platformName() {
        return platformName;
    }

    public Integrator integrator() {
        return integrator;
    }

    /** What the System this context was made from holds (constraints, virtual sites, ...). */
    public OpenMMSystem.Features features() {
        return features;
    }

    /** The value OpenMM uses for a platform property (e.g. "Threads" on CPU). */
    public synchronized String propertyValue(String name) {
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment cname = temp.allocateFrom(name);
            return NativeLibrary.text((buf, len) -> b4j_context_property_value(handle(), cname, buf, len));
        }
    }

    private void ensureCapacity(int n) {
        if (n <= batchCapacity) return;
        int capacity = Math.max(n, batchCapacity * 2);
        Arena next = Arena.ofShared();
        long coords = (long) capacity * numParticles * 3;
        positions = next.allocate(D, coords);
        forces = next.allocate(D, coords);
        energies = next.allocate(D, capacity);
        batchArena.close();
        batchArena = next;
        batchCapacity = capacity;
    }

    @Override
    public void evaluate(double[] x, int n, double[] e, double[] f) {
        EnergyEvaluator.checkBatch(numParticles, x, n, e, f);
        evaluate(x, 0, n, e, f);
    }

    /**
     * Configurations [first, first + n) of Java arrays, staged through this context's native
     * memory. A path of its own rather than heap segments over the arrays: those are three
     * allocations per call, which a caller evaluating one configuration at a time (MD analysis,
     * MCMC) pays millions of times.
     */
    synchronized void evaluate(double[] x, int first, int n, double[] e, double[] f) {
        MemorySegment h = handle();
        if (n == 0) return;
        ensureCapacity(n);
        int stride = numParticles * 3;
        MemorySegment.copy(x, first * stride, positions, D, 0, n * stride);
        NativeLibrary.check(b4j_context_evaluate(h, n, positions, energies, f == null ? MemorySegment.NULL : forces, B4J_ALL_GROUPS()));
        MemorySegment.copy(energies, D, 0, e, first, n);
        if (f != null) MemorySegment.copy(forces, D, 0, f, first * stride, n * stride);
    }

    @Override
    public void evaluate(MemorySegment x, int n, MemorySegment e, MemorySegment f) {
        EnergyEvaluator.checkBatch(numParticles, x, n, e, f);
        evaluate(x, 0, n, e, f);
    }

    /**
     * Evaluates configurations [first, first + n) of the segments (used by the pool to split a
     * batch): native segments in place, heap segments (Java arrays) through the staging memory.
     */
    synchronized void evaluate(MemorySegment x, int first, int n, MemorySegment e, MemorySegment f) {
        MemorySegment h = handle();
        if (n == 0) return;
        long stride = numParticles * 3L * Double.BYTES;
        long xAt = first * stride, xBytes = n * stride, eAt = first * (long) Double.BYTES, eBytes = n * (long) Double.BYTES;
        if (x.isNative() && e.isNative() && (f == null || f.isNative())) {
            NativeLibrary.check(b4j_context_evaluate(h, n, x.asSlice(xAt, xBytes), e.asSlice(eAt, eBytes),
                    f == null ? MemorySegment.NULL : f.asSlice(xAt, xBytes), B4J_ALL_GROUPS()));
            return;
        }
        ensureCapacity(n);
        MemorySegment.copy(x, xAt, positions, 0, xBytes);
        NativeLibrary.check(b4j_context_evaluate(h, n, positions, energies, f == null ? MemorySegment.NULL : forces, B4J_ALL_GROUPS()));
        MemorySegment.copy(energies, 0, e, eAt, eBytes);
        if (f != null) MemorySegment.copy(forces, 0, f, xAt, xBytes);
    }

    /**
     * Potential energy of each given force group (0..31) for each configuration: a row of
     * groups.length values per configuration.
     */
    public synchronized double[] groupEnergies(double[] x, int n, int... groups) {
        EnergyEvaluator.checkBatch(numParticles, x, n, new double[n], null);
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment cx = temp.allocateFrom(D, x);
            MemorySegment cg = temp.allocateFrom(ValueLayout.JAVA_INT, groups);
            MemorySegment out = temp.allocate(D, Math.max(1L, (long) n * groups.length));
            NativeLibrary.check(b4j_context_group_energies(handle(), n, cx, groups.length, cg, out));
            return out.asSlice(0, (long) n * groups.length * 8).toArray(D);
        }
    }

    public synchronized void setPositions(double[] x) {
        MemorySegment h = handle();
        checkOne(x, "positions");
        MemorySegment.copy(x, 0, positions, D, 0, x.length);
        NativeLibrary.check(b4j_context_set_positions(h, positions));
    }

    public synchronized double[] positions() {
        NativeLibrary.check(b4j_context_get_positions(handle(), positions));
        return positions.asSlice(0, numParticles * 24L).toArray(D);
    }

    /** Velocities in nm/ps. */
    public synchronized void setVelocities(double[] v) {
        MemorySegment h = handle();
        checkOne(v, "velocities");
        MemorySegment.copy(v, 0, positions, D, 0, v.length);
        NativeLibrary.check(b4j_context_set_velocities(h, positions));
    }

    public synchronized double[] velocities() {
        NativeLibrary.check(b4j_context_get_velocities(handle(), positions));
        return positions.asSlice(0, numParticles * 24L).toArray(D);
    }

    /** Maxwell-Boltzmann velocities at the temperature, drawn with the seed. */
    public synchronized void setVelocitiesToTemperature(double temperatureK, int seed) {
        NativeLibrary.check(b4j_context_set_velocities_to_temperature(handle(), temperatureK, seed));
    }

    /** Energies, time and step count of the current state. */
    public synchronized State state() {
        MemorySegment h = handle();
        NativeLibrary.check(b4j_context_state(h, scalars, scalars.asSlice(8), scalars.asSlice(16), scalars.asSlice(24)));
        return new State(scalars.get(D, 0), scalars.get(D, 8), scalars.get(D, 16), scalars.get(ValueLayout.JAVA_LONG, 24));
    }

    public synchronized void setTime(double timePs, long stepCount) {
        NativeLibrary.check(b4j_context_set_time(handle(), timePs, stepCount));
    }

    public synchronized void step(int steps) {
        if (steps < 0) throw new IllegalArgumentException("negative number of steps: " + steps);
        NativeLibrary.check(b4j_context_step(handle(), steps));
    }

    /** Local energy minimization until the force tolerance (kJ/mol/nm); 0 iterations = no limit. */
    public synchronized void minimize(double toleranceKjMolNm, int maxIterations) {
        NativeLibrary.check(b4j_context_minimize(handle(), toleranceKjMolNm, maxIterations));
    }

    /** Temperature of the Langevin integrator (an error for Verlet). */
    public synchronized void setTemperature(double temperatureK) {
        NativeLibrary.check(b4j_context_set_temperature(handle(), temperatureK));
    }

    /** Reseeds the Langevin integrator's random numbers, keeping positions and velocities. */
    public synchronized void setRandomSeed(int seed) {
        NativeLibrary.check(b4j_context_set_random_seed(handle(), seed));
    }

    public synchronized void setStepSize(double stepSizePs) {
        NativeLibrary.check(b4j_context_set_step_size(handle(), stepSizePs));
    }

    /** Degrees of freedom for the kinetic temperature (3N - constraints - 3 with motion removal). */
    public synchronized int degreesOfFreedom() {
        NativeLibrary.check(b4j_context_degrees_of_freedom(handle(), scalars));
        return scalars.get(ValueLayout.JAVA_INT, 0);
    }

    /** OpenMM's binary checkpoint of the state (and random state where the platform keeps it). */
    public synchronized byte[] checkpoint() {
        MemorySegment h = handle();
        NativeLibrary.check(b4j_context_checkpoint(h, MemorySegment.NULL, 0, scalars));
        long size = scalars.get(ValueLayout.JAVA_LONG, 0);
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment buf = temp.allocate(size);
            NativeLibrary.check(b4j_context_checkpoint(h, buf, size, scalars));
            return buf.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    public synchronized void loadCheckpoint(byte[] checkpoint) {
        try (Arena temp = Arena.ofConfined()) {
            NativeLibrary.check(b4j_context_load_checkpoint(handle(), temp.allocateFrom(ValueLayout.JAVA_BYTE, checkpoint), checkpoint.length));
        }
    }

    private void checkOne(double[] x, String what) {
        if (x.length != numParticles * 3)
            throw new IllegalArgumentException("wrong atom count: " + what + " hold " + x.length + " values, the System has "
                    + numParticles + " atoms (" + numParticles * 3 + " values)");
    }

    MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("Context is closed");
        return handle;
    }

    /** Closes the native context; waits for a call in progress on another thread. */
    @Override
    public synchronized void close() {
        if (handle != null) {
            b4j_context_destroy(handle);
            handle = null;
            batchArena.close();
            arena.close();
        }
    }

    /** Potential and kinetic energy (kJ/mol), simulation time (ps) and integrator step count. */
    public record State(double potentialKjMol, double kineticKjMol, double timePs, long stepCount) {}
}
