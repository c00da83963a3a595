package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One residue as internal coordinates: its atoms in the order and naming of OpenMM's amber14
 * templates (amber14/protein.ff14SB.xml: ALA, NALA with H1/H2/H3, CALA with OXT, NPRO with H2/H3,
 * caps ACE and NME), its bonds, and a z-matrix row for every atom but the three backbone atoms
 * the chain builder places (N, CA, C; for ACE HH31, CH3, C; for NME N, CH3).
 *
 * <p>A row {@code X c b a t} places X bonded to c, with the angle b-c-X and the dihedral
 * a-b-c-X = t; a is bonded to b (a proper torsion) or to c (an improper one, used for hydrogens
 * so that they follow the heavy atoms: about the b-c axis the substituents of an sp3 c are 120
 * degrees apart, those of an sp2 c 180). A name with a leading '-' is in the previous residue.
 * t is a number of degrees or a named torsion plus an offset: phi and psi of the residue, chi1 to
 * chi4 (side-chain rotamer), pro (proline's ring, dihedral C-CA-N-CD, solved so that the ring
 * closes). Bond lengths and angles come from {@link Geometry}; a row may fix them ({@code b=} in
 * Angstrom, {@code a=} in degrees) where the default rules (by element, neighbour count and
 * five-membered ring) would be too far off.
 *
 * <p>Chirality: CB at dihedral C-N-CA-CB = -122.5 and HA at +120 make every CA L (signed volume
 * ((N - CA) x (C - CA)) . (CB - CA) > 0). THR's CG2 and ILE's CG2 sit at chi1 - 120 (chi1 being
 * N-CA-CB-OG1 or N-CA-CB-CG1), HB at chi1 + 120: 2S,3R threonine and 2S,3S isoleucine. Checked
 * against a real structure: threonine 13 of the villin headpiece that OpenMM ships
 * (openmm/app/data/test.pdb) has chi1 72.7, CG2 at -52.2 (chi1 - 125) and HB at 179.1 (chi1 + 106),
 * dihedral C-N-CA-CB -125.7 and C-N-CA-HA 123.7, and the CIP triple product (OG1 - CB, CA - CB,
 * CG2 - CB) < 0, i.e. R (priorities OG1 > CA > CG2 with HB away; positive would be S); the same
 * arrangement with CG1 in place of OG1 is S for isoleucine, because CA outranks CG1 there
 * (IUPAC-IUB 1970: Thr 2S,3R; Ile 2S,3S). PeptideGeometryTest checks these triple products.
 */
final class ResidueTemplate {

    /** One z-matrix row; bondA and angleDeg are NaN unless the row fixes them. */
    record Row(String atom, String parent, String angleRef, String dihedralRef, String torsion, double offsetDeg,
               double bondA, double angleDeg) {}

    final String name;
    final boolean nTerminal;
    final boolean cTerminal;
    /** Atoms in output order. */
    final List<String> atoms;
    /** Chain atoms placed by the builder: N, CA, C roles; C is null for NME. */
    final String[] backbone;
    /** Rows in placement order (dependencies first). */
    final List<Row> rows;
    /** Intra-residue bonds. */
    final List<String[]> bonds;
    /** Atoms of five-membered rings (for default angles). */
    final Set<String> ring5;
    /** Bonds that no row places (ring closures). */
    final List<String[]> closures;

    private ResidueTemplate(String name, boolean nTerminal, boolean cTerminal, List<String> atoms, String[] backbone,
                            List<Row> rows, List<String[]> closures, Set<String> ring5) {
        this.name = name;
        this.nTerminal = nTerminal;
        this.cTerminal = cTerminal;
        this.atoms = List.copyOf(atoms);
        this.backbone = backbone;
        this.rows = List.copyOf(rows);
        this.closures = List.copyOf(closures);
        this.ring5 = Set.copyOf(ring5);
        List<String[]> b = new ArrayList<>();
        if (backbone[0] != null && backbone[1] != null) b.add(new String[] {backbone[0], backbone[1]});
        if (backbone[2] != null) b.add(new String[] {backbone[1], backbone[2]});
        for (Row r : rows) {
            String[] pair = {r.parent(), r.atom()};
            if (!contains(b, pair)) b.add(pair);
        }
        for (String[] c : closures) {
            if (!contains(b, c)) b.add(c);
        }
        this.bonds = List.copyOf(b);
    }

