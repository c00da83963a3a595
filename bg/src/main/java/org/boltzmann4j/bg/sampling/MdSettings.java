package org.boltzmann4j.bg.sampling;

import java.util.Map;

/**
 * Settings of a Langevin MD run (OpenMM's LangevinMiddleIntegrator). Start from
 * {@link #defaults()} and change what differs with the withers.
 *
 * @param steps total number of MD steps of the run (a resumed run may extend it)
 * @param saveEvery steps between saved frames (trajectory, energies, log)
 * @param seed seed of the initial velocities and of the integrator's random numbers
 * @param platform OpenMM platform; only Reference reproduces a trajectory exactly, also across a
 *     resume (its checkpoint holds the random state)
 * @param checkpointEverySeconds minimum wall time between checkpoints, which are taken at saved
 *     frames (0: at every saved frame). A killed run loses at most this much wall time plus one
 *     save interval of MD.
 */
public record MdSettings(long steps, double dtPs, double temperatureK, double frictionPerPs, int saveEvery, int seed,
        String platform, Map<String, String> properties, boolean minimize, double checkpointEverySeconds) {

    /** Checkpoint interval of {@link #defaults()}: rare enough to cost nothing measurable, short enough to lose little. */
    public static final double DEFAULT_CHECKPOINT_EVERY_SECONDS = 60;

    public MdSettings {
        require(steps >= 0, "--steps must be >= 0, got " + steps);
        require(dtPs > 0 && dtPs <= 0.01, "--dt-ps must be in (0, 0.01] ps, got " + dtPs);
        require(temperatureK > 0 && Double.isFinite(temperatureK), "--temperature-k must be > 0, got " + temperatureK);
        require(frictionPerPs >= 0 && Double.isFinite(frictionPerPs), "--friction-per-ps must be >= 0, got " + frictionPerPs);
        require(saveEvery > 0, "--save-every must be > 0, got " + saveEvery);
        require(checkpointEverySeconds >= 0 && Double.isFinite(checkpointEverySeconds),
                "--checkpoint-every-s must be >= 0, got " + checkpointEverySeconds);
        require(platform != null && !platform.isBlank(), "--platform must name an OpenMM platform");
        properties = Map.copyOf(properties);
    }

    /** 1 fs, 300 K, friction 1/ps, a frame every 1000 steps, seed 1, Reference, a checkpoint at most every minute; no steps yet. */
    public static MdSettings defaults() {
        return new MdSettings(0, 0.001, 300, 1, 1000, 1, "Reference", Map.of(), false, DEFAULT_CHECKPOINT_EVERY_SECONDS);
    }

    public MdSettings withSteps(long value) {
        return new MdSettings(value, dtPs, temperatureK, frictionPerPs, saveEvery, seed, platform, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withDtPs(double value) {
        return new MdSettings(steps, value, temperatureK, frictionPerPs, saveEvery, seed, platform, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withTemperatureK(double value) {
        return new MdSettings(steps, dtPs, value, frictionPerPs, saveEvery, seed, platform, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withFrictionPerPs(double value) {
        return new MdSettings(steps, dtPs, temperatureK, value, saveEvery, seed, platform, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withSaveEvery(int value) {
        return new MdSettings(steps, dtPs, temperatureK, frictionPerPs, value, seed, platform, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withSeed(int value) {
        return new MdSettings(steps, dtPs, temperatureK, frictionPerPs, saveEvery, value, platform, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withPlatform(String value) {
        return new MdSettings(steps, dtPs, temperatureK, frictionPerPs, saveEvery, seed, value, properties, minimize, checkpointEverySeconds);
    }

    public MdSettings withProperties(Map<String, String> value) {
        return new MdSettings(steps, dtPs, temperatureK, frictionPerPs, saveEvery, seed, platform, value, minimize, checkpointEverySeconds);
    }

    public MdSettings withMinimize(boolean value) {
        return new MdSettings(steps, dtPs, temperatureK, frictionPerPs, saveEvery, seed, platform, properties, value, checkpointEverySeconds);
    }

    public MdSettings withCheckpointEverySeconds(double value) {
        return new MdSettings(steps, dtPs, temperatureK, frictionPerPs, saveEvery, seed, platform, properties, minimize, value);
    }

    /** kT in kJ/mol. */
    public double kT() {
        return org.boltzmann4j.bg.energy.ThermalEnergy.kT(temperatureK);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
