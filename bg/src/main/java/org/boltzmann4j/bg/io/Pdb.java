package org.boltzmann4j.bg.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Protein Data Bank files: atoms, models and bonds, with coordinates in nm (PDB itself stores
 * Angstrom with three decimals, so a write and a read agree to 5e-5 nm).
 *
 * <p>Reading takes ATOM and HETATM records; every MODEL becomes a frame, and all models must
 * list the same atoms; only the first of alternate locations is kept. The element comes from
 * columns 77-78, else from the atom name (see {@link #elementOf}). CRYST1 gives the unit cell,
 * except the 1 Angstrom cube that marks "no cell". Bonds are the union of the CONECT records,
 * the residue templates (standard amino acids, ACE, NME, water, and peptide bonds within a
 * chain; applied whether or not CONECT records exist, since OpenMM writes CONECT only for
 * non-standard residues) and, for atoms covered by neither, bonds by distance; see
 * ResidueTemplates in this package, which logs when it has to guess by distance.
 *
 * <p>Writing follows the PDB format's columns exactly, as OpenMM's PDBFile does: atoms numbered
 * from 1 in file order (TER records take a number too), ATOM for standard amino acids and
 * nucleotides and HETATM for everything else, names of four characters from column 13 and
 * shorter ones from column 14 (column 13 for two-letter elements), coordinates as 8.3f Angstrom,
 * TER after each chain, MODEL/ENDMDL around each frame when there is more than one, CONECT
 * records for every bond (both directions, at most four partners per line; more than OpenMM
 * writes, so that any reader sees the bonds without templates), then END. Writes are atomic.
 */
public final class Pdb {

    // Dividing by 10 (not multiplying by 0.1) gives the double nearest the decimal nm value.
    private static final double ANGSTROM_PER_NM = 10;
    private static final int MAX_ATOMS = 99_999;

    /** The contents of a PDB file: topology, one frame per model (nm), and the unit cell if any. */
    public record Structure(Topology topology, Frames frames, Optional<UnitCell> unitCell) {
        public Structure {
            if (frames.atoms() != topology.atomCount()) {
                throw new IllegalArgumentException("frames have " + frames.atoms() + " atoms, topology "
                        + topology.atomCount());
            }
        }
    }

    private Pdb() {}

    /** Reads a PDB file. */
    public static Structure read(Path file) throws IOException {
        try (var channel = FileInput.open(file);
             Reader reader = new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.ISO_8859_1)) {
            return read(new BufferedReader(reader), file.toString());
        }
    }

    /** Reads PDB text from a stream (a class-path resource, say); {@code source} names it in errors. */
    public static Structure read(InputStream in, String source) throws IOException {
        return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1)), source);
    }

    /** Parses PDB text; {@code source} names it in errors. */
    public static Structure parse(String text, String source) throws IOException {
        return read(new BufferedReader(new StringReader(text)), source);
    }

    /** Writes one frame or several models, without a unit cell. */
    public static void write(Path file, Topology topology, Frames frames) throws IOException {
        write(file, topology, frames, null);
    }

    /** Writes one frame or several models, with a CRYST1 record when {@code unitCell} is not null. */
    public static void write(Path file, Topology topology, Frames frames, UnitCell unitCell) throws IOException {
        String text = format(file.toString(), topology, frames, unitCell);
        AtomicFile.writeString(file, text);
    }

    // ---------------------------------------------------------------- reading

    private static Structure read(BufferedReader reader, String source) throws IOException {
        List<Topology.Atom> atoms = new ArrayList<>();
        List<double[]> models = new ArrayList<>(); // Angstrom, one array per model
        ModelBuffer current = new ModelBuffer();
        Map<Integer, Integer> indexBySerial = new HashMap<>();
        Set<Integer> skippedSerials = new HashSet<>();
        List<int[]> conect = new ArrayList<>(); // serial pairs, with the line number in [2]
        BitSet chainBreakBefore = new BitSet();
        boolean terSeen = false;
        UnitCell cell = null;
        Topology.Atom residueKey = null; // the residue the last atom line was in
        Set<String> namesInResidue = new HashSet<>();
        String line;
        int lineNumber = 0;
        lines:
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            String record = (line.length() >= 6 ? line.substring(0, 6) : line).trim();
            switch (record) {
                case "ATOM", "HETATM" -> {
                    String padded = pad(line);
                    String name = padded.substring(12, 16);
                    char altLoc = padded.charAt(16);
                    String residueName = padded.substring(17, 21).trim();
                    String chain = padded.substring(21, 22).trim();
                    int residueNumber = parseInt(padded.substring(22, 26), source, lineNumber, "residue number");
                    String insertion = padded.substring(26, 27).trim();
                    boolean firstModel = models.isEmpty();
                    int serial = parseSerial(padded.substring(6, 11), atoms.size() + 1);
                    Topology.Atom key = new Topology.Atom(serial, name.trim(), "", residueName, residueNumber,
                            chain, insertion);
                    if (residueKey == null || !residueKey.sameResidueAs(key)) {
                        namesInResidue.clear();
                        residueKey = key;
                    }
                    // Alternate locations: keep the first of each atom, as OpenMM does.
                    if (!namesInResidue.add(key.name()) && altLoc != ' ') {
                        if (firstModel) {
                            skippedSerials.add(serial);
                        }
                        continue lines;
                    }
                    double x = parseNumber(padded.substring(30, 38), source, lineNumber, "x coordinate");
                    double y = parseNumber(padded.substring(38, 46), source, lineNumber, "y coordinate");
                    double z = parseNumber(padded.substring(46, 54), source, lineNumber, "z coordinate");
                    if (firstModel) {
                        String element = elementOf(padded.substring(76, 78), name, residueName);
                        Topology.Atom atom = new Topology.Atom(serial, name.trim(), element, residueName,
                                residueNumber, chain, insertion);
                        if (terSeen && !atoms.isEmpty() && atoms.getLast().chainId().equals(chain)) {
                            chainBreakBefore.set(atoms.size());
                        }
                        indexBySerial.putIfAbsent(serial, atoms.size());
                        atoms.add(atom);
                    } else {
                        checkSameAtom(atoms, current.size() / 3, key, models.size() + 1, source, lineNumber);
                    }
                    terSeen = false;
                    current.add(x, y, z);
                }
                case "MODEL" -> {
                    if (current.size() > 0) {
                        finishModel(models, current, atoms.size(), source);
                    }
                    residueKey = null;
                }
                case "ENDMDL" -> {
                    finishModel(models, current, atoms.size(), source);
                    residueKey = null;
                }
                case "TER" -> terSeen = true;
                case "CRYST1" -> cell = parseCell(pad(line), source, lineNumber);
                case "CONECT" -> {
                    String text = line.stripTrailing();
                    int from = parseInt(field(text, 6, 11), source, lineNumber, "CONECT atom serial");
                    for (int start = 11; start < text.length(); start += 5) {
                        String f = field(text, start, start + 5);
                        if (!f.isBlank()) {
                            int to = parseInt(f, source, lineNumber, "CONECT atom serial");
                            conect.add(new int[] {from, to, lineNumber});
                        }
                    }
                }
                case "END" -> {
                    break lines;
                }
                default -> { }
            }
        }
        if (current.size() > 0 || models.isEmpty()) {
            finishModel(models, current, atoms.size(), source);
        }
        if (atoms.isEmpty()) {
            throw new MolecularFileException(source, "no ATOM or HETATM records");
        }
        double[] xyz = new double[models.size() * atoms.size() * 3];
        for (int m = 0; m < models.size(); m++) {
            double[] model = models.get(m);
            for (int i = 0; i < model.length; i++) {
                xyz[m * model.length + i] = model[i] / ANGSTROM_PER_NM;
            }
        }
        BitSet inBondRecords = new BitSet(atoms.size());
        List<int[]> bonds = new ArrayList<>();
        for (int[] c : conect) {
            if (skippedSerials.contains(c[0]) || skippedSerials.contains(c[1])) {
                continue;
            }
            Integer i = indexBySerial.get(c[0]);
            Integer j = indexBySerial.get(c[1]);
            if (i == null || j == null) {
                throw new MolecularFileException(source, "line " + c[2] + ": CONECT names atom serial "
                        + (i == null ? c[0] : c[1]) + ", which is not in the file");
            }
            if (!i.equals(j)) {
                bonds.add(new int[] {i, j});
                inBondRecords.set(i);
                inBondRecords.set(j);
            }
        }
        bonds.addAll(ResidueTemplates.bonds(atoms, xyz, chainBreakBefore, inBondRecords, source));
        Topology topology = new Topology(atoms, bonds.toArray(new int[0][]));
        return new Structure(topology, new Frames(models.size(), atoms.size(), xyz), Optional.ofNullable(cell));
    }

    /** A growable array of one model's coordinates. */
    private static final class ModelBuffer {
        private double[] values = new double[3 * 64];
        private int size;

        void add(double x, double y, double z) {
            if (size + 3 > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = x;
            values[size++] = y;
            values[size++] = z;
        }

        int size() {
            return size;
        }

        double[] takeAll() {
            double[] out = Arrays.copyOf(values, size);
            size = 0;
            return out;
        }
    }

    private static void checkSameAtom(List<Topology.Atom> atoms, int index, Topology.Atom atom, int model,
                                      String source, int lineNumber) throws MolecularFileException {
        if (index >= atoms.size()) {
            throw new MolecularFileException(source, "line " + lineNumber + ": model " + model
                    + " has more atoms than model 1 (" + atoms.size() + ")");
        }
        Topology.Atom first = atoms.get(index);
        if (!first.name().equals(atom.name()) || !first.residueName().equals(atom.residueName())) {
            throw new MolecularFileException(source, "line " + lineNumber + ": atom " + (index + 1) + " of model "
                    + model + " is " + atom.name() + " " + atom.residueName() + ", in model 1 it is " + first.name()
                    + " " + first.residueName());
        }
    }

    private static void finishModel(List<double[]> models, ModelBuffer current, int atoms, String source)
            throws MolecularFileException {
        if (!models.isEmpty() && current.size() != atoms * 3) {
            throw new MolecularFileException(source, "model " + (models.size() + 1) + " has " + current.size() / 3
                    + " atoms, model 1 has " + atoms);
        }
        models.add(current.takeAll());
    }

    private static UnitCell parseCell(String line, String source, int lineNumber) throws MolecularFileException {
        double a = parseNumber(line.substring(6, 15), source, lineNumber, "CRYST1 a");
        double b = parseNumber(line.substring(15, 24), source, lineNumber, "CRYST1 b");
        double c = parseNumber(line.substring(24, 33), source, lineNumber, "CRYST1 c");
        double alpha = parseNumber(line.substring(33, 40), source, lineNumber, "CRYST1 alpha");
        double beta = parseNumber(line.substring(40, 47), source, lineNumber, "CRYST1 beta");
        double gamma = parseNumber(line.substring(47, 54), source, lineNumber, "CRYST1 gamma");
        // The PDB format asks NMR and model structures without a crystal cell to write a 1 A cube.
        if (a == 1 && b == 1 && c == 1) {
            return null;
        }
        try {
            return new UnitCell(a / ANGSTROM_PER_NM, b / ANGSTROM_PER_NM, c / ANGSTROM_PER_NM, alpha, beta, gamma);
        } catch (IllegalArgumentException e) {
            throw new MolecularFileException(source, "line " + lineNumber + ": bad CRYST1 record (" + e.getMessage() + ")");
        }
    }

    /**
     * The element of an atom: columns 77-78 if present; else, for residues with a template, the
     * first letter of the atom's template name; else by the PDB convention that the element is
     * right-justified in columns 13-14 of the name ("CA  " is calcium, " CA " an alpha carbon;
     * a digit in column 13 marks a hydrogen such as "1HB "). Empty if none of these gives a known
     * element.
     */
    static String elementOf(String columns77to78, String nameField, String residueName) {
        String given = columns77to78.trim();
        if (!given.isEmpty() && Character.isLetter(given.charAt(0))) {
            return capitalize(given.replaceAll("[^A-Za-z]", ""));
        }
        String fromTemplate = ResidueTemplates.elementFromTemplate(residueName, nameField);
        if (fromTemplate != null) {
            return fromTemplate;
        }
        String field = (nameField + "    ").substring(0, 4);
        char first = field.charAt(0);
        if (first == ' ' || Character.isDigit(first)) {
            return Character.isLetter(field.charAt(1)) ? capitalize(field.substring(1, 2)) : "";
        }
        // A four-character name starting with H is a hydrogen (HH31), not mercury or hafnium.
        if (first == 'H' && !field.contains(" ")) {
            return "H";
        }
        String two = capitalize(field.substring(0, 2).trim());
        if (two.length() == 2 && Character.isLetter(two.charAt(1)) && KNOWN_TWO_LETTER.contains(two)) {
            return two;
        }
        return Character.isLetter(first) ? capitalize(String.valueOf(first)) : "";
    }

    private static final Set<String> KNOWN_TWO_LETTER = Set.of(
            "He", "Li", "Be", "Ne", "Na", "Mg", "Al", "Si", "Cl", "Ar", "Ca", "Sc", "Ti", "Cr", "Mn", "Fe", "Co",
            "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Zr", "Mo", "Ru", "Rh", "Pd", "Ag",
            "Cd", "In", "Sn", "Sb", "Te", "Xe", "Cs", "Ba", "La", "Gd", "Pt", "Au", "Hg", "Tl", "Pb", "Bi");

    private static String capitalize(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String pad(String line) {
        return line.length() >= 80 ? line : line + " ".repeat(80 - line.length());
    }

    private static String field(String line, int start, int end) {
        return start >= line.length() ? "" : line.substring(start, Math.min(end, line.length()));
    }

    private static int parseSerial(String field, int fallback) {
        // Files beyond 99,999 atoms write hexadecimal or stars here; the order is what matters.
        try {
            return Integer.parseInt(field.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int parseInt(String field, String source, int lineNumber, String what)
            throws MolecularFileException {
        try {
            return Integer.parseInt(field.trim());
        } catch (NumberFormatException e) {
            throw new MolecularFileException(source, "line " + lineNumber + ": bad " + what + " '" + field.trim() + "'");
        }
    }

    private static double parseNumber(String field, String source, int lineNumber, String what)
            throws MolecularFileException {
        try {
            return Double.parseDouble(field.trim());
        } catch (NumberFormatException e) {
            throw new MolecularFileException(source, "line " + lineNumber + ": bad " + what + " '" + field.trim() + "'");
        }
    }

    // ---------------------------------------------------------------- writing

    static String format(String target, Topology topology, Frames frames, UnitCell cell)
            throws MolecularFileException {
        int n = topology.atomCount();
        if (frames.atoms() != n) {
            throw new IllegalArgumentException("frames have " + frames.atoms() + " atoms, topology " + n);
        }
        if (frames.frames() == 0 || n == 0) {
            throw new IllegalArgumentException("nothing to write: " + frames);
        }
        if (n > MAX_ATOMS) {
            throw new MolecularFileException(target, "a PDB file holds at most 99,999 atoms, this system has " + n
                    + " (write the coordinates as .npy or .dcd)");
        }
        List<Topology.Atom> atoms = topology.atoms();
        StringBuilder out = new StringBuilder(frames.frames() * n * 81 + 1024);
        out.append("REMARK   1 CREATED WITH BOLTZMANN4J\n");
        if (cell != null) {
            out.append(String.format(Locale.ROOT, "CRYST1%9.3f%9.3f%9.3f%7.2f%7.2f%7.2f P 1           1 \n",
                    cell.a() * ANGSTROM_PER_NM, cell.b() * ANGSTROM_PER_NM, cell.c() * ANGSTROM_PER_NM,
                    cell.alpha(), cell.beta(), cell.gamma()));
        }
        int[] serials = new int[n];
        for (int f = 0; f < frames.frames(); f++) {
            if (frames.frames() > 1) {
                out.append(String.format(Locale.ROOT, "MODEL     %4d\n", f + 1));
            }
            int serial = 1;
            for (int i = 0; i < n; i++) {
                Topology.Atom a = atoms.get(i);
                serials[i] = serial++;
                out.append(atomLine(target, a, serials[i], frames, f, i)).append('\n');
                boolean chainEnds = i == n - 1 || !atoms.get(i + 1).chainId().equals(a.chainId());
                if (chainEnds) {
                    out.append(String.format(Locale.ROOT, "TER   %5d      %3s %1s%4d%s", serial++,
                            a.residueName(), chainChar(target, a), a.residueNumber() % 10000,
                            a.insertionCode())).append('\n');
                }
            }
            if (frames.frames() > 1) {
                out.append("ENDMDL\n");
            }
        }
        writeConect(out, topology, serials);
        out.append("END\n");
        return out.toString();
    }

    private static String atomLine(String target, Topology.Atom a, int serial, Frames frames, int f, int i)
            throws MolecularFileException {
        double x = frames.get(f, i, 0) * ANGSTROM_PER_NM;
        double y = frames.get(f, i, 1) * ANGSTROM_PER_NM;
        double z = frames.get(f, i, 2) * ANGSTROM_PER_NM;
        for (double v : new double[] {x, y, z}) {
            // 8.3f leaves room for -999.999 .. 9999.999 Angstrom; beyond that columns would merge.
            if (!(v > -999.9995 && v < 9999.9995)) {
                throw new MolecularFileException(target, "coordinate " + v + " A of atom " + (i + 1) + " (frame "
                        + (f + 1) + ") does not fit the PDB format's 8.3f columns");
            }
        }
        if (a.name().length() > 4 || a.residueName().length() > 4) {
            throw new MolecularFileException(target, "atom " + (i + 1) + ": name '" + a.name() + "' or residue '"
                    + a.residueName() + "' is too long for PDB");
        }
        String record = ResidueTemplates.isStandardPolymerResidue(a.residueName()) ? "ATOM" : "HETATM";
        return String.format(Locale.ROOT, "%-6s%5d %-4s %-4s%1s%4d%1s   %8.3f%8.3f%8.3f%6.2f%6.2f          %2s  ",
                record, serial, alignedName(a), a.residueName(), chainChar(target, a), a.residueNumber() % 10000, insertion(a), x, y, z, 1.0, 0.0,
                a.element().toUpperCase(Locale.ROOT));
    }

    /** Four-character names start in column 13; shorter ones in column 14 unless the element has two letters. */
    static String alignedName(Topology.Atom a) {
        String name = a.name();
        if (name.length() >= 4 || a.element().length() == 2) {
            return String.format("%-4s", name);
        }
        return String.format(" %-3s", name);
    }

    private static String chainChar(String target, Topology.Atom a) throws MolecularFileException {
        if (a.chainId().length() > 1) {
            throw new MolecularFileException(target, "chain ID '" + a.chainId() + "' is longer than PDB's one character");
        }
        return a.chainId().isEmpty() ? " " : a.chainId();
    }

    private static String insertion(Topology.Atom a) {
        return a.insertionCode().isEmpty() ? " " : a.insertionCode().substring(0, 1);
    }

    private static void writeConect(StringBuilder out, Topology topology, int[] serials) {
        List<List<Integer>> partners = new ArrayList<>();
        for (int i = 0; i < topology.atomCount(); i++) {
            partners.add(new ArrayList<>());
        }
        for (int[] b : topology.bonds()) {
            partners.get(b[0]).add(b[1]);
            partners.get(b[1]).add(b[0]);
        }
        for (int i = 0; i < partners.size(); i++) {
            List<Integer> p = partners.get(i);
            p.sort(null);
            for (int start = 0; start < p.size(); start += 4) {
                out.append(String.format(Locale.ROOT, "CONECT%5d", serials[i]));
                for (int k = start; k < Math.min(start + 4, p.size()); k++) {
                    out.append(String.format(Locale.ROOT, "%5d", serials[p.get(k)]));
                }
                out.append('\n');
            }
        }
    }
}