    private static boolean contains(List<String[]> bonds, String[] pair) {
        for (String[] b : bonds) {
            if ((b[0].equals(pair[0]) && b[1].equals(pair[1])) || (b[0].equals(pair[1]) && b[1].equals(pair[0]))) {
                return true;
            }
        }
        return false;
    }

    /** The row placing {@code atom}, or null for a backbone atom. */
    Row row(String atom) {
        for (Row r : rows) {
            if (r.atom().equals(atom)) return r;
        }
        return null;
    }

    /** The element of an atom: the first letter of its name, true of every name here. */
    static String element(String atomName) {
        return atomName.substring(0, 1);
    }

    boolean isCap() {
        return name.equals("ACE") || name.equals("NME");
    }

    /** The template of a residue at a position in the chain. */
    static ResidueTemplate of(String name, boolean nTerminal, boolean cTerminal) {
        String key = name + (nTerminal ? "/N" : "") + (cTerminal ? "/C" : "");
        ResidueTemplate t = CACHE.get(key);
        if (t != null) return t;
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(key, k -> build(name, nTerminal, cTerminal));
        }
    }

    private static final Map<String, ResidueTemplate> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether a residue name has a template. */
    static boolean known(String name) {
        return DEFINITIONS.containsKey(name);
    }

    // ------------------------------------------------------------------------------- definitions

    /**
     * Side chains and caps. First line: the atoms in amber's order. Rows as in the class comment;
     * {@code close A B} is a ring-closing bond, {@code ring5 ...} a five-membered ring. Amino acids
     * get the backbone rows (H, HA, CB, O; H1-H3 at an N terminus, OXT at a C terminus) added.
     */
    private static final String TEXT = """
            ALA: N H CA HA CB HB1 HB2 HB3 C O
              HB1 CB CA N 180
              HB2 CB CA N 60
              HB3 CB CA N -60
            ARG: N H CA HA CB HB2 HB3 CG HG2 HG3 CD HD2 HD3 NE HE CZ NH1 HH11 HH12 NH2 HH21 HH22 C O
              CG CB CA N chi1
              CD CG CB CA chi2
              NE CD CG CB chi3
              CZ NE CD CG chi4
              NH1 CZ NE CD 0
              NH2 CZ NE CD 180
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG2 CG CB CD 120
              HG3 CG CB CD -120
              HD2 CD CG NE 120
              HD3 CD CG NE -120
              HE NE CD CZ 180
              HH11 NH1 CZ NE 0
              HH12 NH1 CZ NE 180
              HH21 NH2 CZ NE 0
              HH22 NH2 CZ NE 180
            ASN: N H CA HA CB HB2 HB3 CG OD1 ND2 HD21 HD22 C O
              CG CB CA N chi1
              OD1 CG CB CA chi2
              ND2 CG CB CA chi2+180
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HD21 ND2 CG CB 180
              HD22 ND2 CG CB 0
            ASP: N H CA HA CB HB2 HB3 CG OD1 OD2 C O
              CG CB CA N chi1
              OD1 CG CB CA chi2
              OD2 CG CB CA chi2+180
              HB2 CB CA CG 120
              HB3 CB CA CG -120
            CYS: N H CA HA CB HB2 HB3 SG HG C O
              SG CB CA N chi1
              HB2 CB CA SG 120
              HB3 CB CA SG -120
              HG SG CB CA 180
            GLN: N H CA HA CB HB2 HB3 CG HG2 HG3 CD OE1 NE2 HE21 HE22 C O
              CG CB CA N chi1
              CD CG CB CA chi2
              OE1 CD CG CB chi3
              NE2 CD CG CB chi3+180
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG2 CG CB CD 120
              HG3 CG CB CD -120
              HE21 NE2 CD CG 180
              HE22 NE2 CD CG 0
            GLU: N H CA HA CB HB2 HB3 CG HG2 HG3 CD OE1 OE2 C O
              CG CB CA N chi1
              CD CG CB CA chi2
              OE1 CD CG CB chi3
              OE2 CD CG CB chi3+180
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG2 CG CB CD 120
              HG3 CG CB CD -120
            GLY: N H CA HA2 HA3 C O
              HA2 CA N C 120
              HA3 CA N C -120
            HID: N H CA HA CB HB2 HB3 CG ND1 HD1 CE1 HE1 NE2 CD2 HD2 C O
              @HIS
              HD1 ND1 CG CB 0 a=126
            HIE: N H CA HA CB HB2 HB3 CG ND1 CE1 HE1 NE2 HE2 CD2 HD2 C O
              @HIS
              HE2 NE2 CD2 CG 180 a=126
            HIP: N H CA HA CB HB2 HB3 CG ND1 HD1 CE1 HE1 NE2 HE2 CD2 HD2 C O
              @HIS
              HD1 ND1 CG CB 0 a=126
              HE2 NE2 CD2 CG 180 a=126
            HIS
              CG CB CA N chi1
              ND1 CG CB CA chi2 a=122
              CD2 CG CB CA chi2+180 a=130
              CE1 ND1 CG CB 180 a=108
              NE2 CD2 CG CB 180 a=108
              close CE1 NE2
              ring5 CG ND1 CE1 NE2 CD2
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HE1 CE1 ND1 CG 180 a=126
              HD2 CD2 CG CB 0 a=126
            ILE: N H CA HA CB HB CG2 HG21 HG22 HG23 CG1 HG12 HG13 CD1 HD11 HD12 HD13 C O
              CG1 CB CA N chi1
              CG2 CB CA N chi1-120
              CD1 CG1 CB CA chi2
              HB CB CA CG1 120
              HG12 CG1 CB CD1 120
              HG13 CG1 CB CD1 -120
              HD11 CD1 CG1 CB 180
              HD12 CD1 CG1 CB 60
              HD13 CD1 CG1 CB -60
              HG21 CG2 CB CA 180
              HG22 CG2 CB CA 60
              HG23 CG2 CB CA -60
            LEU: N H CA HA CB HB2 HB3 CG HG CD1 HD11 HD12 HD13 CD2 HD21 HD22 HD23 C O
              CG CB CA N chi1
              CD1 CG CB CA chi2
              CD2 CG CB CA chi2+120
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG CG CB CD1 -120
              HD11 CD1 CG CB 180
              HD12 CD1 CG CB 60
              HD13 CD1 CG CB -60
              HD21 CD2 CG CB 180
              HD22 CD2 CG CB 60
              HD23 CD2 CG CB -60
            LYS: N H CA HA CB HB2 HB3 CG HG2 HG3 CD HD2 HD3 CE HE2 HE3 NZ HZ1 HZ2 HZ3 C O
              CG CB CA N chi1
              CD CG CB CA chi2
              CE CD CG CB chi3
              NZ CE CD CG chi4
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG2 CG CB CD 120
              HG3 CG CB CD -120
              HD2 CD CG CE 120
              HD3 CD CG CE -120
              HE2 CE CD NZ 120
              HE3 CE CD NZ -120
              HZ1 NZ CE CD 180
              HZ2 NZ CE CD 60
              HZ3 NZ CE CD -60
            MET: N H CA HA CB HB2 HB3 CG HG2 HG3 SD CE HE1 HE2 HE3 C O
              CG CB CA N chi1
              SD CG CB CA chi2
              CE SD CG CB chi3
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG2 CG CB SD 120
              HG3 CG CB SD -120
              HE1 CE SD CG 180
              HE2 CE SD CG 60
              HE3 CE SD CG -60
            PHE: N H CA HA CB HB2 HB3 CG CD1 HD1 CE1 HE1 CZ HZ CE2 HE2 CD2 HD2 C O
              @RING6
              HZ CZ CE1 CD1 180
            PRO: N CD HD2 HD3 CG HG2 HG3 CB HB2 HB3 CA HA C O
              CD N CA C pro a=112
              CG CB CA N chi1 a=104.5
              close CG CD
              ring5 N CA CB CG CD
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HG2 CG CB CD 120
              HG3 CG CB CD -120
              HD2 CD CG N 120
              HD3 CD CG N -120
            SER: N H CA HA CB HB2 HB3 OG HG C O
              OG CB CA N chi1
              HB2 CB CA OG 120
              HB3 CB CA OG -120
              HG OG CB CA 180
            THR: N H CA HA CB HB CG2 HG21 HG22 HG23 OG1 HG1 C O
              OG1 CB CA N chi1
              CG2 CB CA N chi1-120
              HB CB CA OG1 120
              HG1 OG1 CB CA 180
              HG21 CG2 CB CA 180
              HG22 CG2 CB CA 60
              HG23 CG2 CB CA -60
            TRP: N H CA HA CB HB2 HB3 CG CD1 HD1 NE1 HE1 CE2 CZ2 HZ2 CH2 HH2 CZ3 HZ3 CE3 HE3 CD2 C O
              CG CB CA N chi1
              CD1 CG CB CA chi2 a=127
              CD2 CG CB CA chi2+180 a=126.6
              NE1 CD1 CG CB 180 a=110
              CE2 CD2 CG CB 180 a=107.3
              close NE1 CE2
              ring5 CG CD1 NE1 CE2 CD2
              CE3 CD2 CG CB 0 a=134
              CZ2 CE2 CD2 CG 180 a=122.3
              CZ3 CE3 CD2 CG 180 a=118.8
              CH2 CZ2 CE2 CD2 0 a=117.4
              close CH2 CZ3
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HD1 CD1 CG CB 0 a=126
              HE1 NE1 CD1 CG 180 a=125
              HZ2 CZ2 CE2 CD2 180
              HH2 CH2 CZ2 CE2 180
              HZ3 CZ3 CE3 CD2 180
              HE3 CE3 CD2 CG 0
            TYR: N H CA HA CB HB2 HB3 CG CD1 HD1 CE1 HE1 CZ OH HH CE2 HE2 CD2 HD2 C O
              @RING6
              OH CZ CE1 CD1 180
              HH OH CZ CE1 0
            VAL: N H CA HA CB HB CG1 HG11 HG12 HG13 CG2 HG21 HG22 HG23 C O
              CG1 CB CA N chi1
              CG2 CB CA N chi1-120
              HB CB CA CG1 120
              HG11 CG1 CB CA 180
              HG12 CG1 CB CA 60
              HG13 CG1 CB CA -60
              HG21 CG2 CB CA 180
              HG22 CG2 CB CA 60
              HG23 CG2 CB CA -60
            RING6
              CG CB CA N chi1
              CD1 CG CB CA chi2
              CD2 CG CB CA chi2+180
              CE1 CD1 CG CB 180
              CE2 CD2 CG CB 180
              CZ CE1 CD1 CG 0
              close CZ CE2
              HB2 CB CA CG 120
              HB3 CB CA CG -120
              HD1 CD1 CG CB 0
              HE1 CE1 CD1 CG 180
              HE2 CE2 CD2 CG 180
              HD2 CD2 CG CB 0
            ACE: HH31 CH3 HH32 HH33 C O
              backbone HH31 CH3 C
              HH31 CH3 C O 0
              O C CH3 HH31 0
              HH32 CH3 C HH31 120
              HH33 CH3 C HH31 -120
            NME: N H CH3 HH31 HH32 HH33
              backbone N CH3 -
              H N CH3 -C 180
              HH31 CH3 N -C 180
              HH32 CH3 N -C 60
              HH33 CH3 N -C -60
            """;

    private record Definition(List<String> atoms, List<String> lines) {}

    private static final Map<String, Definition> DEFINITIONS = parseDefinitions();

    private static Map<String, Definition> parseDefinitions() {
        Map<String, Definition> defs = new LinkedHashMap<>();
        String current = null;
        List<String> atoms = null;
        List<String> lines = null;
        for (String raw : TEXT.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty()) continue;
            if (!raw.startsWith(" ")) {
                if (current != null) defs.put(current, new Definition(atoms, lines));
                int colon = line.indexOf(':');
                current = colon < 0 ? line : line.substring(0, colon);
                atoms = colon < 0 ? List.of() : List.of(line.substring(colon + 1).strip().split("\\s+"));
                lines = new ArrayList<>();
            } else {
                lines.add(line);
            }
        }
        defs.put(current, new Definition(atoms, lines));
        return defs;
    }

    private static List<String> expand(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("@")) {
                out.addAll(expand(DEFINITIONS.get(l.substring(1)).lines()));
            } else {
                out.add(l);
            }
        }
        return out;
    }

    private static ResidueTemplate build(String name, boolean nTerminal, boolean cTerminal) {
        Definition def = DEFINITIONS.get(name);
        if (def == null || def.atoms().isEmpty()) {
            throw new IllegalArgumentException("no residue template for '" + name + "'");
        }
        boolean cap = name.equals("ACE") || name.equals("NME");
        List<String> atoms = new ArrayList<>(def.atoms());
        String[] backbone = {"N", "CA", "C"};
        List<Row> rows = new ArrayList<>();
        List<String[]> closures = new ArrayList<>();
        java.util.Set<String> ring5 = new java.util.HashSet<>();
        List<String> lines = new ArrayList<>();
        if (!cap) {
            boolean gly = name.equals("GLY");
            boolean pro = name.equals("PRO");
            if (!gly) lines.add(pro ? "CB CA N C -122.5 a=103" : "CB CA N C -122.5");
            if (!gly) lines.add("HA CA N C 120");
            lines.add("O C CA N psi+180");
            if (cTerminal) {
                lines.add("OXT C CA N psi");
                atoms.add(atoms.indexOf("O") + 1, "OXT");
            }
            if (nTerminal) {
                atoms.remove("H");
                if (pro) {
                    lines.add("H2 N CA CD 120 a=109.5");
                    lines.add("H3 N CA CD -120 a=109.5");
                    atoms.addAll(1, List.of("H2", "H3"));
                } else {
                    lines.add("H1 N CA C 180");
                    lines.add("H2 N CA C 60");
                    lines.add("H3 N CA C -60");
                    atoms.addAll(1, List.of("H1", "H2", "H3"));
                }
            } else if (!pro) {
                lines.add("H N CA -C 180");
            }
        }
        List<String> body = expand(def.lines());
        // Proline's ring and its H2/H3 need CB and CD first: side-chain rows come before the
        // backbone hydrogens that refer to them.
        List<String> ordered = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("CB ")) ordered.add(l);
        }
        ordered.addAll(body);
        for (String l : lines) {
            if (!l.startsWith("CB ")) ordered.add(l);
        }
        for (String l : ordered) {
            String[] f = l.split("\\s+");
            switch (f[0]) {
                case "close" -> closures.add(new String[] {f[1], f[2]});
                case "ring5" -> ring5.addAll(List.of(f).subList(1, f.length));
                case "backbone" -> backbone = new String[] {f[1], f[2], f[3].equals("-") ? null : f[3]};
                default -> rows.add(parseRow(name, f));
            }
        }
        // Every atom is placed exactly once (backbone or row), and rows only refer to atoms placed before them.
        java.util.Set<String> placed = new java.util.HashSet<>();
        for (String b : backbone) if (b != null) placed.add(b);
        List<Row> placing = new ArrayList<>();
        for (Row r : rows) {
            if (!placed.contains(r.atom())) {
                for (String ref : new String[] {r.parent(), r.angleRef(), r.dihedralRef()}) {
                    if (!ref.startsWith("-") && !placed.contains(ref)) {
                        throw new IllegalStateException(name + ": row for " + r.atom() + " refers to " + ref + " before it is placed");
                    }
                }
                placed.add(r.atom());
            }
            placing.add(r);
        }
        if (!placed.equals(new java.util.HashSet<>(atoms))) {
            throw new IllegalStateException(name + ": rows place " + placed + ", template has " + atoms);
        }
        return new ResidueTemplate(name, nTerminal, cTerminal, atoms, backbone, placing, closures, ring5);
    }

    private static Row parseRow(String residue, String[] f) {
        if (f.length < 5) throw new IllegalStateException(residue + ": bad row " + String.join(" ", f));
        String t = f[4];
        String torsion = null;
        double offset;
        int sign = Math.max(t.indexOf('+', 1), t.indexOf('-', 1));
        if (Character.isLetter(t.charAt(0))) {
            torsion = sign < 0 ? t : t.substring(0, sign);
            offset = sign < 0 ? 0 : Double.parseDouble(t.substring(sign));
        } else {
            offset = Double.parseDouble(t);
        }
        double bond = Double.NaN;
        double angle = Double.NaN;
        for (int i = 5; i < f.length; i++) {
            if (f[i].startsWith("b=")) bond = Double.parseDouble(f[i].substring(2));
            else if (f[i].startsWith("a=")) angle = Double.parseDouble(f[i].substring(2));
            else throw new IllegalStateException(residue + ": bad row option " + f[i]);
        }
        return new Row(f[0], f[1], f[2], f[3], torsion, offset, bond, angle);
    }

    @Override
    public String toString() {
        return (nTerminal ? "N" : "") + (cTerminal ? "C" : "") + name.toUpperCase(Locale.ROOT);
    }

    /** Default rotamer (chi1..chi4, degrees) of a residue: the most common rotamer of each side chain. */
    static double[] defaultChi(String residue) {
        return DEFAULT_CHI.getOrDefault(residue, new double[] {-65, 180, 180, 180}).clone();
    }

    private static final Map<String, double[]> DEFAULT_CHI = new HashMap<>(Map.ofEntries(
            Map.entry("ARG", new double[] {-65, 180, 180, 180}),
            Map.entry("ASN", new double[] {-65, -40, 0, 0}),
            Map.entry("ASP", new double[] {-70, -15, 0, 0}),
            Map.entry("CYS", new double[] {-65, 0, 0, 0}),
            Map.entry("GLN", new double[] {-65, 180, -25, 0}),
            Map.entry("GLU", new double[] {-65, 180, -40, 0}),
            Map.entry("HID", new double[] {-65, -70, 0, 0}),
            Map.entry("HIE", new double[] {-65, -70, 0, 0}),
            Map.entry("HIP", new double[] {-65, -70, 0, 0}),
            Map.entry("ILE", new double[] {-65, 170, 0, 0}),
            Map.entry("LEU", new double[] {-65, 175, 0, 0}),
            Map.entry("LYS", new double[] {-65, 180, 180, 180}),
            Map.entry("MET", new double[] {-65, 180, -70, 0}),
            Map.entry("PHE", new double[] {-65, 95, 0, 0}),
            Map.entry("SER", new double[] {65, 0, 0, 0}),
            Map.entry("THR", new double[] {60, 0, 0, 0}),
            Map.entry("TRP", new double[] {-65, 95, 0, 0}),
            Map.entry("TYR", new double[] {-65, 95, 0, 0}),
            Map.entry("VAL", new double[] {175, 0, 0, 0})));
}
