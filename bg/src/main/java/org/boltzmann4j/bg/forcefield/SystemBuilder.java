package org.boltzmann4j.bg.forcefield;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.boltzmann4j.bg.io.Topology;

/**
 * One createSystem call: OpenMM Python's {@code ForceField.createSystem} step by step (types from
 * templates, angle and torsion lists from the bond graph, one force per generator in the order the
 * files introduce them, CMMotionRemover, then the implicit-solvent script), writing the System XML.
 */
final class SystemBuilder {

    private static final Map<String, Double> ELEMENT_MASS = Map.ofEntries(
            Map.entry("H", 1.007947), Map.entry("D", 2.01355), Map.entry("C", 12.01078), Map.entry("N", 14.00672),
            Map.entry("O", 15.99943), Map.entry("F", 18.9984032), Map.entry("NA", 22.98977), Map.entry("MG", 24.305),
            Map.entry("P", 30.973762), Map.entry("S", 32.065), Map.entry("CL", 35.453), Map.entry("K", 39.0983),
            Map.entry("CA", 40.078), Map.entry("ZN", 65.409), Map.entry("BR", 79.904), Map.entry("I", 126.90447),
            Map.entry("SE", 78.96), Map.entry("FE", 55.845), Map.entry("LI", 6.941), Map.entry("CS", 132.9054519),
            Map.entry("RB", 85.4678));

    private final ForceField ff;
    private final Topology topology;
    private final ForceField.Options options;
    private final int n;
    private final int[] type;
    private final int[] templateIndex;
    private final int[] residueOf;
    private final List<Map<String, Double>> templateParameters = new ArrayList<>();
    private final List<TemplateMatcher.Match> matches;
    private final int[][] bonds;
    private final int[][] bondedTo;
    private final String[] element;

    SystemBuilder(ForceField ff, Topology topology, ForceField.Options options) {
        this.ff = ff;
        this.topology = topology;
        this.options = options;
        this.n = topology.atomCount();
        if (n == 0) {
            throw new ForceFieldException("the topology has no atoms");
        }
        this.matches = TemplateMatcher.match(ff, topology);
        type = new int[n];
        templateIndex = new int[n];
        residueOf = new int[n];
        element = new String[n];
        for (int i = 0; i < n; i++) {
            templateParameters.add(null);
            element[i] = topology.atoms().get(i).element().toUpperCase(java.util.Locale.ROOT);
        }
        for (TemplateMatcher.Match m : matches) {
            for (int k = 0; k < m.templateIndex().length; k++) {
                int atom = m.residue().firstAtom() + k;
                ResidueTemplate.Atom ta = m.template().atoms().get(m.templateIndex()[k]);
                type[atom] = ff.typeIndex.get(ta.type());
                templateIndex[atom] = m.templateIndex()[k];
                residueOf[atom] = m.residue().index();
                templateParameters.set(atom, ta.parameters());
                if (element[atom].isEmpty()) {
                    element[atom] = ff.types.get(type[atom]).element().toUpperCase(java.util.Locale.ROOT);
                }
            }
        }
        bonds = topology.bonds();
        List<TreeSet<Integer>> partners = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            partners.add(new TreeSet<>());
        }
        for (int[] b : bonds) {
            partners.get(b[0]).add(b[1]);
            partners.get(b[1]).add(b[0]);
        }
        bondedTo = new int[n][];
        for (int i = 0; i < n; i++) {
            bondedTo[i] = partners.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    ParameterizedSystem build() {
        SystemXml xml = new SystemXml();
        for (int i = 0; i < n; i++) {
            xml.particle(ff.types.get(type[i]).massAmu());
        }
        double[][] nonbondedParams = null;
        boolean implicitSolvent = false;
        List<int[]> angles = angles();
        for (String force : ff.forceOrder) {
            switch (force) {
                case "HarmonicBondForce" -> bondForce(xml);
                case "HarmonicAngleForce" -> angleForce(xml, angles);
                case "PeriodicTorsionForce" -> torsionForce(xml, angles);
                case "NonbondedForce" -> nonbondedParams = nonbondedForce(xml);
                case "GBSAOBCForce" -> {
                    gbsaForce(xml);
                    implicitSolvent = true;
                }
                default -> throw new IllegalStateException(force);
            }
        }
        if (options.removeCMMotion()) {
            xml.cmMotionRemover();
        }
        if (!ff.scripts.isEmpty() || options.solvent() == Solvent.GBSA_OBC2) {
            if (nonbondedParams == null) {
                throw new ForceFieldException(ff.files() + ": implicit solvent needs a <NonbondedForce> for the charges");
            }
            double[] charges = new double[n];
            for (int i = 0; i < n; i++) {
                charges[i] = nonbondedParams[i][0];
            }
            GeneralizedBorn gb = new GeneralizedBorn(topology, bondedTo, element);
            for (Ffxml.ScriptModel script : ff.scripts) {
                gb.customGbForce(xml, script, charges, options);
            }
            if (options.solvent() == Solvent.GBSA_OBC2) {
                gb.nativeObc2(xml, charges, options);
            }
            implicitSolvent = true;
        }
        if (implicitSolvent) {
            // Reaction field with the solvent's dielectric would double-count screening with GB (OpenMM sets 1).
            xml.setReactionFieldDielectric(1.0);
        }
        List<String> typeNames = new ArrayList<>();
        List<Double> charges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            typeNames.add(ff.types.get(type[i]).name());
            charges.add(nonbondedParams == null ? Double.NaN : nonbondedParams[i][0]);
        }
        return new ParameterizedSystem(xml.toXml(options.separateForceGroups()), typeNames, charges,
                matches.stream().map(m -> m.template().name()).toList());
    }

