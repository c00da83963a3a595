package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.HashMap;
import java.util.Map;
import org.boltzmann4j.bg.forcefield.ForceField;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.OpenMMSystem;

/**
 * Builds peptides from a {@link Sequence}: the chain's backbone N, CA, C atoms residue by residue
 * (psi of the previous residue, omega 180, phi), then every other atom of the residue by its
 * template row ({@link ResidueTemplate}). Torsions are given or drawn; a structure with a clash
 * (atoms four or more bonds apart closer than {@value #MIN_HYDROGEN_NM} nm when one is a hydrogen,
 * {@value #MIN_HEAVY_NM} nm between heavy atoms) is mended residue by residue: the residue is
 * redrawn (side-chain rotamer, and phi/psi when they are not given), and after repeated failures
 * the residue before it too, up to {@link BuildOptions#attempts()} draws in all.
 *
 * <p>Thread-safe: no state beyond the immutable templates, so one JVM can build hundreds of
 * peptides in parallel.
 */
public final class PeptideBuilder {

    /** Closest allowed approach of a hydrogen to an atom four or more bonds away, nm (an N-H...O hydrogen bond is ~0.19). */
    public static final double MIN_HYDROGEN_NM = 0.17;
    /** Closest allowed approach of two heavy atoms four or more bonds apart, nm. */
    public static final double MIN_HEAVY_NM = 0.27;

    /** Centres (degrees) and spread of the two backbone regions torsions are drawn from: beta and alpha_R. */
    private static final double[][] REGIONS = {{-120, 130}, {-65, -40}};
    private static final double REGION_SD_DEG = 15;
    /** Rotamers of chi1 tried after the default one. */
    private static final double[] CHI1 = {-65, 180, 60};

    private PeptideBuilder() {}

