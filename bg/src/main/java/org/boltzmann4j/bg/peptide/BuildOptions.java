package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link PeptideBuilder} builds: backbone torsions (one (phi, psi) pair in degrees per
 * residue, or one pair for all, or none to draw them at random from the beta and alpha_R regions
 * with {@code seed}), how many residue draws it may make in all to find a structure without clashes, and where the
 * equilibrium bond lengths and angles come from.
 *
 * <p>Proline's phi is set by its ring (about -60 degrees) whatever is asked; the phi of a free
 * N-terminal residue and the psi of a free C-terminal one only turn its NH3+ or COO- group.
 */
public record BuildOptions(List<double[]> phiPsiDeg, long seed, int attempts, EquilibriumGeometry.Source geometry) {

    public BuildOptions {
        Objects.requireNonNull(geometry, "geometry");
        List<double[]> copy = new ArrayList<>();
        for (double[] p : Objects.requireNonNull(phiPsiDeg, "phiPsiDeg")) {
            if (p.length != 2 || !Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
                throw new IllegalArgumentException("--phi-psi: each entry must be two finite angles in degrees (phi,psi)");
            }
            copy.add(p.clone());
        }
        phiPsiDeg = List.copyOf(copy);
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        }
    }

    /** Random torsions with seed 1, up to 500 residue draws, standard geometry. */
    public static BuildOptions defaults() {
        return new BuildOptions(List.of(), 1, 500, EquilibriumGeometry.Source.STANDARD);
    }

    public BuildOptions withPhiPsiDeg(List<double[]> value) {
        return new BuildOptions(value, seed, attempts, geometry);
    }

    public BuildOptions withSeed(long value) {
        return new BuildOptions(phiPsiDeg, value, attempts, geometry);
    }

    public BuildOptions withAttempts(int value) {
        return new BuildOptions(phiPsiDeg, seed, value, geometry);
    }

    public BuildOptions withGeometry(EquilibriumGeometry.Source value) {
        return new BuildOptions(phiPsiDeg, seed, attempts, value);
    }

    /**
     * Parses {@code --phi-psi}: pairs {@code phi,psi} in degrees, separated by ':' (one per residue,
     * or a single pair for every residue), e.g. {@code -60,-45} or {@code -150,150:-60,-45}.
     */
    public static List<double[]> parsePhiPsi(String text) {
        List<double[]> out = new ArrayList<>();
        for (String pair : text.strip().split(":")) {
            String[] f = pair.split(",");
            if (f.length != 2) {
                throw new IllegalArgumentException("--phi-psi '" + text + "': '" + pair + "' is not a pair phi,psi (degrees;"
                        + " pairs separated by ':')");
            }
            try {
                out.add(new double[] {Double.parseDouble(f[0].strip()), Double.parseDouble(f[1].strip())});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--phi-psi '" + text + "': '" + pair + "' is not two numbers");
            }
        }
        return out;
    }
}
