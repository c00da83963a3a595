package org.boltzmann4j.bg.peptide;

/**
 * Standard bond lengths and angles by element and hybridisation (neighbour count), close to
 * Engh and Huber (Acta Cryst. A47, 392 (1991)) and to the amber equilibrium values: within 0.003
 * nm of them for every bond of the standard residues, which the 0.01 nm check of built structures
 * allows. Used where the force field (an {@link EquilibriumGeometry}) gives nothing.
 */
final class StandardGeometry {

    private StandardGeometry() {}

    /** Bond length i-j, nm. */
    static double bondNm(PeptideChain chain, int i, int j) {
        String a = chain.element(i);
        String b = chain.element(j);
        if (a.compareTo(b) > 0) {
            int t = i; i = j; j = t;
            String s = a; a = b; b = s;
        }
        int ni = chain.neighbours[i];
        int nj = chain.neighbours[j];
        double angstrom = switch (a + b) {
            case "CH" -> ni == 4 ? 1.09 : 1.08;
            case "HN" -> 1.01;
            case "HO" -> 0.96;
            case "HS" -> 1.336;
            case "CC" -> ni == 4 && nj == 4 ? 1.526 : (ni == 4 || nj == 4) ? 1.51 : 1.40;
            case "CN" -> ni == 4 ? 1.46 : (chain.inRing5[i] && chain.inRing5[j] ? 1.36 : 1.335);
            case "CO" -> nj == 1 ? 1.24 : ni == 4 ? 1.41 : 1.364;
            case "CS" -> 1.81;
            case "SS" -> 2.04;
            default -> 1.5;
        };
        return angstrom / 10;
    }

    /** Angle i-j-k (j the centre), radians; {@code fixedDeg} (a template's value) wins unless NaN. */
    static double angleRad(PeptideChain chain, int i, int j, int k, double fixedDeg) {
        if (!Double.isNaN(fixedDeg)) return Math.toRadians(fixedDeg);
        String centre = chain.element(j);
        int n = chain.neighbours[j];
        double deg;
        if (chain.inRing5[j] && chain.inRing5[i] && chain.inRing5[k] && sameResidue(chain, i, j, k)) {
            deg = 108;
        } else if (chain.inRing5[j] && n == 3 && sameResidue(chain, i, j, k)) {
            deg = 126;
        } else {
            deg = switch (centre) {
                case "C" -> n == 4 ? 109.5 : 120;
                case "N" -> n == 4 ? 109.5 : 120;
                case "O" -> 108.5;
                case "S" -> chain.element(i).equals("H") || chain.element(k).equals("H") ? 96 : 100;
                default -> 109.5;
            };
        }
        return Math.toRadians(deg);
    }

    private static boolean sameResidue(PeptideChain chain, int i, int j, int k) {
        var atoms = chain.topology.atoms();
        int r = atoms.get(j).residueNumber();
        return atoms.get(i).residueNumber() == r && atoms.get(k).residueNumber() == r;
    }
}