    /** Builds a peptide; throws IllegalArgumentException naming the problem if it cannot. */
    public static BuiltPeptide build(Sequence sequence, BuildOptions options) {
        PeptideChain chain = PeptideChain.of(sequence);
        int residues = sequence.residues().size();
        List<double[]> given = options.phiPsiDeg();
        if (!given.isEmpty() && given.size() != 1 && given.size() != residues) {
            throw new IllegalArgumentException("--phi-psi has " + given.size() + " pairs; give one for all residues or one per"
                    + " residue (" + residues + ")");
        }
        Geometry g = new Geometry(chain, options.geometry().of(chain.topology));
        int offset = sequence.termini() == Termini.CAPPED ? 1 : 0;
        int n = chain.residues.size();
        double[][] proRing = new double[n][];
        for (int r = 0; r < n; r++) {
            if (chain.residues.get(r).name.equals("PRO")) proRing[r] = solveProline(chain, g, r);
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        int[][] near = withinBonds(chain.topology, 3);
        double[] phi = new double[n];
        double[] psi = new double[n];
        double[][] chi = new double[n][];
        String lastClash = "";
        double[] xyz = new double[3 * chain.atomCount()];
        boolean[] placed = new boolean[chain.atomCount()];
        int[] failures = new int[n];
        // Residue by residue: a residue's torsions fix all its atoms (and, through psi, where the
        // next N goes), so a residue is redrawn until it clashes with nothing placed before it;
        // after PER_RESIDUE_TRIES failures the previous residue is redrawn too (a clash of this
        // residue's N can only be mended there).
        int r = 0;
        for (int tries = 0; r < n; tries++) {
            if (tries >= options.attempts()) {
                throw new IllegalArgumentException(sequence + ": no structure without clashes in " + options.attempts()
                        + " draws" + (given.isEmpty() ? "" : " at the given --phi-psi") + " (last: " + lastClash + ")");
            }
            ResidueTemplate t = chain.residues.get(r);
            phi[r] = Double.NaN;
            psi[r] = Double.NaN;
            chi[r] = ResidueTemplate.defaultChi(t.name);
            if (t.isCap()) {
                if (t.name.equals("ACE")) psi[r] = 180;
            } else {
                if (!given.isEmpty()) {
                    double[] p = given.size() == 1 ? given.getFirst() : given.get(r - offset);
                    phi[r] = p[0];
                    psi[r] = p[1];
                } else {
                    double[] region = REGIONS[random.nextInt(REGIONS.length)];
                    phi[r] = region[0] + REGION_SD_DEG * gaussian(random);
                    psi[r] = region[1] + REGION_SD_DEG * gaussian(random);
                }
                if (failures[r] > 0) drawRotamer(t.name, chi[r], random);
                if (proRing[r] != null) {
                    phi[r] = wrap(proRing[r][0] + 180);
                    chi[r][0] = proRing[r][1];
                }
                if (t.nTerminal) phi[r] = Double.NaN;
            }
            placeResidue(chain, g, xyz, placed, r, phi, psi, chi, proRing);
            String clash = firstClash(chain, near, xyz, r);
            if (clash == null) {
                r++;
                continue;
            }
            lastClash = clash;
            unplace(chain, placed, r);
            failures[r]++;
            if (r > 0 && (t.isCap() || failures[r] % PER_RESIDUE_TRIES == 0)) {
                r--;
                unplace(chain, placed, r);
                failures[r]++;
            }
        }
        List<double[]> used = new ArrayList<>();
        for (int k = offset; k < offset + residues; k++) used.add(new double[] {phi[k], psi[k]});
        return new BuiltPeptide(chain.topology, xyz, used);
    }

    private static final int PER_RESIDUE_TRIES = 30;

    private static void unplace(PeptideChain chain, boolean[] placed, int r) {
        int first = chain.firstAtom[r];
        int count = chain.residues.get(r).atoms.size();
        Arrays.fill(placed, first, first + count, false);
    }

    /** The first clash between an atom of residue r and any placed atom, described, or null. */
    private static String firstClash(PeptideChain chain, int[][] near, double[] xyz, int r) {
        int first = chain.firstAtom[r];
        int end = first + chain.residues.get(r).atoms.size();
        var atoms = chain.topology.atoms();
        for (int i = first; i < end; i++) {
            boolean hi = atoms.get(i).element().equals("H");
            for (int j = 0; j < end; j++) {
                if (j >= first && j <= i) continue;
                if (Arrays.binarySearch(near[i], j) >= 0) continue;
                boolean hj = atoms.get(j).element().equals("H");
                double limit = hi || hj ? MIN_HYDROGEN_NM : MIN_HEAVY_NM;
                double d = Placement.distance(xyz, i, j);
                if (!(d >= limit)) {
                    return describe(chain.topology, i) + " - " + describe(chain.topology, j)
                            + String.format(java.util.Locale.ROOT, " %.3f nm", d);
                }
            }
        }
        return null;
    }

    /**
     * Completes a peptide read from a file (one chain of standard residues, caps allowed) with the
     * hydrogens it lacks, renaming and reordering its atoms to amber's templates; {@code source}
     * names the file in errors, which name the residue and the atoms that do not match.
     */
    public static BuiltPeptide complete(Topology topology, double[] xyz, BuildOptions options, String source) {
        return HydrogenCompletion.complete(topology, xyz, options, source);
    }

    /**
     * Builds a peptide and its System: the force field's template match gives every atom its type,
     * the geometry takes the equilibrium bond lengths and angles of those types, and the System
     * (which does not depend on coordinates) is the one of that match.
     *
     * @throws org.boltzmann4j.bg.forcefield.ForceFieldException when a residue has no template
     */
    public static ParameterizedPeptide build(Sequence sequence, BuildOptions options, ForceField forceField,
                                             ForceField.Options systemOptions) {
        ForceFieldGeometry geometry = new ForceFieldGeometry(forceField, systemOptions);
        BuiltPeptide peptide = build(sequence, options.withGeometry(geometry));
        return new ParameterizedPeptide(peptide, geometry.system());
    }

    /** {@link #complete} with the force field's geometry and System, as {@link #build(Sequence, BuildOptions, ForceField, ForceField.Options)}. */
    public static ParameterizedPeptide complete(Topology topology, double[] xyz, BuildOptions options, String source,
                                                ForceField forceField, ForceField.Options systemOptions) {
        ForceFieldGeometry geometry = new ForceFieldGeometry(forceField, systemOptions);
        BuiltPeptide peptide = complete(topology, xyz, options.withGeometry(geometry), source);
        return new ParameterizedPeptide(peptide, geometry.system());
    }

    /**
     * OpenMM's local energy minimizer (L-BFGS) on the peptide's own System, Reference platform,
     * until the largest force is below {@code toleranceKjMolNm} (OpenMM's default is 10).
     */
    public static ParameterizedPeptide minimize(ParameterizedPeptide peptide, double toleranceKjMolNm) {
        try (OpenMMSystem system = OpenMMSystem.fromXml(peptide.system().systemXml());
             Context context = Context.forEnergies(system, "Reference", Map.of())) {
            context.setPositions(peptide.peptide().positionsNm());
            context.minimize(toleranceKjMolNm, 0);
            return peptide.withPositionsNm(context.positions());
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller from the seeded stream, so a seed gives the same draws on every JVM
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static double wrap(double deg) {
        double d = deg % 360;
        if (d > 180) d -= 360;
        if (d <= -180) d += 360;
        return d;
    }

    /** Another rotamer: chi1 from the three staggered ones, sp3 chis by 120 degree steps, planar groups anywhere. */
    private static void drawRotamer(String residue, double[] chi, SplittableRandom random) {
        chi[0] = CHI1[random.nextInt(CHI1.length)] + 10 * gaussian(random);
        boolean planarChi2 = switch (residue) {
            case "ASN", "ASP", "HID", "HIE", "HIP", "PHE", "TYR", "TRP" -> true;
            default -> false;
        };
        boolean planarChi3 = residue.equals("GLN") || residue.equals("GLU");
        for (int k = 1; k < 4; k++) {
            boolean planar = (k == 1 && planarChi2) || (k == 2 && planarChi3);
            chi[k] = planar ? chi[k] + 180 * (random.nextDouble() - 0.5) : chi[k] + 120 * (random.nextInt(3) - 1);
        }
    }

    /** Bond lengths: the force field's, else the template's, else standard; angles: the template's, else the force field's, else standard. */
    static final class Geometry {
        private final PeptideChain chain;
        private final EquilibriumGeometry source;

        // Values by atom indices, looked up once per build: the force field's lookups scan its definitions.
        private final Map<Long, Double> bonds = new HashMap<>();
        private final Map<Long, Double> angles = new HashMap<>();

        Geometry(PeptideChain chain, EquilibriumGeometry source) {
            this.chain = chain;
            this.source = source;
        }

        double bond(int i, int j, double fixedA) {
            long key = (long) Math.min(i, j) << 32 | Math.max(i, j);
            Double cached = bonds.get(key);
            if (cached != null) return cached;
            double v = lookupBond(i, j, fixedA);
            bonds.put(key, v);
            return v;
        }

        double angle(int i, int j, int k, double fixedDeg) {
            int lo = Math.min(i, k), hi = Math.max(i, k);
            long key = ((long) lo * chain.atomCount() + j) * chain.atomCount() + hi;
            Double cached = angles.get(key);
            if (cached != null) return cached;
            double v = lookupAngle(i, j, k, fixedDeg);
            angles.put(key, v);
            return v;
        }

        private double lookupBond(int i, int j, double fixedA) {
            double v = source.bondNm(i, j);
            if (Double.isFinite(v)) return v;
            return Double.isNaN(fixedA) ? StandardGeometry.bondNm(chain, i, j) : fixedA / 10;
        }

        /**
         * The template's angle wins over the force field's: templates fix angles only in rings,
         * where amber's generic values (120 degrees at many five-ring atoms) cannot all hold at
         * once and a ring built from them would not close.
         */
        private double lookupAngle(int i, int j, int k, double fixedDeg) {
            if (!Double.isNaN(fixedDeg)) return Math.toRadians(fixedDeg);
            double v = source.angleRad(i, j, k);
            if (Double.isFinite(v)) return v;
            return StandardGeometry.angleRad(chain, i, j, k, fixedDeg);
        }
    }

    /** Places the atoms of residue r; torsions in degrees per residue; proRing[r] = {pro, chi1} for prolines. */
    private static void placeResidue(PeptideChain chain, Geometry g, double[] xyz, boolean[] placed, int r, double[] phi,
                                     double[] psi, double[][] chi, double[][] proRing) {
        ResidueTemplate t = chain.residues.get(r);
        int n = chain.atom(r, t.backbone[0]);
        int ca = chain.atom(r, t.backbone[1]);
        int c = t.backbone[2] == null ? -1 : chain.atom(r, t.backbone[2]);
        if (r == 0) {
            double bnca = g.bond(n, ca, Double.NaN);
            xyz[3 * ca] = bnca;
            double bcac = g.bond(ca, c, Double.NaN);
            double theta = g.angle(n, ca, c, Double.NaN);
            xyz[3 * c] = bnca - bcac * Math.cos(theta);
            xyz[3 * c + 1] = bcac * Math.sin(theta);
        } else {
            ResidueTemplate p = chain.residues.get(r - 1);
            int pn = chain.atom(r - 1, p.backbone[0]);
            int pca = chain.atom(r - 1, p.backbone[1]);
            int pc = chain.atom(r - 1, p.backbone[2]);
            Placement.place(xyz, pn, pca, pc, n, g.bond(pc, n, Double.NaN), g.angle(pca, pc, n, Double.NaN),
                    Math.toRadians(psi[r - 1]));
            Placement.place(xyz, pca, pc, n, ca, g.bond(n, ca, Double.NaN), g.angle(pc, n, ca, Double.NaN), Math.PI);
            if (c >= 0) {
                Placement.place(xyz, pc, n, ca, c, g.bond(ca, c, Double.NaN), g.angle(n, ca, c, Double.NaN),
                        Math.toRadians(phi[r]));
            }
        }
        placed[n] = true;
        placed[ca] = true;
        if (c >= 0) placed[c] = true;
        for (ResidueTemplate.Row row : t.rows) {
            int x = chain.atom(r, row.atom());
            if (placed[x]) continue;
            double torsion = torsionDeg(row, phi[r], psi[r], chi[r], proRing[r]);
            placeRow(chain, g, xyz, r, row, torsion);
            placed[x] = true;
        }
    }

    static void placeRow(PeptideChain chain, Geometry g, double[] xyz, int r, ResidueTemplate.Row row, double torsionDeg) {
        int x = chain.atom(r, row.atom());
        int c = chain.atom(r, row.parent());
        int b = chain.atom(r, row.angleRef());
        int a = chain.atom(r, row.dihedralRef());
        Placement.place(xyz, a, b, c, x, g.bond(c, x, row.bondA()), g.angle(b, c, x, row.angleDeg()),
                Math.toRadians(torsionDeg));
    }

    private static double torsionDeg(ResidueTemplate.Row row, double phi, double psi, double[] chi, double[] pro) {
        if (row.torsion() == null) return row.offsetDeg();
        double base = switch (row.torsion()) {
            case "phi" -> phi;
            case "psi" -> psi;
            case "chi1" -> chi[0];
            case "chi2" -> chi[1];
            case "chi3" -> chi[2];
            case "chi4" -> chi[3];
            case "pro" -> pro[0];
            default -> throw new IllegalStateException("unknown torsion " + row.torsion());
        };
        return base + row.offsetDeg();
    }

    /**
     * Proline's ring: the dihedral C-CA-N-CD and chi1 for which CG-CD closes at its bond length
     * and the ring angles at CG and CD are their equilibrium values, with phi (CD trans to the
     * previous C about N, so phi = pro - 180) between -90 and -40. A grid search in the residue's
     * own frame, then a finer one about the best point.
     */
    private static double[] solveProline(PeptideChain chain, Geometry g, int r) {
        ResidueTemplate t = chain.residues.get(r);
        int n = chain.atom(r, "N"), ca = chain.atom(r, "CA"), c = chain.atom(r, "C");
        int cb = chain.atom(r, "CB"), cg = chain.atom(r, "CG"), cd = chain.atom(r, "CD");
        double[] xyz = new double[3 * chain.atomCount()];
        double bnca = g.bond(n, ca, Double.NaN);
        xyz[3 * ca] = bnca;
        double bcac = g.bond(ca, c, Double.NaN);
        double theta = g.angle(n, ca, c, Double.NaN);
        xyz[3 * c] = bnca - bcac * Math.cos(theta);
        xyz[3 * c + 1] = bcac * Math.sin(theta);
        ResidueTemplate.Row rowCb = t.row("CB"), rowCg = t.row("CG"), rowCd = t.row("CD");
        double bond = g.bond(cg, cd, Double.NaN);
        double angleCg = g.angle(cb, cg, cd, Double.NaN);
        double angleCd = g.angle(cg, cd, n, Double.NaN);
        // The solution depends only on these values, the same for every proline of a force field.
        List<Double> key = List.of(bnca, bcac, theta, bond, angleCg, angleCd,
                g.bond(ca, cb, rowCb.bondA()), g.angle(n, ca, cb, rowCb.angleDeg()),
                g.bond(cb, cg, rowCg.bondA()), g.angle(ca, cb, cg, rowCg.angleDeg()),
                g.bond(n, cd, rowCd.bondA()), g.angle(ca, n, cd, rowCd.angleDeg()));
        double[] known = PROLINE_RINGS.get(key);
        if (known != null) return known.clone();
        placeRow(chain, g, xyz, r, rowCb, rowCb.offsetDeg());
        double best = Double.POSITIVE_INFINITY;
        double bestPro = 0, bestChi = 0;
        for (double step : new double[] {1, 0.05}) {
            double pro0 = step == 1 ? 115 : bestPro, chi0 = step == 1 ? 0 : bestChi;
            double span = step == 1 ? 25 : 1.5;
            double chiSpan = step == 1 ? 50 : 1.5;
            for (double pro = pro0 - span; pro <= pro0 + span; pro += step) {
                placeRow(chain, g, xyz, r, rowCd, pro);
                for (double chi1 = chi0 - chiSpan; chi1 <= chi0 + chiSpan; chi1 += step) {
                    placeRow(chain, g, xyz, r, rowCg, chi1);
                    double db = (Placement.distance(xyz, cg, cd) - bond) / 0.001;
                    double a1 = Math.toDegrees(Placement.angle(xyz, cb, cg, cd) - angleCg);
                    double a2 = Math.toDegrees(Placement.angle(xyz, cg, cd, n) - angleCd);
                    double cost = db * db + a1 * a1 + a2 * a2;
                    if (cost < best) {
                        best = cost;
                        bestPro = pro;
                        bestChi = chi1;
                    }
                }
            }
        }
        double[] solution = {bestPro, bestChi};
        if (PROLINE_RINGS.size() < 1000) PROLINE_RINGS.put(key, solution.clone());
        return solution;
    }

    private static final Map<List<Double>, double[]> PROLINE_RINGS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Pairs four or more bonds apart that are too close, described; empty if none. */
    static List<String> clashes(Topology topology, double[] xyz) {
        int n = topology.atomCount();
        int[][] near = withinBonds(topology, 3);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean hi = topology.atoms().get(i).element().equals("H");
            for (int j = i + 1; j < n; j++) {
                if (Arrays.binarySearch(near[i], j) >= 0) continue;
                boolean hj = topology.atoms().get(j).element().equals("H");
                double limit = hi || hj ? MIN_HYDROGEN_NM : MIN_HEAVY_NM;
                double d = Placement.distance(xyz, i, j);
                if (!(d >= limit)) {
                    out.add(describe(topology, i) + " - " + describe(topology, j) + String.format(java.util.Locale.ROOT,
                            " %.3f nm", d));
                }
            }
        }
        return out;
    }

    private static String describe(Topology t, int i) {
        Topology.Atom a = t.atoms().get(i);
        return a.residueName() + a.residueNumber() + ":" + a.name();
    }

    /** For each atom, the sorted atoms at most {@code depth} bonds away. */
    static int[][] withinBonds(Topology topology, int depth) {
        int n = topology.atomCount();
        List<List<Integer>> adj = new ArrayList<>();
        for (int i = 0; i < n; i++) adj.add(new ArrayList<>());
        for (int[] b : topology.bonds()) {
            adj.get(b[0]).add(b[1]);
            adj.get(b[1]).add(b[0]);
        }
        int[][] out = new int[n][];
        int[] dist = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(dist, -1);
            dist[i] = 0;
            List<Integer> frontier = List.of(i);
            List<Integer> all = new ArrayList<>();
            for (int d = 1; d <= depth; d++) {
                List<Integer> next = new ArrayList<>();
                for (int a : frontier) {
                    for (int b : adj.get(a)) {
                        if (dist[b] < 0) {
                            dist[b] = d;
                            next.add(b);
                            all.add(b);
                        }
                    }
                }
                frontier = next;
            }
            out[i] = all.stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return out;
    }
}
