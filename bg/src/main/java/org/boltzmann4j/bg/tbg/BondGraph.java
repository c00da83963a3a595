package org.boltzmann4j.bg.tbg;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.tensor.Batches;
import org.boltzmann4j.bg.tensor.Values;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sample's bond graph from its distances (a pair is bonded below 0.14 nm with a hydrogen, 0.22 nm with
 * sulfur, 0.18 nm otherwise, as the TBG paper's check) against the topology's bonds. The hydrogen rule
 * wins over the sulfur one (CYS's S-H, 0.134 nm, is a hydrogen's bond). At equilibrium each cut-off lies
 * between the longest bond of its kind (X-H 0.11, C-S 0.182, C-C 0.153 nm) and the closest non-bonded
 * pair of its kind (H-H on one carbon 0.178, 1-3 heavy pairs about 0.24 nm).
 */
public final class BondGraph {

    public static final double HYDROGEN_NM = 0.14;
    public static final double SULFUR_NM = 0.22;
    public static final double OTHER_NM = 0.18;

    private final Topology topology;
    private final int atoms;
    /** Squared cut-off of pair (i, j), i < j, at index i * atoms + j. */
    private final double[] cutoff2;
    /** Whether pair (i, j), i < j, is bonded in the topology, at index i * atoms + j. */
    private final boolean[] bonded;
    private final int bonds;

    private BondGraph(Topology topology, double[] cutoff2, boolean[] bonded) {
        this.topology = topology;
        this.atoms = topology.atomCount();
        this.cutoff2 = cutoff2;
        this.bonded = bonded;
        this.bonds = topology.bondCount();
    }

    public static BondGraph of(Topology topology) {
        int n = topology.atomCount();
        char[] kind = new char[n];
        for (int i = 0; i < n; i++) {
            Topology.Atom a = topology.atoms().get(i);
            String e = a.element().toUpperCase(Locale.ROOT);
            if (e.isEmpty()) {
                throw new IllegalArgumentException("bond graph: atom " + i + " (" + a.name() + ") of " + a.residueName() + " "
                        + a.residueNumber() + " has no element");
            }
            kind[i] = e.equals("H") ? 'H' : e.equals("S") ? 'S' : 'X';
        }
        double[] cutoff2 = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double c = kind[i] == 'H' || kind[j] == 'H' ? HYDROGEN_NM
                        : kind[i] == 'S' || kind[j] == 'S' ? SULFUR_NM : OTHER_NM;
                cutoff2[i * n + j] = c * c;
            }
        }
        boolean[] bonded = new boolean[n * n];
        for (int[] b : topology.bonds()) bonded[b[0] * n + b[1]] = true;
        return new BondGraph(topology, cutoff2, bonded);
    }

    /** Per row of x (B, 3N): true when the bonds from distances are exactly the topology's. */
    public boolean[] matches(INDArray x) {
        Batches.requireType(x.dataType());
        int rows = Batches.requireBatch(x, 3 * atoms, x.dataType(), "bond graph");
        Values v = Values.of(Batches.contiguous(x));
        double[] row = new double[3 * atoms];
        boolean[] out = new boolean[rows];
        for (int b = 0; b < rows; b++) {
            v.get(b * 3 * atoms, row, 0, 3 * atoms);
            out[b] = matches(row);
        }
        return out;
    }

    private boolean matches(double[] x) {
        int found = 0;
        for (int i = 0; i < atoms; i++) {
            for (int j = i + 1; j < atoms; j++) {
                boolean near = distance2(x, i, j) < cutoff2[i * atoms + j];
                if (near != bonded[i * atoms + j]) return false;
                if (near) found++;
            }
        }
        return found == bonds;
    }

    /**
     * One pair whose bond from distance differs from the topology: bonded by distance but not in the topology
     * ({@code extra}) or the other way, with its atoms ("ALA2:HB") and distance.
     */
    public record Difference(boolean extra, String first, String second, double distanceNm) {
        /** The pair without its distance ("extra ALA2:HB-ALA2:HB"): the same for every draw with this difference. */
        public String pair() {
            return (extra ? "extra " : "missing ") + first + "-" + second;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %.3f nm", pair(), distanceNm);
        }
    }

    /** What differs in one configuration (3N, nm), pair by pair in atom order; empty when it matches. */
    public List<Difference> compare(double[] x) {
        if (x.length != 3 * atoms) {
            throw new IllegalArgumentException("bond graph: " + x.length + " coordinates for " + atoms + " atoms");
        }
        List<Difference> out = new ArrayList<>();
        for (int i = 0; i < atoms; i++) {
            for (int j = i + 1; j < atoms; j++) {
                double d2 = distance2(x, i, j);
                boolean near = d2 < cutoff2[i * atoms + j];
                if (near != bonded[i * atoms + j]) out.add(new Difference(near, name(i), name(j), Math.sqrt(d2)));
            }
        }
        return out;
    }

    /** {@link #compare} as text ("missing CYS2:SG-CYS2:HG 0.300 nm"). */
    public List<String> differences(double[] x) {
        return compare(x).stream().map(Difference::toString).toList();
    }

    private String name(int i) {
        Topology.Atom a = topology.atoms().get(i);
        return a.residueName() + a.residueNumber() + ":" + a.name();
    }

    private static double distance2(double[] x, int i, int j) {
        double dx = x[3 * i] - x[3 * j];
        double dy = x[3 * i + 1] - x[3 * j + 1];
        double dz = x[3 * i + 2] - x[3 * j + 2];
        return dx * dx + dy * dy + dz * dz;
    }

    @Override
    public String toString() {
        return "BondGraph[" + atoms + " atoms, " + bonds + " bonds]";
    }
}
