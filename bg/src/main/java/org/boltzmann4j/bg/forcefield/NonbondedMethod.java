package org.boltzmann4j.bg.forcefield;

/** How nonbonded interactions are cut off (OpenMM's NoCutoff and CutoffNonPeriodic). */
public enum NonbondedMethod {
    /** Every pair interacts; the cutoff is written to the System but not used. */
    NO_CUTOFF("nocutoff", 0),
    /**
     * Pairs beyond the cutoff do not interact; Coulomb within it uses OpenMM's reaction field
     * (dielectric 78.3 in vacuum, 1 with implicit solvent, as createSystem sets it).
     */
    CUTOFF_NON_PERIODIC("cutoff-nonperiodic", 1);

    private final String cliName;
    private final int openmmCode;

    NonbondedMethod(String cliName, int openmmCode) {
        this.cliName = cliName;
        this.openmmCode = openmmCode;
    }

    /** The name on the command line ({@code nocutoff}, {@code cutoff-nonperiodic}). */
    public String cliName() {
        return cliName;
    }

    /** The method's number in OpenMM's NonbondedForce, GBSAOBCForce and CustomGBForce. */
    int openmmCode() {
        return openmmCode;
    }

    /** The method with this command-line name; the message names the option and the choices. */
    public static NonbondedMethod fromCliName(String name) {
        for (NonbondedMethod m : values()) {
            if (m.cliName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("--nonbonded must be nocutoff or cutoff-nonperiodic, got " + name);
    }
}
