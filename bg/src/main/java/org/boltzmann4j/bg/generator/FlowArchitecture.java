package org.boltzmann4j.bg.generator;

import java.util.Arrays;

/**
 * The shape of a molecular Boltzmann generator's flow, saved with the model so that it can be
 * rebuilt exactly.
 *
 * @param coordinates "internal" (bond lengths, angles, torsions from the bond graph; the flow's
 *     density lives on the 3N-6 internal coordinates, the rigid body is fixed in a canonical
 *     frame) or "cartesian" (the 3N coordinates themselves, for toy systems without bonds)
 * @param couplings number of rational-quadratic spline coupling layers
 * @param bins spline bins per dimension
 * @param hidden widths of the conditioner networks' hidden layers
 * @param splineBound half-width of the spline interval for non-circular coordinates, in units of
 *     their standard deviation (identity tails outside)
 * @param seed initialisation seed of the conditioners and the permutations between couplings
 */
public record FlowArchitecture(String coordinates, int couplings, int bins, int[] hidden, double splineBound, long seed) {
    public FlowArchitecture {
        if (!coordinates.equals("internal") && !coordinates.equals("cartesian"))
            throw new IllegalArgumentException("coordinates must be internal or cartesian, got " + coordinates);
        if (couplings < 1 || bins < 2 || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1) || !(splineBound > 0))
            throw new IllegalArgumentException("bad flow architecture: " + couplings + " couplings, " + bins + " bins, hidden "
                    + Arrays.toString(hidden) + ", bound " + splineBound);
        hidden = hidden.clone();
    }

    /** Small and fast: 4 couplings, 8 bins, two hidden layers of 64. */
    public static FlowArchitecture quick(String coordinates, long seed) {
        return new FlowArchitecture(coordinates, 4, 8, new int[] {64, 64}, 5.0, seed);
    }

    /** The standard alanine dipeptide flow: 8 couplings, 8 bins, two hidden layers of 256. */
    public static FlowArchitecture standard(String coordinates, long seed) {
        return new FlowArchitecture(coordinates, 8, 8, new int[] {256, 256}, 5.0, seed);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }
}
