package org.boltzmann4j.bg.systems;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.boltzmann4j.openmm.OpenMMSystem;

/**
 * Which of boltzmann4j's methods are right for a System, decided from what it holds (read on
 * load, {@link OpenMMSystem#features()}): the one place that callers building such a method ask.
 */
public final class SystemCheck {
    private SystemCheck() {}

    /** Methods that assume every particle is a free atom. */
    public enum Method {
        /**
         * Metropolized HMC: its velocity-Verlet proposals move every particle freely, so they break
         * constraints (the acceptance test then compares energies of configurations the System
         * does not allow) and move virtual sites as if they were atoms.
         */
        METROPOLIZED_HMC("Metropolized HMC (--local hmc)", "use --local langevin"),
        /**
         * Flows on internal coordinates: every particle gets a bond length, angle and torsion of its
         * own, so a constrained bond gets a density over lengths the System fixes (and a Jacobian
         * for a degree of freedom it does not have), and a massless virtual site gets one as an atom.
         */
        INTERNAL_COORDINATES("an internal-coordinate flow", "use --coordinates cartesian");

        private final String label, remedy;

        Method(String label, String remedy) {
            this.label = label;
            this.remedy = remedy;
        }
    }

    /** Why the method would be wrong for the System, or empty if it is fine. */
    public static Optional<String> refusal(Method method, OpenMMSystem.Features features) {
        List<String> reasons = new ArrayList<>();
        int constraints = features.constraints().size(), sites = features.virtualSites().size();
        if (constraints > 0) reasons.add(constraints + (constraints == 1 ? " constraint" : " constraints"));
        if (sites > 0) reasons.add(sites + (sites == 1 ? " virtual site" : " virtual sites"));
        if (reasons.isEmpty()) return Optional.empty();
        return Optional.of(method.label + " would be wrong for this System: it has " + String.join(" and ", reasons) + "; " + method.remedy);
    }

    /**
     * Throws {@link UnsupportedSystemException} if the method is wrong for the System; the message
     * starts with the source (a file or system name) unless it is null.
     */
    public static void require(Method method, OpenMMSystem.Features features, String source) {
        Optional<String> why = refusal(method, features);
        if (why.isPresent()) throw new UnsupportedSystemException(source == null ? why.get() : source + ": " + why.get());
    }

    /** Reads a System XML only for its features. */
    public static OpenMMSystem.Features features(String systemXml) {
        try (OpenMMSystem system = OpenMMSystem.fromXml(systemXml)) {
            return system.features();
        }
    }

    /** A method was asked for a System it would be wrong for. */
    public static final class UnsupportedSystemException extends IllegalArgumentException {
        public UnsupportedSystemException(String message) {
            super(message);
        }
    }
}