    private String describe(int atom) {
        Topology.Atom a = topology.atoms().get(atom);
        return a.name() + " of residue " + (residueOf[atom] + 1) + " (" + a.residueName() + ")";
    }

    // ------------------------------------------------------------------ bonded terms

    private void bondForce(SystemXml xml) {
        SystemXml.Force f = xml.force("HarmonicBondForce", "version=\"2\" usesPeriodic=\"0\"", "Bonds");
        for (int[] b : bonds) {
            ForceField.Bond p = ff.bondFor(type[b[0]], type[b[1]]);
            if (p != null && p.k() != 0) {
                f.line("<Bond d=\"" + SystemXml.num(p.lengthNm()) + "\" k=\"" + SystemXml.num(p.k()) + "\" p1=\"" + b[0]
                        + "\" p2=\"" + b[1] + "\"/>");
            }
        }
    }

    private List<int[]> angles() {
        TreeSet<int[]> unique = new TreeSet<>(SystemBuilder::compare);
        for (int[] b : bonds) {
            for (int a : bondedTo[b[0]]) {
                if (a != b[1]) {
                    unique.add(a < b[1] ? new int[] {a, b[0], b[1]} : new int[] {b[1], b[0], a});
                }
            }
            for (int a : bondedTo[b[1]]) {
                if (a != b[0]) {
                    unique.add(a > b[0] ? new int[] {b[0], b[1], a} : new int[] {a, b[1], b[0]});
                }
            }
        }
        return new ArrayList<>(unique);
    }

