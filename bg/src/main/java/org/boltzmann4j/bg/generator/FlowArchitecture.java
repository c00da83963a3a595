package org.boltzmann4j.bg.generator;

import java.util.Arrays;

/**
 * The shape of a molecular Boltzmann generator's flow, saved with the model so that it can be
 * rebuilt exactly. Start from {@link #defaults()}, {@link #quick} or {@link #standard} and change
 * what differs with the withers.
 *
 * @param coordinates "internal" (bond lengths, angles, torsions from the bond graph; the flow's
 *     density lives on the 3N-6 internal coordinates, the rigid body is fixed in a canonical
 *     frame) or "cartesian" (the 3N coordinates themselves, for toy systems without bonds)
 * @param transformer the elementwise map of each coupling layer: "spline" (rational-quadratic
 *     splines, Durkan et al. 2019; circular splines on circular torsions) or "realnvp" (affine
 *     couplings, Dinh et al. 2017, bgflow's basic flow, on every interval coordinate; circular
 *     torsions still go through circular splines of {@code bins} bins, since an affine map is no
 *     bijection of the circle)
 * @param couplings number of coupling layers
 * @param bins spline bins per dimension
 * @param hidden widths of the conditioner networks' hidden layers
 * @param splineBound half-width of the spline interval for non-circular coordinates, in units of
 *     their standard deviation (identity tails outside); unused by realnvp
 * @param seed initialisation seed of the conditioners and the permutations between couplings
 */
public record FlowArchitecture(String coordinates, String transformer, int couplings, int bins, int[] hidden, double splineBound, long seed) {
    public static final String SPLINE = "spline";
    public static final String REALNVP = "realnvp";

    public FlowArchitecture {
        if (!"internal".equals(coordinates) && !"cartesian".equals(coordinates))
            throw new IllegalArgumentException("--coordinates must be internal or cartesian, got " + coordinates);
        if (!SPLINE.equals(transformer) && !REALNVP.equals(transformer))
            throw new IllegalArgumentException("--transformer must be spline or realnvp, got " + transformer);
        if (couplings < 1) throw new IllegalArgumentException("--couplings must be >= 1, got " + couplings);
        if (bins < 2) throw new IllegalArgumentException("--bins must be >= 2, got " + bins);
        if (hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1))
            throw new IllegalArgumentException("--hidden needs one or more widths >= 1, got " + Arrays.toString(hidden));
        if (!(splineBound > 0)) throw new IllegalArgumentException("spline bound must be > 0, got " + splineBound);
        hidden = hidden.clone();
    }

    /** The demo's flow: {@link #quick} in internal coordinates, seed 1. */
    public static FlowArchitecture defaults() {
        return quick("internal", 1);
    }

    /** Small and fast: 4 spline couplings, 8 bins, two hidden layers of 64. */
    public static FlowArchitecture quick(String coordinates, long seed) {
        return new FlowArchitecture(coordinates, SPLINE, 4, 8, new int[] {64, 64}, 5.0, seed);
    }

    /** The standard alanine dipeptide flow: 8 spline couplings, 8 bins, two hidden layers of 256. */
    public static FlowArchitecture standard(String coordinates, long seed) {
        return quick(coordinates, seed).withCouplings(8).withHidden(256, 256);
    }

    public FlowArchitecture withCoordinates(String value) {
        return new FlowArchitecture(value, transformer, couplings, bins, hidden, splineBound, seed);
    }

    public FlowArchitecture withTransformer(String value) {
        return new FlowArchitecture(coordinates, value, couplings, bins, hidden, splineBound, seed);
    }

    public FlowArchitecture withCouplings(int value) {
        return new FlowArchitecture(coordinates, transformer, value, bins, hidden, splineBound, seed);
    }

    public FlowArchitecture withBins(int value) {
        return new FlowArchitecture(coordinates, transformer, couplings, value, hidden, splineBound, seed);
    }

    public FlowArchitecture withHidden(int... value) {
        return new FlowArchitecture(coordinates, transformer, couplings, bins, value, splineBound, seed);
    }

    public FlowArchitecture withSplineBound(double value) {
        return new FlowArchitecture(coordinates, transformer, couplings, bins, hidden, value, seed);
    }

    public FlowArchitecture withSeed(long value) {
        return new FlowArchitecture(coordinates, transformer, couplings, bins, hidden, splineBound, value);
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowArchitecture a && coordinates.equals(a.coordinates) && transformer.equals(a.transformer) && couplings == a.couplings
                && bins == a.bins && Arrays.equals(hidden, a.hidden) && Double.compare(splineBound, a.splineBound) == 0 && seed == a.seed;
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(coordinates, transformer, couplings, bins, splineBound, seed) + Arrays.hashCode(hidden);
    }

    @Override
    public String toString() {
        return "FlowArchitecture[" + coordinates + ", " + transformer + ", " + couplings + " couplings, " + bins + " bins, hidden "
                + Arrays.toString(hidden) + ", bound " + splineBound + ", seed " + seed + "]";
    }
}
