package org.boltzmann4j.bg.energy;

/** kT: the unit of everything Boltzmann-weighted, in kJ/mol (kT = 0.0083144626 T, Boltzmann's constant in kJ/mol/K). */
public final class ThermalEnergy {
    /** The molar gas constant R = N_A k_B in kJ/(mol K) (CODATA 2018, as OpenMM uses). */
    public static final double MOLAR_GAS_CONSTANT_KJ_MOL_K = 0.0083144626;

    private ThermalEnergy() {}

    /** kT in kJ/mol at {@code kelvin} (> 0). */
    public static double kT(double kelvin) {
        if (!(kelvin > 0) || Double.isInfinite(kelvin)) throw new IllegalArgumentException("temperature must be positive: " + kelvin + " K");
        return MOLAR_GAS_CONSTANT_KJ_MOL_K * kelvin;
    }
}