    private List<int[]> propers(List<int[]> angles) {
        TreeSet<int[]> unique = new TreeSet<>(SystemBuilder::compare);
        for (int[] t : angles) {
            for (int a : bondedTo[t[0]]) {
                if (a != t[0] && a != t[1] && a != t[2]) {
                    unique.add(a < t[2] ? new int[] {a, t[0], t[1], t[2]} : new int[] {t[2], t[1], t[0], a});
                }
            }
            for (int a : bondedTo[t[2]]) {
                if (a != t[0] && a != t[1] && a != t[2]) {
                    unique.add(a > t[0] ? new int[] {t[0], t[1], t[2], a} : new int[] {a, t[2], t[1], t[0]});
                }
            }
        }
        return new ArrayList<>(unique);
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private void angleForce(SystemXml xml, List<int[]> angles) {
        SystemXml.Force f = xml.force("HarmonicAngleForce", "version=\"2\" usesPeriodic=\"0\"", "Angles");
        for (int[] t : angles) {
            ForceField.Angle p = ff.angleFor(type[t[0]], type[t[1]], type[t[2]]);
            if (p != null && p.k() != 0) {
                f.line("<Angle a=\"" + SystemXml.num(p.angleRad()) + "\" k=\"" + SystemXml.num(p.k()) + "\" p1=\"" + t[0]
                        + "\" p2=\"" + t[1] + "\" p3=\"" + t[2] + "\"/>");
            }
        }
    }

    private void torsionForce(SystemXml xml, List<int[]> angles) {
        SystemXml.Force f = xml.force("PeriodicTorsionForce", "version=\"2\" usesPeriodic=\"0\"", "Torsions");
        // Propers: the first definition without wildcards wins, else the first with. The match
        // depends only on the four types (either direction), so it is cached in the force field.
        for (int[] t : propers(angles)) {
            int t1 = type[t[0]], t2 = type[t[1]], t3 = type[t[2]], t4 = type[t[3]];
            List<Integer> sig = t1 < t4 || (t1 == t4 && t2 <= t3) ? List.of(t1, t2, t3, t4) : List.of(t4, t3, t2, t1);
            Optional<ForceField.Torsion> match = ff.properMatches.computeIfAbsent(sig, k -> matchProper(t1, t2, t3, t4));
            if (match.isPresent()) {
                addTorsion(f, match.get(), t[0], t[1], t[2], t[3]);
            }
        }
        // Impropers: every central atom with three or more partners, each triple of partners. Which
        // definition and permutation match depends only on the types (cached in the force field);
        // the atom order of the first torsion with a type signature is reused for later ones with
        // that signature, as OpenMM's createSystem does.
        Map<List<Integer>, int[]> orderCache = new HashMap<>();
        for (int center = 0; center < n; center++) {
            int[] p = bondedTo[center];
            for (int a = 0; a < p.length; a++) {
                for (int b = a + 1; b < p.length; b++) {
                    for (int c = b + 1; c < p.length; c++) {
                        int[] torsion = {center, p[a], p[b], p[c]};
                        List<Integer> sig = List.of(type[torsion[0]], type[torsion[1]], type[torsion[2]], type[torsion[3]]);
                        Optional<ImproperMatch> m = ff.improperMatches.computeIfAbsent(sig, k -> matchImproper(sig));
                        if (m.isEmpty()) {
                            continue;
                        }
                        int[] pos = orderCache.get(sig);
                        int[] atoms;
                        if (pos != null) {
                            atoms = new int[] {torsion[pos[0]], torsion[pos[1]], torsion[pos[2]], torsion[pos[3]]};
                        } else {
                            atoms = order(torsion, m.get());
                            pos = new int[4];
                            for (int k = 0; k < 4; k++) {
                                pos[k] = indexIn(torsion, atoms[k]);
                            }
                            orderCache.put(sig, pos);
                        }
                        addTorsion(f, m.get().definition(), atoms[0], atoms[1], atoms[2], atoms[3]);
                    }
                }
            }
        }
    }

    private Optional<ForceField.Torsion> matchProper(int t1, int t2, int t3, int t4) {
        ForceField.Torsion match = null;
        for (int index : ff.propersForType.getOrDefault(t2, List.of())) {
            ForceField.Torsion d = ff.propers.get(index);
            ForceField.TypeSet[] s = d.t();
            if ((s[1].contains(t2) && s[2].contains(t3) && s[3].contains(t4) && s[0].contains(t1))
                    || (s[2].contains(t2) && s[1].contains(t3) && s[0].contains(t4) && s[3].contains(t1))) {
                boolean wildcard = d.hasWildcard();
                if (match == null || !wildcard) {
                    match = d;
                }
                if (!wildcard) {
                    break;
                }
            }
        }
        return Optional.ofNullable(match);
    }

    /** The improper definition that matched a type signature, and the permutation of the three outer atoms. */
    record ImproperMatch(ForceField.Torsion definition, int[] permutation) {}

    private static int indexIn(int[] torsion, int atom) {
        for (int k = 0; k < torsion.length; k++) {
            if (torsion[k] == atom) {
                return k;
            }
        }
        throw new IllegalStateException();
    }

    private static final int[][] PERMUTATIONS = {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}};

