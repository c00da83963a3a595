package org.boltzmann4j.bg.sampling;

import java.util.Locale;

/** Local moves of a hybrid chain: Langevin segments, Metropolized HMC (exact), or none (flow-only chains). */
public enum LocalMove {
    LANGEVIN, HMC, NONE;

    /** The command-line name: langevin, hmc, none. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name. */
    public static LocalMove of(String label) {
        for (LocalMove m : values()) if (m.label().equals(label)) return m;
        throw new IllegalArgumentException("--local must be langevin, hmc or none, got " + label);
    }
}
