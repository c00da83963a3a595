package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.io.Topology;

/**
 * Measurements on a peptide in amber naming: backbone torsions, the chirality of every CA (signed
 * volume ((N - CA) x (C - CA)) . (CB - CA), positive for L) and of the CB of threonine and
 * isoleucine (CIP triple products), peptide-bond omegas and the closest non-bonded approach.
 * Coordinates in nm, 3 per atom.
 */
public final class PeptideGeometry {

    private PeptideGeometry() {}

    private static List<Map<String, Integer>> byResidue(Topology topology) {
        List<Map<String, Integer>> out = new ArrayList<>();
        for (Topology.Residue r : topology.residues()) {
            Map<String, Integer> m = new HashMap<>();
            for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) m.put(topology.atoms().get(i).name(), i);
            out.add(m);
        }
        return out;
    }

    private static boolean isCap(String residue) {
        return residue.equals("ACE") || residue.equals("NME");
    }

    /** (phi, psi) in degrees for each residue that is not a cap; NaN where a neighbour is missing. */
    public static List<double[]> phiPsiDeg(Topology topology, double[] xyz) {
        List<Topology.Residue> residues = topology.residues();
        List<Map<String, Integer>> atoms = byResidue(topology);
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < residues.size(); r++) {
            if (isCap(residues.get(r).name())) continue;
            Map<String, Integer> a = atoms.get(r);
            Integer prevC = r > 0 ? atoms.get(r - 1).get("C") : null;
            Integer nextN = r + 1 < residues.size() ? atoms.get(r + 1).get("N") : null;
            double phi = prevC == null ? Double.NaN
                    : Math.toDegrees(Placement.dihedral(xyz, prevC, a.get("N"), a.get("CA"), a.get("C")));
            double psi = nextN == null ? Double.NaN
                    : Math.toDegrees(Placement.dihedral(xyz, a.get("N"), a.get("CA"), a.get("C"), nextN));
            out.add(new double[] {phi, psi});
        }
        return out;
    }

    /** Signed volume at each CA with a CB (glycine and caps skipped), nm^3; positive for L. */
    public static List<Double> caSignedVolumes(Topology topology, double[] xyz) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Integer> a : byResidue(topology)) {
            if (a.containsKey("CA") && a.containsKey("CB") && a.containsKey("N") && a.containsKey("C")) {
                out.add(Placement.tripleProduct(xyz, a.get("CA"), a.get("N"), a.get("C"), a.get("CB")));
            }
        }
        return out;
    }

    /**
     * CIP configuration at CB of each threonine (priorities OG1 > CA > CG2) and isoleucine (CA >
     * CG1 > CG2), HB the lowest: 'R' or 'S', in residue order. Natural: Thr R, Ile S.
     */
    public static List<Character> betaConfigurations(Topology topology, double[] xyz) {
        List<Character> out = new ArrayList<>();
        List<Topology.Residue> residues = topology.residues();
        List<Map<String, Integer>> atoms = byResidue(topology);
        for (int r = 0; r < residues.size(); r++) {
            Map<String, Integer> a = atoms.get(r);
            double v;
            switch (residues.get(r).name()) {
                case "THR" -> v = Placement.tripleProduct(xyz, a.get("CB"), a.get("OG1"), a.get("CA"), a.get("CG2"));
                case "ILE" -> v = Placement.tripleProduct(xyz, a.get("CB"), a.get("CA"), a.get("CG1"), a.get("CG2"));
                default -> {
                    continue;
                }
            }
            // a -> b -> c counter-clockwise seen with the lowest priority pointing away is S
            out.add(v > 0 ? 'S' : 'R');
        }
        return out;
    }

    /** Omega CA(i)-C(i)-N(i+1)-CA(i+1) of every peptide bond, degrees (CH3 stands for CA in caps). */
    public static List<Double> omegasDeg(Topology topology, double[] xyz) {
        List<Double> out = new ArrayList<>();
        List<Map<String, Integer>> atoms = byResidue(topology);
        for (int r = 0; r + 1 < atoms.size(); r++) {
            Map<String, Integer> a = atoms.get(r);
            Map<String, Integer> b = atoms.get(r + 1);
            Integer ca = a.getOrDefault("CA", a.get("CH3"));
            Integer ca2 = b.getOrDefault("CA", b.get("CH3"));
            if (ca == null || ca2 == null || !a.containsKey("C") || !b.containsKey("N")) continue;
            out.add(Math.toDegrees(Placement.dihedral(xyz, ca, a.get("C"), b.get("N"), ca2)));
        }
        return out;
    }

    /** The smallest distance between atoms that are neither bonded nor share a bonded neighbour, nm. */
    public static double closestNonbondedNm(Topology topology, double[] xyz) {
        int[][] near = PeptideBuilder.withinBonds(topology, 2);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < topology.atomCount(); i++) {
            for (int j = i + 1; j < topology.atomCount(); j++) {
                if (java.util.Arrays.binarySearch(near[i], j) >= 0) continue;
                best = Math.min(best, Placement.distance(xyz, i, j));
            }
        }
        return best;
    }
}
