package org.boltzmann4j.bg.sampling;

import java.util.Map;

/**
 * Settings of a Langevin MD run (OpenMM's LangevinMiddleIntegrator).
 *
 * @param steps total number of MD steps of the run (a resumed run may extend it)
 * @param saveEvery steps between saved frames (trajectory, energies, log, checkpoint)
 * @param seed seed of the initial velocities and of the integrator's random numbers
 * @param platform OpenMM platform; only Reference reproduces a trajectory exactly, also across a
 *     resume (its checkpoint holds the random state)
 * @param checkpointEverySeconds minimum wall time between checkpoints (0: at every saved frame,
 *     so a killed run loses at most one save interval)
 */
public record MdSettings(long steps, double dtPs, double temperatureK, double frictionPerPs, int saveEvery, int seed,
        String platform, Map<String, String> properties, boolean minimize, double checkpointEverySeconds) {

    public MdSettings {
        require(steps >= 0, "--steps must be >= 0, got " + steps);
        require(dtPs > 0 && dtPs <= 0.01, "--dt-ps must be in (0, 0.01] ps, got " + dtPs);
        require(temperatureK > 0 && Double.isFinite(temperatureK), "--temperature-k must be > 0, got " + temperatureK);
        require(frictionPerPs >= 0 && Double.isFinite(frictionPerPs), "--friction-per-ps must be >= 0, got " + frictionPerPs);
        require(saveEvery > 0, "--save-every must be > 0, got " + saveEvery);
        require(checkpointEverySeconds >= 0, "--checkpoint-every-s must be >= 0, got " + checkpointEverySeconds);
        properties = Map.copyOf(properties);
    }

    /** kT in kJ/mol. */
    public double kT() {
        return org.boltzmann4j.bg.energy.ThermalEnergy.kT(temperatureK);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
