package org.boltzmann4j.bg.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What makes an evaluation's numbers untrustworthy, said in words (issue 14): too few effective
 * samples for reweighted estimates to mean anything, and states that one side covers and the
 * other never visits. A flow trained by reverse KL can sit in one well and report an ESS near 1,
 * because its ESS cannot see what it never samples; only a comparison of states with the
 * reference shows it, and a reference that missed a state makes every comparison with it
 * misleading the other way.
 *
 * <p>States are compared by mass: the reference frames count equally, the samples by their
 * importance weights (the distribution the reweighted estimates describe). A state is
 * <em>covered</em> when it holds at least {@link #COVERED_MASS} of one side's mass and
 * <em>never visited</em> when it holds less than {@link #NEVER_MASS} of the other's (for a
 * reference of fewer than 10^4 frames: not one frame). The states are the two phi basins
 * (phi &lt;= 0 and phi &gt; 0, {@link PhiStates}) and the cells of a {@link #CELL_DEG}-degree grid
 * on the Ramachandran torus; a cell inside a basin already reported is not repeated.
 */
public final class EvaluationWarnings {

    /** Fewer Kish effective samples than this and a reweighted number says little (issue 14's threshold). */
    public static final double MIN_EFFECTIVE_SAMPLES = 100;
    /** A state holding at least this share of one side's mass is covered by it. */
    public static final double COVERED_MASS = 0.01;
    /** A state holding less than this share of a side's mass is never visited by it. */
    public static final double NEVER_MASS = 1e-4;
    /** Width of the Ramachandran grid's cells, degrees (6 x 6 cells). */
    public static final int CELL_DEG = 60;

    private EvaluationWarnings() {}

    /** The ESS warning, or none; {@code effectiveSamples} is Kish's (sum w)^2 / sum w^2 over all samples. */
    public static List<String> effectiveSamples(double effectiveSamples, int samples) {
        if (effectiveSamples >= MIN_EFFECTIVE_SAMPLES) return List.of();
        return List.of(String.format(Locale.ROOT,
                "only %.1f effective samples (Kish ESS of all %d weights, none dropped; fewer than %.0f): the reweighted numbers "
                        + "(dF, KL, energy and torus W2, free energy profiles) rest on a handful of samples and mean little",
                effectiveSamples, samples, MIN_EFFECTIVE_SAMPLES));
    }

    /**
     * The state warnings for one (phi, psi) pair, each naming the state and both masses.
     *
     * @param label the pair's name in the messages ("ALA2")
     * @param weights the samples' importance weights (any scale), null for equal
     */
    public static List<String> states(String label, double[] phiRef, double[] psiRef, double[] phi, double[] psi, double[] weights) {
        double[] w = SampleWeights.normalize(weights, phi.length);
        List<String> out = new ArrayList<>();
        boolean[][] basinReported = new boolean[2][2]; // [basin: 0 phi <= 0, 1 phi > 0][direction: 0 samples-only, 1 reference-only]
        double[] refBasin = new double[2], basin = new double[2];
        int[] refBasinCount = new int[2], basinCount = new int[2];
        for (double p : phiRef) {
            refBasin[p > 0 ? 1 : 0] += 1.0 / phiRef.length;
            refBasinCount[p > 0 ? 1 : 0]++;
        }
        for (int s = 0; s < phi.length; s++) {
            basin[phi[s] > 0 ? 1 : 0] += w[s];
            basinCount[phi[s] > 0 ? 1 : 0]++;
        }
        String[] basinName = {"phi <= 0", "phi > 0"};
        for (int b = 0; b < 2; b++) {
            int direction = compare(refBasin[b], basin[b]);
            if (direction < 0) continue;
            basinReported[b][direction] = true;
            out.add(message(label, "state " + basinName[b], direction, refBasin[b], refBasinCount[b], phiRef.length, basin[b], basinCount[b], phi.length));
        }
        int cells = 360 / CELL_DEG;
        double[] refCell = new double[cells * cells], cell = new double[cells * cells];
        int[] refCellCount = new int[cells * cells], cellCount = new int[cells * cells];
        for (int s = 0; s < phiRef.length; s++) {
            int c = cell(phiRef[s], psiRef[s], cells);
            refCell[c] += 1.0 / phiRef.length;
            refCellCount[c]++;
        }
        for (int s = 0; s < phi.length; s++) {
            int c = cell(phi[s], psi[s], cells);
            cell[c] += w[s];
            cellCount[c]++;
        }
        for (int c = 0; c < cells * cells; c++) {
            int direction = compare(refCell[c], cell[c]);
            if (direction < 0) continue;
            int ix = c / cells, iy = c % cells;
            int lowPhi = -180 + ix * CELL_DEG, lowPsi = -180 + iy * CELL_DEG;
            if (basinReported[lowPhi >= 0 ? 1 : 0][direction]) continue;
            String name = String.format(Locale.ROOT, "Ramachandran cell phi [%d, %d) psi [%d, %d) deg", lowPhi, lowPhi + CELL_DEG, lowPsi, lowPsi + CELL_DEG);
            out.add(message(label, name, direction, refCell[c], refCellCount[c], phiRef.length, cell[c], cellCount[c], phi.length));
        }
        return out;
    }

    /** 0: the samples cover what the reference never visits; 1: the other way round; -1: neither. */
    private static int compare(double reference, double samples) {
        if (samples >= COVERED_MASS && reference < NEVER_MASS) return 0;
        if (reference >= COVERED_MASS && samples < NEVER_MASS) return 1;
        return -1;
    }

    private static String message(String label, String state, int direction, double refMass, int refCount, int refTotal, double mass, int count, int total) {
        String masses = String.format(Locale.ROOT, "reweighted samples %.3g of their weight (%d of %d samples), reference %.3g (%d of %d frames)", mass,
                count, total, refMass, refCount, refTotal);
        return label + ", " + state + ": " + (direction == 0 ? "the samples cover a state the reference never visits"
                : "the reference visits a state the samples never reach") + " (" + masses + ")";
    }

    private static int cell(double phi, double psi, int cells) {
        return index(phi, cells) * cells + index(psi, cells);
    }

    private static int index(double angle, int cells) {
        if (!Double.isFinite(angle)) throw new IllegalArgumentException("angle " + angle + " is not finite");
        int i = (int) Math.floor((angle + Math.PI) / (2 * Math.PI) * cells);
        return Math.floorMod(i, cells); // angle = pi wraps to the first cell, as -pi
    }
}
