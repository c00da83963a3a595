package org.boltzmann4j.bg.forcefield;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.boltzmann4j.bg.io.Topology;

/**
 * Generalized Born implicit solvents as OpenMM's Python layer builds them
 * (openmm/app/internal/customgbforces.py, called by the scripts of implicit/obc1.xml, obc2.xml
 * and gbn2.xml): the same CustomGBForce expressions, per-atom offset radius {@code or = r - offset}
 * and scaled radius {@code sr = screen * or}, with r from the mbondi2 set (OBC; mbondi3 for GBn2)
 * which depends on the element and, for hydrogens, on the bonded partner.
 *
 * <p>Amber's models: OBC1 = igb 2 and OBC2 = igb 5 (Onufriev, Bashford and Case 2004), GBn2 =
 * igb 8 (Nguyen, Roe and Simmerling 2013) with its neck correction tabulated from Mongan et al.
 * 2007 (the tables are a resource made by scripts/make-gbn2-tables.py). The ACE surface term
 * is 28.3919551 (r + 0.14)^2 (r / B)^6 kJ/mol with r in nm: 4 pi times 2.25936 kJ/mol/nm^2.
 */
final class GeneralizedBorn {

    private static final double OBC_OFFSET = 0.009;
    private static final double GBN2_OFFSET = 0.0195141;
    private static final List<String> NUCLEIC = List.of("A", "C", "G", "U", "DA", "DC", "DG", "DT");

    /** Screening factors per element: OBC ("normal"), GBn2 protein, GBn2 nucleic; index 3 the default. */
    private static final Map<String, double[]> SCREEN = Map.of(
            "H", new double[] {0.85, 1.425952, 1.696538},
            "D", new double[] {0.85, 1.425952, 1.696538},
            "C", new double[] {0.72, 1.058554, 1.268902},
            "N", new double[] {0.79, 0.733599, 1.4259728},
            "O", new double[] {0.85, 1.061039, 0.1840098},
            "F", new double[] {0.88, 0.5, 0.5},
            "P", new double[] {0.86, 0.5, 1.5450597},
            "S", new double[] {0.96, -0.703469, 0.05});
    private static final double[] SCREEN_DEFAULT = {0.8, 0.5, 0.5};

    /** GBn2 alpha, beta, gamma per element (protein and nucleic sets). */
    private static final Map<String, double[]> GBN2_ABG = Map.of(
            "H", new double[] {0.788440, 0.798699, 0.437334}, "D", new double[] {0.788440, 0.798699, 0.437334},
            "C", new double[] {0.733756, 0.506378, 0.205844}, "N", new double[] {0.503364, 0.316828, 0.192915},
            "O", new double[] {0.867814, 0.876635, 0.387882}, "S", new double[] {0.867814, 0.876635, 0.387882});
    private static final Map<String, double[]> GBN2_ABG_NUCLEIC = Map.of(
            "H", new double[] {0.537050, 0.362861, 0.116704}, "D", new double[] {0.537050, 0.362861, 0.116704},
            "C", new double[] {0.331670, 0.196842, 0.093422}, "N", new double[] {0.686311, 0.463189, 0.138722},
            "O", new double[] {0.606344, 0.463006, 0.142262}, "S", new double[] {0.606344, 0.463006, 0.142262},
            "P", new double[] {0.418365, 0.290054, 0.1064245});
    private static final double[] GBN2_ABG_DEFAULT = {1.0, 0.8, 4.851};

    private static final Map<String, Double> MBONDI2_FIXED = Map.of(
            "N", 1.55, "O", 1.5, "F", 1.5, "SI", 2.1, "P", 1.85, "S", 1.8, "CL", 1.7);

    private static volatile double[][] neckTables;

    private final Topology topology;
    private final int[][] bondedTo;
    private final String[] element;

    GeneralizedBorn(Topology topology, int[][] bondedTo, String[] element) {
        this.topology = topology;
        this.bondedTo = bondedTo;
        this.element = element;
    }

