package org.boltzmann4j.bg.sampling;

import java.util.Map;

/**
 * Settings of a hybrid run ({@link HybridSampler}). Start from {@link #defaults()} and change what
 * differs with the withers. Steps are MD steps.
 *
 * @param steps MD steps per chain
 * @param flowEvery MD steps between flow moves (0: no flow moves, plain MD or HMC)
 * @param localSteps MD steps per local move (the HMC trajectory length; the Langevin segment)
 * @param saveEvery MD steps between saved frames
 * @param threads chains run in parallel (0: one per core)
 * @param checkpointEverySeconds minimum wall time between checkpoints, which are taken at saved
 *     frames (0: at every saved frame); a killed run loses at most this much wall time plus one
 *     save interval
 */
public record HybridSettings(long steps, int flowEvery, LocalMove local, int localSteps, double dtPs, double temperatureK,
        double frictionPerPs, int saveEvery, int chains, long seed, String platform, Map<String, String> properties, int threads,
        double checkpointEverySeconds) {

    public HybridSettings {
        require(steps >= 0, "--steps must be >= 0, got " + steps);
        require(flowEvery >= 0, "--flow-every must be >= 0, got " + flowEvery);
        require(local != null, "--local must be langevin, hmc or none");
        require(localSteps >= 1, "--local-steps must be >= 1, got " + localSteps);
        require(dtPs > 0 && dtPs <= 0.01, "--dt-ps must be in (0, 0.01], got " + dtPs);
        require(temperatureK > 0 && Double.isFinite(temperatureK), "--temperature-k must be > 0, got " + temperatureK);
        require(frictionPerPs >= 0 && Double.isFinite(frictionPerPs), "--friction-per-ps must be >= 0, got " + frictionPerPs);
        require(saveEvery >= 1, "--save-every must be >= 1, got " + saveEvery);
        require(chains >= 1, "--chains must be >= 1, got " + chains);
        require(threads >= 0, "--threads must be >= 0, got " + threads);
        require(checkpointEverySeconds >= 0 && Double.isFinite(checkpointEverySeconds),
                "--checkpoint-every-s must be >= 0, got " + checkpointEverySeconds);
        require(platform != null && !platform.isBlank(), "--platform must name an OpenMM platform");
        properties = Map.copyOf(properties);
    }

    /**
     * Langevin segments of 50 steps of 1 fs at 300 K, friction 1/ps, a flow move and a frame every
     * 1000 steps, 2 chains, seed 1, Reference, one chain per core, a checkpoint at most every
     * minute; no steps yet.
     */
    public static HybridSettings defaults() {
        return new HybridSettings(0, 1000, LocalMove.LANGEVIN, 50, 0.001, 300, 1, 1000, 2, 1, "Reference", Map.of(), 0,
                MdSettings.DEFAULT_CHECKPOINT_EVERY_SECONDS);
    }

    public HybridSettings withSteps(long value) {
        return new HybridSettings(value, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withFlowEvery(int value) {
        return new HybridSettings(steps, value, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withLocal(LocalMove value) {
        return new HybridSettings(steps, flowEvery, value, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withLocalSteps(int value) {
        return new HybridSettings(steps, flowEvery, local, value, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withDtPs(double value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, value, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withTemperatureK(double value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, value, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withFrictionPerPs(double value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, value, saveEvery, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withSaveEvery(int value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, value, chains, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withChains(int value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, value, seed, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withSeed(long value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, value, platform, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withPlatform(String value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, value, properties, threads, checkpointEverySeconds);
    }

    public HybridSettings withProperties(Map<String, String> value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, value, threads, checkpointEverySeconds);
    }

    public HybridSettings withThreads(int value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, value, checkpointEverySeconds);
    }

    public HybridSettings withCheckpointEverySeconds(double value) {
        return new HybridSettings(steps, flowEvery, local, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed, platform, properties, threads, value);
    }

    /** kT in kJ/mol. */
    public double kT() {
        return org.boltzmann4j.bg.energy.ThermalEnergy.kT(temperatureK);
    }

    /** Threads for the chains: {@link #threads()}, or one per core, never more than the chains. */
    public int parallelChains() {
        int width = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(width, chains));
    }

    /** The first step after {@code from} at which the chains stop together: a flow move or a saved frame. */
    long nextStop(long from) {
        long next = (from / saveEvery + 1) * saveEvery;
        if (flowEvery > 0) next = Math.min(next, (from / flowEvery + 1) * flowEvery);
        return Math.min(steps, next);
    }

    boolean flowMoveAt(long step) {
        return flowEvery > 0 && step % flowEvery == 0;
    }

    boolean saveAt(long step) {
        return step % saveEvery == 0;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