    /**
     * OpenMM's improper matching: a later definition without wildcards replaces an earlier match,
     * one with wildcards is taken only while nothing matched; the atom order follows the
     * definition's ordering rule ("default": by element and index; "amber": by residue and template
     * position, as Amber's tools order them).
     */
    private Optional<ImproperMatch> matchImproper(List<Integer> ty) {
        ImproperMatch match = null;
        for (ForceField.Torsion d : ff.impropers) {
            boolean wildcard = d.hasWildcard();
            if (match != null && wildcard) {
                continue;
            }
            if (!d.t()[0].contains(ty.get(0))) {
                continue;
            }
            for (int[] perm : PERMUTATIONS) {
                if (d.t()[1].contains(ty.get(perm[0])) && d.t()[2].contains(ty.get(perm[1]))
                        && d.t()[3].contains(ty.get(perm[2]))) {
                    match = new ImproperMatch(d, perm);
                    break;
                }
            }
        }
        return Optional.ofNullable(match);
    }

    /** The atom order of a matched improper, by its definition's ordering rule. */
    private int[] order(int[] torsion, ImproperMatch m) {
        int[] perm = m.permutation();
        boolean wildcard = m.definition().hasWildcard();
        int[] ty = {type[torsion[0]], type[torsion[1]], type[torsion[2]], type[torsion[3]]};
        return switch (m.definition().ordering()) {
            case "default" -> defaultOrder(torsion, perm);
            case "charmm" -> wildcard ? defaultOrder(torsion, perm)
                    : new int[] {torsion[0], torsion[perm[0]], torsion[perm[1]], torsion[perm[2]]};
            case "amber" -> amberOrder(torsion, perm, ty, wildcard);
            default -> throw new IllegalStateException(m.definition().ordering());
        };
    }

    private int[] defaultOrder(int[] torsion, int[] perm) {
        int a1 = torsion[perm[0]];
        int a2 = torsion[perm[1]];
        String e1 = element[a1];
        String e2 = element[a2];
        if (e1.equals(e2) && a1 > a2) {
            int s = a1;
            a1 = a2;
            a2 = s;
        } else if (!e1.equals("C") && (e2.equals("C") || mass(e1, a1) < mass(e2, a2))) {
            int s = a1;
            a1 = a2;
            a2 = s;
        }
        return new int[] {a1, a2, torsion[0], torsion[perm[2]]};
    }

    private double mass(String element, int atom) {
        Double m = ELEMENT_MASS.get(element);
        if (m == null) {
            throw new ForceFieldException("atom " + describe(atom) + ": element '" + element
                    + "' is not one the improper-torsion ordering knows");
        }
        return m;
    }

    private int[] amberOrder(int[] torsion, int[] perm, int[] ty, boolean wildcard) {
        int a2 = torsion[perm[0]], a3 = torsion[perm[1]], a4 = torsion[perm[2]];
        int tp2 = ty[perm[0]], tp3 = ty[perm[1]], tp4 = ty[perm[2]];
        if (!wildcard) {
            if (tp2 == tp4 && later(a2, a4)) {
                int s = a2;
                a2 = a4;
                a4 = s;
            }
            if (tp3 == tp4 && later(a3, a4)) {
                int s = a3;
                a3 = a4;
                a4 = s;
            }
            if (tp2 == tp3 && later(a2, a3)) {
                int s = a2;
                a2 = a3;
                a3 = s;
            }
        } else {
            if (element[a2].equals(element[a4]) && later(a2, a4)) {
                int s = a2;
                a2 = a4;
                a4 = s;
            }
            if (element[a3].equals(element[a4]) && later(a3, a4)) {
                int s = a3;
                a3 = a4;
                a4 = s;
            }
            if (later(a2, a3)) {
                int s = a2;
                a2 = a3;
                a3 = s;
            }
        }
        return new int[] {a2, a3, torsion[0], a4};
    }