    /**
     * mbondi2 radii in Angstrom: hydrogens 1.3 on nitrogen, else 1.2; carbon 1.7; others fixed by
     * element (1.5 for elements without a value).
     */
    double[] mbondi2() {
        int n = element.length;
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            String e = element[i];
            if (e.equals("H") || e.equals("D")) {
                if (bondedTo[i].length == 0) {
                    Topology.Atom a = topology.atoms().get(i);
                    throw new ForceFieldException("hydrogen " + a.name() + " of residue " + a.residueName() + " "
                            + a.residueNumber() + " has no bond; GB radii depend on its partner");
                }
                r[i] = element[bondedTo[i][0]].equals("N") ? 1.3 : 1.2;
            } else if (e.equals("C")) {
                r[i] = 1.7;
            } else {
                r[i] = MBONDI2_FIXED.getOrDefault(e, 1.5);
            }
        }
        return r;
    }

    /**
     * mbondi3: mbondi2 with 1.17 for arginine's HH and HE hydrogens. mbondi3 also gives carboxylate
     * oxygens 1.4, but OpenMM 7.7's test for them compares an atom with an element and never
     * succeeds, so they keep 1.5 there; this keeps OpenMM's values.
     */
    double[] mbondi3() {
        double[] r = mbondi2();
        for (int i = 0; i < r.length; i++) {
            Topology.Atom a = topology.atoms().get(i);
            if (a.residueName().equals("ARG") && (a.name().startsWith("HH") || a.name().startsWith("HE"))) {
                r[i] = 1.17;
            }
        }
        return r;
    }

    private double screen(int atom, int set) {
        return SCREEN.getOrDefault(element[atom], SCREEN_DEFAULT)[set];
    }

    /** The CustomGBForce of an implicit/*.xml script. */
    void customGbForce(SystemXml xml, Ffxml.ScriptModel script, double[] charges, ForceField.Options options) {
        double solventDielectric = 78.5;
        double soluteDielectric = 1;
        double kappa = 0;
        boolean cutoff = options.nonbondedMethod() == NonbondedMethod.CUTOFF_NON_PERIODIC;
        int n = charges.length;
        List<String> parameters;
        List<String[]> computed = new ArrayList<>();
        double[][] particles = new double[n][];
        List<Object[]> functions = new ArrayList<>();
        double offset;
        String iPair = "0.5*(1/L-1/U+0.25*(r-sr2^2/r)*(1/(U^2)-1/(L^2))+0.5*log(L/U)/r)";
        String iVdw = "select(step(r+sr2-or1), " + iPair + ", 0);U=r+sr2;L=max(or1, D);D=abs(r-sr2)";
        if (script.model() == Ffxml.GbModel.GBN2) {
            offset = GBN2_OFFSET;
            parameters = List.of("charge", "or", "sr", "alpha", "beta", "gamma", "radindex");
            double[] radii = mbondi3();
            double[][] base = new double[n][];
            TreeSet<Double> unique = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                boolean nucleic = NUCLEIC.contains(topology.atoms().get(i).residueName());
                double or = radii[i] / 10 - offset;
                double sr = screen(i, nucleic ? 2 : 1) * or;
                if (or + offset < 0.1 || or + offset > 0.2) {
                    Topology.Atom a = topology.atoms().get(i);
                    throw new ForceFieldException("gbn2: atom " + a.name() + " of residue " + a.residueName() + " "
                            + a.residueNumber() + " has radius " + radii[i] + " A, outside the 1-2 A of the neck tables");
                }
                double[] abg = (nucleic ? GBN2_ABG_NUCLEIC : GBN2_ABG).getOrDefault(element[i], GBN2_ABG_DEFAULT);
                base[i] = new double[] {charges[i], or, sr, abg[0], abg[1], abg[2]};
                unique.add(or);
            }
            List<Double> uniqueRadii = new ArrayList<>(unique);
            Map<Double, Integer> radiusIndex = new HashMap<>();
            for (int k = 0; k < uniqueRadii.size(); k++) {
                radiusIndex.put(uniqueRadii.get(k), k);
            }
            for (int i = 0; i < n; i++) {
                double[] p = java.util.Arrays.copyOf(base[i], 7);
                p[6] = radiusIndex.get(base[i][1]);
                particles[i] = p;
            }
            double[][] tables = neckTables();
            int size = uniqueRadii.size();
            functions.add(new Object[] {"getd0", size, uniqueTable(uniqueRadii, tables[0], offset)});
            functions.add(new Object[] {"getm0", size, uniqueTable(uniqueRadii, tables[1], offset)});
            computed.add(new String[] {"I", "Ivdw+neckScale*Ineck;"
                    + "Ineck=step(radius1+radius2+neckCut-r)*getm0(radindex1,radindex2)/(1+100*(r-getd0(radindex1,radindex2))^2+"
                    + "0.3*1000000*(r-getd0(radindex1,radindex2))^6);"
                    + "Ivdw=" + iVdw + ";"
                    + "radius1=or1+offset; radius2=or2+offset;"
                    + "neckScale=0.826836; neckCut=0.68; offset=0.0195141", "2"});
            computed.add(new String[] {"B", "1/(1/or-tanh(alpha*psi-beta*psi^2+gamma*psi^3)/radius);"
                    + "psi=I*or; radius=or+offset; offset=0.0195141", "0"});
        } else {
            offset = OBC_OFFSET;
            parameters = List.of("charge", "or", "sr");
            double[] radii = mbondi2();
            for (int i = 0; i < n; i++) {
                double or = radii[i] / 10 - offset;
                particles[i] = new double[] {charges[i], or, screen(i, 0) * or};
            }
            computed.add(new String[] {"I", iVdw, "2"});
            String tanh = script.model() == Ffxml.GbModel.OBC1 ? "tanh(0.8*psi+2.909125*psi^3)"
                    : "tanh(psi-0.8*psi^2+4.85*psi^3)";
            computed.add(new String[] {"B", "1/(1/or-" + tanh + "/radius);psi=I*or; radius=or+offset; offset=0.009", "0"});
        }
        String params = "; solventDielectric=" + g16(solventDielectric) + "; soluteDielectric=" + g16(soluteDielectric)
                + "; kappa=" + g16(kappa) + "; offset=" + g16(offset);
        if (cutoff) {
            params += "; cutoff=" + g16(options.cutoffNm());
        }
        List<String[]> terms = new ArrayList<>();
        terms.add(new String[] {"-0.5*138.935485*(1/soluteDielectric-1/solventDielectric)*charge^2/B" + params, "0"});
        if (script.surfaceArea()) {
            terms.add(new String[] {"28.3919551*(radius+0.14)^2*(radius/B)^6; radius=or+offset" + params, "0"});
        }
        String pair = cutoff ? "charge1*charge2*(1/f-" + repr(1 / options.cutoffNm()) + ");" : "charge1*charge2/f;";
        terms.add(new String[] {"-138.935485*(1/soluteDielectric-1/solventDielectric)*" + pair
                + "f=sqrt(r^2+B1*B2*exp(-r^2/(4*B1*B2)))" + params, "2"});
        xml.customGb(parameters, computed, terms, particles, functions, options.nonbondedMethod().openmmCode(),
                cutoff ? options.cutoffNm() : 1.0);
    }

    /**
     * OpenMM's native GBSAOBCForce with the standard OBC2 parameters, as the app layer builds it:
     * openmm/app/internal/amber_file_parser.py (AmberPrmtopFile.createSystem with
     * implicitSolvent=OBC2 and no salt) makes a GBSAOBCForce with soluteDielectric 1 and
     * solventDielectric 78.5 (createSystem's defaults), the ACE surface term at the force's default
     * 2.25936 kJ/mol/nm^2, and radii and screens from GBSAOBC2Force.getStandardParameters (mbondi2 / 10
     * nm and the OBC screening factors); the cutoff only with a cutoff method.
     */
    void nativeObc2(SystemXml xml, double[] charges, ForceField.Options options) {
        double[] radii = mbondi2();
        double[][] p = new double[charges.length][];
        for (int i = 0; i < p.length; i++) {
            p[i] = new double[] {charges[i], radii[i] / 10, screen(i, 0)};
        }
        boolean cutoff = options.nonbondedMethod() == NonbondedMethod.CUTOFF_NON_PERIODIC;
        xml.gbsaObc(p, options.nonbondedMethod().openmmCode(), cutoff ? options.cutoffNm() : 1.0, 78.5, 1.0);
    }

    /** The neck table interpolated bilinearly at each pair of the radii present (customgbforces' rule). */
    private static double[] uniqueTable(List<Double> radii, double[] full, double offset) {
        int n = radii.size();
        int[] index1 = new int[n];
        int[] index2 = new int[n];
        double[] weight1 = new double[n];
        double[] weight2 = new double[n];
        for (int i = 0; i < n; i++) {
            double p = (radii.get(i) + offset - 0.1) * 200;
            if (p <= 0) {
                weight1[i] = 1.0;
            } else if (p >= 20) {
                index1[i] = 20;
                weight1[i] = 1.0;
            } else {
                index1[i] = (int) Math.floor(p);
                index2[i] = index1[i] + 1;
                weight1[i] = index2[i] - p;
                weight2[i] = 1.0 - weight1[i];
            }
        }
        double[] table = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                table[i * n + j] = weight1[i] * weight1[j] * full[index1[i] * 21 + index1[j]]
                        + weight1[i] * weight2[j] * full[index1[i] * 21 + index2[j]]
                        + weight2[i] * weight1[j] * full[index2[i] * 21 + index1[j]]
                        + weight2[i] * weight2[j] * full[index2[i] * 21 + index2[j]];
            }
        }
        return table;
    }

    private static double[][] neckTables() {
        double[][] t = neckTables;
        if (t == null) {
            String resource = "gbn2-neck-tables.txt";
            try (InputStream in = GeneralizedBorn.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing class-path resource " + resource);
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
                double[] d0 = null;
                double[] m0 = null;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] f = line.trim().split("\\s+");
                    if (f[0].equals("d0") || f[0].equals("m0")) {
                        double[] v = new double[f.length - 1];
                        for (int i = 1; i < f.length; i++) {
                            v[i - 1] = Double.parseDouble(f[i]);
                        }
                        if (v.length != 441) {
                            throw new IllegalStateException(resource + ": " + f[0] + " has " + v.length + " values, not 441");
                        }
                        if (f[0].equals("d0")) {
                            d0 = v;
                        } else {
                            m0 = v;
                        }
                    }
                }
                if (d0 == null || m0 == null) {
                    throw new IllegalStateException(resource + ": d0 or m0 missing");
                }
                t = new double[][] {d0, m0};
                neckTables = t;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return t;
    }

    /** Python's "%.16g" (the customgbforces expressions carry their constants that way). */
    static String g16(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(16, RoundingMode.HALF_EVEN));
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= 16) {
            BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
            return mantissa.toPlainString() + (exponent < 0 ? "e-" : "e+") + String.format("%02d", Math.abs(exponent));
        }
        String s = d.stripTrailingZeros().toPlainString();
        return s;
    }

    /** Python's repr of a float (str(1/cutoff) in the pair term). */
    static String repr(double v) {
        BigDecimal d = new BigDecimal(Double.toString(v));
        int exponent = d.precision() - d.scale() - 1;
        if (exponent < -4 || exponent >= 16) {
            BigDecimal mantissa = d.movePointLeft(exponent).stripTrailingZeros();
            String m = mantissa.toPlainString();
            return m + (exponent < 0 ? "e-" : "e+") + String.format("%02d", Math.abs(exponent));
        }
        String s = d.stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }
}
