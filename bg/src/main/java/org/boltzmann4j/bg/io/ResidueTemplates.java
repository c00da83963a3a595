package org.boltzmann4j.bg.io;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Covalent bonds of a molecule read from a file without (complete) bond records.
 *
 * <p>Three sources, in this order:
 * <ol>
 *   <li>residue templates: the intra-residue bonds of the 20 standard amino acids (with the
 *       protonation variants amber names HID/HIE/HIP, CYX, ASH, GLH, LYN), the caps ACE and NME,
 *       and water, by atom name in the naming of OpenMM's amber force fields, with the usual
 *       alternatives (PDB's "1HB", "HN", OpenMM's H1/H2/H3 for the cap methyls, CHARMM's cap names);
 *       plus the peptide bond C(i)-N(i+1) between consecutive residues of one chain (a TER record
 *       or a new chain ID breaks a chain; distance is not checked, as in OpenMM) and S-S bonds
 *       between cysteine SG atoms closer than 0.3 nm;</li>
 *   <li>bond records of the file (CONECT), which the caller adds;</li>
 *   <li>distance, for every atom that neither a template nor a bond record covers: bonded to
 *       the heavy atoms closer than the sum of covalent radii (Cordero et al. 2008) plus
 *       0.045 nm, a hydrogen only to its nearest such atom; monatomic ions get no bonds. This is
 *       reported in the log (System.Logger "org.boltzmann4j.bg.io"), since a distance guess can
 *       be wrong in a strained or clashing structure.</li>
 * </ol>
 */
final class ResidueTemplates {

    private static final System.Logger LOG = System.getLogger("org.boltzmann4j.bg.io");

    /** Added to the sum of covalent radii for a distance bond, nm. */
    static final double TOLERANCE_NM = 0.045;
    /** OpenMM's limit for a disulfide bond between cysteine SG atoms, nm. */
    private static final double DISULFIDE_NM = 0.3;

    private record Template(String name, boolean aminoAcid, Set<String> atoms, List<String[]> bonds,
                            Map<String, String> aliases) {}

    private static final String BACKBONE = "N-H N-CA CA-C C-O C-OXT N-H1 N-H2 N-H3 CA-HA ";
    private static final String METHYLENE_B = "CA-CB CB-HB2 CB-HB3 ";

    private static final Map<String, Template> TEMPLATES = new HashMap<>();
    private static final Map<String, String> RESIDUE_ALIASES = Map.ofEntries(
            Map.entry("HID", "HIS"), Map.entry("HIE", "HIS"), Map.entry("HIP", "HIS"), Map.entry("HSD", "HIS"),
            Map.entry("HSE", "HIS"), Map.entry("HSP", "HIS"), Map.entry("HIH", "HIS"),
            Map.entry("CYX", "CYS"), Map.entry("CYM", "CYS"), Map.entry("ASH", "ASP"), Map.entry("GLH", "GLU"),
            Map.entry("LYN", "LYS"), Map.entry("NMA", "NME"),
            Map.entry("WAT", "HOH"), Map.entry("TIP3", "HOH"), Map.entry("TIP", "HOH"), Map.entry("SOL", "HOH"));
    // Alternatives every amino acid accepts (CHARMM termini, old PDB names).
    private static final Map<String, String> AMINO_ALIASES = Map.ofEntries(
            Map.entry("HN", "H"), Map.entry("HT1", "H1"), Map.entry("HT2", "H2"), Map.entry("HT3", "H3"),
            Map.entry("OT1", "O"), Map.entry("OC1", "O"), Map.entry("O1", "O"),
            Map.entry("OT2", "OXT"), Map.entry("OC2", "OXT"), Map.entry("OT", "OXT"), Map.entry("O2", "OXT"));
    private static final Set<String> MONATOMIC_IONS = Set.of(
            "Li", "Na", "K", "Rb", "Cs", "Mg", "Ca", "Sr", "Ba", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Cd",
            "F", "Cl", "Br", "I");
    /** Covalent radii, nm (Cordero et al., Dalton Trans. 2008, low-spin values for transition metals). */
    private static final Map<String, Double> COVALENT_RADIUS_NM = Map.ofEntries(
            Map.entry("H", 0.031), Map.entry("B", 0.084), Map.entry("C", 0.076), Map.entry("N", 0.071),
            Map.entry("O", 0.066), Map.entry("F", 0.057), Map.entry("Na", 0.166), Map.entry("Mg", 0.141),
            Map.entry("Al", 0.121), Map.entry("Si", 0.111), Map.entry("P", 0.107), Map.entry("S", 0.105),
            Map.entry("Cl", 0.102), Map.entry("K", 0.203), Map.entry("Ca", 0.176), Map.entry("Mn", 0.139),
            Map.entry("Fe", 0.132), Map.entry("Co", 0.126), Map.entry("Ni", 0.124), Map.entry("Cu", 0.132),
            Map.entry("Zn", 0.122), Map.entry("Se", 0.120), Map.entry("Br", 0.120), Map.entry("I", 0.139),
            Map.entry("Li", 0.128));
    private static final double UNKNOWN_RADIUS_NM = 0.076;

    static {
        amino("ALA", METHYLENE_B.replace("CB-HB2 CB-HB3", "CB-HB1 CB-HB2 CB-HB3"));
        amino("ARG", METHYLENE_B + "CB-CG CG-HG2 CG-HG3 CG-CD CD-HD2 CD-HD3 CD-NE NE-HE NE-CZ CZ-NH1 CZ-NH2"
                + " NH1-HH11 NH1-HH12 NH2-HH21 NH2-HH22");
        amino("ASN", METHYLENE_B + "CB-CG CG-OD1 CG-ND2 ND2-HD21 ND2-HD22");
        amino("ASP", METHYLENE_B + "CB-CG CG-OD1 CG-OD2 OD2-HD2");
        amino("CYS", METHYLENE_B + "CB-SG SG-HG");
        amino("GLN", METHYLENE_B + "CB-CG CG-HG2 CG-HG3 CG-CD CD-OE1 CD-NE2 NE2-HE21 NE2-HE22");
        amino("GLU", METHYLENE_B + "CB-CG CG-HG2 CG-HG3 CG-CD CD-OE1 CD-OE2 OE2-HE2");
        amino("GLY", "CA-HA2 CA-HA3");
        amino("HIS", METHYLENE_B + "CB-CG CG-ND1 CG-CD2 ND1-HD1 ND1-CE1 CE1-HE1 CE1-NE2 NE2-HE2 NE2-CD2 CD2-HD2");
        amino("ILE", "CA-CB CB-HB CB-CG1 CB-CG2 CG1-HG12 CG1-HG13 CG1-CD1 CG2-HG21 CG2-HG22 CG2-HG23"
                + " CD1-HD11 CD1-HD12 CD1-HD13", "CD", "CD1");
        amino("LEU", METHYLENE_B + "CB-CG CG-HG CG-CD1 CG-CD2 CD1-HD11 CD1-HD12 CD1-HD13 CD2-HD21 CD2-HD22"
                + " CD2-HD23");
        amino("LYS", METHYLENE_B + "CB-CG CG-HG2 CG-HG3 CG-CD CD-HD2 CD-HD3 CD-CE CE-HE2 CE-HE3 CE-NZ NZ-HZ1"
                + " NZ-HZ2 NZ-HZ3");
        amino("MET", METHYLENE_B + "CB-CG CG-HG2 CG-HG3 CG-SD SD-CE CE-HE1 CE-HE2 CE-HE3");
        amino("PHE", METHYLENE_B + "CB-CG CG-CD1 CG-CD2 CD1-HD1 CD1-CE1 CD2-HD2 CD2-CE2 CE1-HE1 CE1-CZ CE2-HE2"
                + " CE2-CZ CZ-HZ");
        amino("PRO", METHYLENE_B + "CB-CG CG-HG2 CG-HG3 CG-CD CD-HD2 CD-HD3 CD-N");
        amino("SER", METHYLENE_B + "CB-OG OG-HG", "HG1", "HG", "OG1", "OG");
        amino("THR", "CA-CB CB-HB CB-OG1 CB-CG2 OG1-HG1 CG2-HG21 CG2-HG22 CG2-HG23");
        amino("TRP", METHYLENE_B + "CB-CG CG-CD1 CG-CD2 CD1-HD1 CD1-NE1 NE1-HE1 NE1-CE2 CD2-CE2 CD2-CE3 CE2-CZ2"
                + " CE3-HE3 CE3-CZ3 CZ2-HZ2 CZ2-CH2 CZ3-HZ3 CZ3-CH2 CH2-HH2");
        amino("TYR", METHYLENE_B + "CB-CG CG-CD1 CG-CD2 CD1-HD1 CD1-CE1 CD2-HD2 CD2-CE2 CE1-HE1 CE1-CZ CE2-HE2"
                + " CE2-CZ CZ-OH OH-HH");
        amino("VAL", "CA-CB CB-HB CB-CG1 CB-CG2 CG1-HG11 CG1-HG12 CG1-HG13 CG2-HG21 CG2-HG22 CG2-HG23");
        // Caps: amber's names first; OpenMM's PDB names (CH3/H1..H3 for ACE, C/H1..H3 for NME) and
        // CHARMM's (CAY/HY1.., CAT/HT1..) as aliases.
        define("ACE", false, "CH3-C C-O CH3-HH31 CH3-HH32 CH3-HH33",
                "CA", "CH3", "CAY", "CH3", "CY", "C", "OY", "O",
                "H1", "HH31", "H2", "HH32", "H3", "HH33", "HY1", "HH31", "HY2", "HH32", "HY3", "HH33");
        define("NME", false, "N-H N-CH3 CH3-HH31 CH3-HH32 CH3-HH33",
                "C", "CH3", "CT", "CH3", "CAT", "CH3", "CA", "CH3", "NT", "N", "HN", "H", "HNT", "H",
                "H1", "HH31", "H2", "HH32", "H3", "HH33", "HT1", "HH31", "HT2", "HH32", "HT3", "HH33");
        define("HOH", false, "O-H1 O-H2", "OW", "O", "OH2", "O", "HW1", "H1", "HW2", "H2");
    }

    /** Residue names OpenMM writes as ATOM records (standard amino acids and nucleotides). */
    private static final Set<String> ATOM_RECORD_RESIDUES = Set.of(
            "ALA", "ASN", "CYS", "GLU", "HIS", "LEU", "MET", "PRO", "THR", "TYR", "ARG", "ASP", "GLN", "GLY",
            "ILE", "LYS", "PHE", "SER", "TRP", "VAL", "A", "G", "C", "U", "I", "DA", "DG", "DC", "DT", "DI");

    private ResidueTemplates() {}

    private static void amino(String name, String sideChain, String... aliases) {
        String backbone = name.equals("GLY") ? BACKBONE.replace("CA-HA ", "") : BACKBONE;
        define(name, true, backbone + sideChain, aliases);
    }

    private static void define(String name, boolean aminoAcid, String bonds, String... aliasPairs) {
        Set<String> atoms = new LinkedHashSet<>();
        List<String[]> pairs = new ArrayList<>();
        for (String bond : bonds.trim().split("\\s+")) {
            String[] ends = bond.split("-");
            atoms.add(ends[0]);
            atoms.add(ends[1]);
            pairs.add(ends);
        }
        Map<String, String> aliases = new HashMap<>();
        if (aminoAcid) {
            aliases.putAll(AMINO_ALIASES);
        }
        for (int i = 0; i < aliasPairs.length; i += 2) {
            aliases.put(aliasPairs[i], aliasPairs[i + 1]);
        }
        TEMPLATES.put(name, new Template(name, aminoAcid, Set.copyOf(atoms), List.copyOf(pairs), Map.copyOf(aliases)));
    }

    private static Template template(String residueName) {
        String name = residueName.trim().toUpperCase(Locale.ROOT);
        return TEMPLATES.get(RESIDUE_ALIASES.getOrDefault(name, name));
    }

    /** Whether OpenMM's PDB writer writes this residue's atoms as ATOM rather than HETATM. */
    static boolean isStandardPolymerResidue(String residueName) {
        return ATOM_RECORD_RESIDUES.contains(residueName.trim().toUpperCase(Locale.ROOT));
    }

    /** The template's name for an atom, or null if the residue has no template or lacks the atom. */
    private static String templateName(Template t, String atomName) {
        String name = atomName.trim().toUpperCase(Locale.ROOT);
        // PDB v2 names put the hydrogen's number first ("1HB"); the templates put it last.
        int digits = 0;
        while (digits < name.length() - 1 && Character.isDigit(name.charAt(digits))) {
            digits++;
        }
        if (digits > 0) {
            name = name.substring(digits) + name.substring(0, digits);
        }
        if (t.atoms().contains(name)) {
            return name;
        }
        String alias = t.aliases().get(name);
        if (alias != null && t.atoms().contains(alias)) {
            return alias;
        }
        // Methylene hydrogens numbered 1, 2 (old PDB, CHARMM) where amber numbers them 2, 3.
        if (name.endsWith("1")) {
            String three = name.substring(0, name.length() - 1) + "3";
            if (t.atoms().contains(three) && !t.atoms().contains(name)) {
                return three;
            }
        }
        return null;
    }

    /** The element of an atom of a templated residue (first letter of its template name), or null. */
    static String elementFromTemplate(String residueName, String atomName) {
        Template t = template(residueName);
        String name = t == null ? null : templateName(t, atomName);
        return name == null ? null : name.substring(0, 1);
    }

    /**
     * All bonds from templates, peptide links, disulfides and, for atoms outside both templates
     * and {@code inBondRecords}, distance.
     *
     * @param xyz coordinates of one frame, nm, for disulfides and distance bonds
     * @param chainBreakBefore atoms that start a new chain although the chain ID is unchanged (TER)
     */
    static List<int[]> bonds(List<Topology.Atom> atoms, double[] xyz, BitSet chainBreakBefore,
                             BitSet inBondRecords, String source) {
        List<int[]> bonds = new ArrayList<>();
        BitSet covered = new BitSet(atoms.size());
        List<Integer> sulfurs = new ArrayList<>();
        int previousC = -1;
        Topology.Residue previous = null;
        for (Topology.Residue r : new Topology(atoms).residues()) {
            Template t = template(r.name());
            Map<String, Integer> byName = new HashMap<>();
            if (t != null) {
                for (int i = r.firstAtom(); i < r.firstAtom() + r.atomCount(); i++) {
                    String name = templateName(t, atoms.get(i).name());
                    if (name != null && byName.putIfAbsent(name, i) == null) {
                        covered.set(i);
                    }
                }
                for (String[] b : t.bonds()) {
                    Integer i = byName.get(b[0]);
                    Integer j = byName.get(b[1]);
                    if (i != null && j != null) {
                        bonds.add(new int[] {i, j});
                    }
                }
            }
            boolean sameChain = previous != null && previous.chainId().equals(r.chainId())
                    && !chainBreakBefore.get(r.firstAtom());
            Integer n = byName.get("N");
            if (sameChain && previousC >= 0 && n != null) {
                bonds.add(new int[] {previousC, n});
            }
            previousC = byName.getOrDefault("C", -1);
            if (t != null && t.name().equals("CYS") && byName.containsKey("SG")) {
                sulfurs.add(byName.get("SG"));
            }
            previous = r;
        }
        for (int a = 0; a < sulfurs.size(); a++) {
            for (int b = a + 1; b < sulfurs.size(); b++) {
                if (distance(xyz, sulfurs.get(a), sulfurs.get(b)) < DISULFIDE_NM) {
                    bonds.add(new int[] {sulfurs.get(a), sulfurs.get(b)});
                }
            }
        }
        BitSet guessed = new BitSet(atoms.size());
        guessed.set(0, atoms.size());
        guessed.andNot(covered);
        guessed.andNot(inBondRecords);
        for (int i = guessed.nextSetBit(0); i >= 0; i = guessed.nextSetBit(i + 1)) {
            if (isMonatomicIon(atoms, i)) {
                guessed.clear(i); // an ion has no covalent bond to guess
            }
        }
        if (!guessed.isEmpty()) {
            bonds.addAll(distanceBonds(atoms, xyz, guessed));
            Set<String> residues = new TreeSet<>();
            guessed.stream().forEach(i -> residues.add(atoms.get(i).residueName()));
            LOG.log(Level.INFO, () -> source + ": " + guessed.cardinality()
                    + " atoms have no residue template or CONECT record (residues " + String.join(", ", residues)
                    + "); bonded them by distance (covalent radii + " + TOLERANCE_NM + " nm)");
        }
        return bonds;
    }

    private static double distance(double[] xyz, int i, int j) {
        double dx = xyz[3 * i] - xyz[3 * j];
        double dy = xyz[3 * i + 1] - xyz[3 * j + 1];
        double dz = xyz[3 * i + 2] - xyz[3 * j + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    static double covalentRadius(String element) {
        return COVALENT_RADIUS_NM.getOrDefault(element, UNKNOWN_RADIUS_NM);
    }

    /** Distance bonds of the atoms in {@code guessed}, found through a grid of cells. */
    private static List<int[]> distanceBonds(List<Topology.Atom> atoms, double[] xyz, BitSet guessed) {
        int n = atoms.size();
        double maxRadius = 0;
        for (int i = 0; i < n; i++) {
            maxRadius = Math.max(maxRadius, covalentRadius(atoms.get(i).element()));
        }
        double cell = 2 * maxRadius + TOLERANCE_NM;
        Map<Long, List<Integer>> grid = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (finite(xyz, i)) {
                grid.computeIfAbsent(cellKey(xyz, i, cell, 0, 0, 0), k -> new ArrayList<>()).add(i);
            }
        }
        List<int[]> bonds = new ArrayList<>();
        for (int i = guessed.nextSetBit(0); i >= 0; i = guessed.nextSetBit(i + 1)) {
            Topology.Atom a = atoms.get(i);
            boolean hydrogen = a.element().equals("H");
            if (!finite(xyz, i)) {
                continue;
            }
            int nearest = -1;
            double nearestDistance = Double.POSITIVE_INFINITY;
            for (int dx = -1; dx <= 1; dx++) {
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dz = -1; dz <= 1; dz++) {
                        for (int j : grid.getOrDefault(cellKey(xyz, i, cell, dx, dy, dz), List.of())) {
                            if (j == i || isMonatomicIon(atoms, j)) {
                                continue;
                            }
                            boolean otherHydrogen = atoms.get(j).element().equals("H");
                            double d = distance(xyz, i, j);
                            if (d >= covalentRadius(a.element()) + covalentRadius(atoms.get(j).element()) + TOLERANCE_NM) {
                                continue;
                            }
                            if (hydrogen) {
                                if (d < nearestDistance) {
                                    nearest = j;
                                    nearestDistance = d;
                                }
                            } else if (!otherHydrogen) {
                                // a hydrogen near a heavy atom decides its one bond itself, above
                                bonds.add(new int[] {i, j});
                            }
                        }
                    }
                }
            }
            if (nearest >= 0) {
                bonds.add(new int[] {i, nearest});
            }
        }
        return bonds;
    }

    private static boolean isMonatomicIon(List<Topology.Atom> atoms, int i) {
        Topology.Atom a = atoms.get(i);
        boolean alone = (i == 0 || !atoms.get(i - 1).sameResidueAs(a))
                && (i == atoms.size() - 1 || !atoms.get(i + 1).sameResidueAs(a));
        return alone && MONATOMIC_IONS.contains(a.element());
    }

    private static boolean finite(double[] xyz, int i) {
        return Double.isFinite(xyz[3 * i]) && Double.isFinite(xyz[3 * i + 1]) && Double.isFinite(xyz[3 * i + 2]);
    }

    private static long cellKey(double[] xyz, int i, double cell, int dx, int dy, int dz) {
        long x = (long) Math.floor(xyz[3 * i] / cell) + dx;
        long y = (long) Math.floor(xyz[3 * i + 1] / cell) + dy;
        long z = (long) Math.floor(xyz[3 * i + 2] / cell) + dz;
        return (x & 0x1fffff) << 42 | (y & 0x1fffff) << 21 | (z & 0x1fffff);
    }
}
