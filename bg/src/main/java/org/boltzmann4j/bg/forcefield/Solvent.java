package org.boltzmann4j.bg.forcefield;

import java.util.List;
import java.util.Optional;

/**
 * Implicit solvents, by their command-line names, and the ffxml file each adds to the force field.
 *
 * <p>Cost on a 29-atom dipeptide (amber14-all, OpenMM 7.7 Reference, one core): obc1 as a
 * CustomGBForce 59 ns/day, the native GBSAOBCForce ({@link #GBSA_OBC2}) 1463 ns/day, vacuum
 * 4963 ns/day; so gbsa-obc2 is the implicit solvent many-peptide MD can afford on CPUs.
 */
public enum Solvent {
    /** No implicit solvent. */
    VACUUM("vacuum", null),
    /** amber99_obc.xml: OpenMM's native GBSAOBCForce with per-type radii and scales (for amber99sbildn). */
    AMBER99_OBC("amber99_obc", "amber99_obc.xml"),
    /** implicit/obc1.xml: the CustomGBForce of Amber's igb=2 with the ACE surface term. */
    OBC1("obc1", "implicit/obc1.xml"),
    /** implicit/obc2.xml: the CustomGBForce of Amber's igb=5 with the ACE surface term. */
    OBC2("obc2", "implicit/obc2.xml"),
    /** implicit/gbn2.xml: the CustomGBForce of Amber's igb=8 (GBn2, neck integrals) with the ACE term. */
    GBN2("gbn2", "implicit/gbn2.xml"),
    /**
     * OpenMM's native GBSAOBCForce with the standard OBC2 radii (mbondi2) and screening factors, as
     * OpenMM's app layer builds it for a prmtop with OBC2; fast, and within a near-constant offset
     * of implicit/obc2.xml's CustomGBForce.
     */
    GBSA_OBC2("gbsa-obc2", null);

    private final String cliName;
    private final String file;

    Solvent(String cliName, String file) {
        this.cliName = cliName;
        this.file = file;
    }

    /** The name on the command line: obc1, obc2, gbn2, gbsa-obc2, amber99_obc, vacuum. */
    public String cliName() {
        return cliName;
    }

    /** The ffxml this solvent adds, in OpenMM's data folder, if any. */
    public Optional<String> file() {
        return Optional.ofNullable(file);
    }

    /** The solvent with this command-line name; the message names the option and the choices. */
    public static Solvent fromCliName(String name) {
        for (Solvent s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--solvent must be one of "
                + String.join(", ", List.of(values()).stream().map(Solvent::cliName).toList()) + ", got " + name);
    }
}