    /** Whether atom a comes after atom b by residue, then by position in its template. */
    private boolean later(int a, int b) {
        return residueOf[a] > residueOf[b] || (residueOf[a] == residueOf[b] && templateIndex[a] > templateIndex[b]);
    }

    private static void addTorsion(SystemXml.Force f, ForceField.Torsion d, int a, int b, int c, int e) {
        for (int i = 0; i < d.k().length; i++) {
            if (d.k()[i] != 0) {
                f.line("<Torsion k=\"" + SystemXml.num(d.k()[i]) + "\" p1=\"" + a + "\" p2=\"" + b + "\" p3=\"" + c
                        + "\" p4=\"" + e + "\" periodicity=\"" + d.periodicity()[i] + "\" phase=\""
                        + SystemXml.num(d.phaseRad()[i]) + "\"/>");
            }
        }
    }

    // ------------------------------------------------------------------ nonbonded

    private double[][] nonbondedForce(SystemXml xml) {
        ForceField.Nonbonded nb = ff.nonbonded;
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = nb.params().of(type[i], ff.types.get(type[i]).name(), templateParameters.get(i), describe(i));
        }
        boolean dispersion = nb.useDispersionCorrection() == null || nb.useDispersionCorrection();
        xml.nonbonded(p, exceptions(p, nb), options.nonbondedMethod().openmmCode(), options.cutoffNm(), dispersion);
        return p;
    }

    /**
     * OpenMM's NonbondedForce.createExceptionsFromBonds: pairs within two bonds excluded, pairs
     * three bonds apart (and not closer by another path) scaled by the 1-4 factors.
     */
    private List<double[]> exceptions(double[][] p, ForceField.Nonbonded nb) {
        List<java.util.Set<Integer>> within3 = new ArrayList<>();
        List<java.util.Set<Integer>> within2 = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            within3.add(reach(i, 3));
            within2.add(reach(i, 2));
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j : new TreeSet<>(within3.get(i))) {
                if (j >= i) {
                    continue;
                }
                if (!within2.get(i).contains(j)) {
                    double chargeProd = nb.coulomb14Scale() * p[j][0] * p[i][0];
                    double sigma = 0.5 * (p[j][1] + p[i][1]);
                    double epsilon = nb.lj14Scale() * Math.sqrt(p[j][2] * p[i][2]);
                    out.add(new double[] {j, i, chargeProd, sigma, epsilon});
                } else {
                    out.add(new double[] {j, i, 0.0, 1.0, 0.0});
                }
            }
        }
        return out;
    }

    private java.util.Set<Integer> reach(int atom, int depth) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        java.util.Set<Integer> frontier = java.util.Set.of(atom);
        for (int d = 0; d < depth; d++) {
            java.util.Set<Integer> next = new java.util.HashSet<>();
            for (int a : frontier) {
                for (int b : bondedTo[a]) {
                    if (b != atom && seen.add(b)) {
                        next.add(b);
                    }
                }
            }
            frontier = next;
        }
        return seen;
    }

    private void gbsaForce(SystemXml xml) {
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = ff.gbsaObc.of(type[i], ff.types.get(type[i]).name(), templateParameters.get(i), describe(i));
        }
        // GBSAOBCForce's own defaults (solvent 78.3, solute 1, ACE surface 2.25936 kJ/mol/nm^2), as createSystem leaves them.
        xml.gbsaObc(p, options.nonbondedMethod().openmmCode(), options.cutoffNm(), 78.3, 1.0);
    }
}
