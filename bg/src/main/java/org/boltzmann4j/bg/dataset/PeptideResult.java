package org.boltzmann4j.bg.dataset;

import java.io.Serializable;

/**
 * What one peptide's unit of work reports (also what its DONE.json holds).
 *
 * @param done true when the peptide's MD is complete (DONE.json written)
 * @param skipped true when it was complete before this run (nothing was run)
 * @param nsPerDay production MD speed (ns simulated per day of MD wall time)
 * @param startupSeconds wall time of the child processes outside MD steps: JVM start, loading the
 *     System, Context creation, minimisation, final writes (the per-task start-up cost)
 * @param message why it failed (one line), or null
 */
public record PeptideResult(String sequence, boolean done, boolean skipped, int frames, double ns, double nsPerDay, double wallSeconds,
        double mdSeconds, double buildSeconds, double startupSeconds, String message) implements Serializable {

    public static PeptideResult failed(String sequence, String message) {
        return new PeptideResult(sequence, false, false, 0, 0, 0, 0, 0, 0, 0, message);
    }

    public PeptideResult asSkipped() {
        return new PeptideResult(sequence, done, true, frames, ns, nsPerDay, wallSeconds, mdSeconds, buildSeconds, startupSeconds, message);
    }
}
