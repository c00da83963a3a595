package org.boltzmann4j.bg.peptide;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A peptide's residues, N to C terminus, in amber's residue names (histidine as HIE, HID or HIP),
 * and its {@link Termini}. Caps are not residues here: ACE-ALA-NME is one residue, capped.
 *
 * <p>Text forms ({@link #parse}): one-letter codes without separators ({@code KS}, histidine
 * {@code H} = HIE), or three-letter names joined by dashes ({@code ACE-ALA-NME}, {@code LYS-HID};
 * HIS = HIE). Caps may only come first (ACE) and last (NME), both or neither. 1 to
 * {@value #MAX_RESIDUES} residues, caps not counted. A single residue needs caps: amber has no
 * template for a free amino acid (one that is N- and C-terminal at once).
 */
public record Sequence(List<String> residues, Termini termini) {

    /** The most residues a sequence may have (caps not counted). */
    public static final int MAX_RESIDUES = 10;

    /** One-letter code to amber residue name. */
    static final Map<Character, String> ONE_LETTER = Map.ofEntries(
            Map.entry('A', "ALA"), Map.entry('R', "ARG"), Map.entry('N', "ASN"), Map.entry('D', "ASP"),
            Map.entry('C', "CYS"), Map.entry('Q', "GLN"), Map.entry('E', "GLU"), Map.entry('G', "GLY"),
            Map.entry('H', "HIE"), Map.entry('I', "ILE"), Map.entry('L', "LEU"), Map.entry('K', "LYS"),
            Map.entry('M', "MET"), Map.entry('F', "PHE"), Map.entry('P', "PRO"), Map.entry('S', "SER"),
            Map.entry('T', "THR"), Map.entry('W', "TRP"), Map.entry('Y', "TYR"), Map.entry('V', "VAL"));

    /** The residue names a sequence may hold. */
    public static final Set<String> RESIDUE_NAMES = Set.of("ALA", "ARG", "ASN", "ASP", "CYS", "GLN", "GLU", "GLY",
            "HIE", "HID", "HIP", "ILE", "LEU", "LYS", "MET", "PHE", "PRO", "SER", "THR", "TRP", "TYR", "VAL");

    public Sequence {
        residues = List.copyOf(residues);
        if (residues.isEmpty()) {
            throw new IllegalArgumentException("--sequence is empty");
        }
        if (residues.size() > MAX_RESIDUES) {
            throw new IllegalArgumentException("--sequence has " + residues.size() + " residues, at most "
                    + MAX_RESIDUES + " are allowed (caps not counted)");
        }
        for (String r : residues) {
            if (!RESIDUE_NAMES.contains(r)) {
                throw new IllegalArgumentException("--sequence: unknown residue '" + r + "'");
            }
        }
        if (termini == null) {
            throw new IllegalArgumentException("termini must be given");
        }
        if (residues.size() == 1 && termini == Termini.ZWITTERION) {
            throw new IllegalArgumentException("--sequence " + residues.getFirst() + ": a single residue needs"
                    + " --termini capped (amber has no template for a free zwitterionic amino acid)");
        }
    }

    /**
     * Parses a sequence; caps in the text make it {@link Termini#CAPPED}, otherwise it is
     * {@code defaultTermini}.
     */
    public static Sequence parse(String text, Termini defaultTermini) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--sequence is empty");
        }
        List<String> names = new ArrayList<>();
        Termini termini = defaultTermini;
        if (s.contains("-")) {
            String[] tokens = s.split("-", -1);
            boolean ace = false;
            boolean nme = false;
            for (int i = 0; i < tokens.length; i++) {
                String t = tokens[i].strip().toUpperCase(Locale.ROOT);
                if (t.isEmpty()) {
                    throw new IllegalArgumentException("--sequence '" + text + "': empty residue name at position "
                            + (i + 1));
                }
                if (t.equals("ACE") || t.equals("NME")) {
                    boolean ok = t.equals("ACE") ? i == 0 : i == tokens.length - 1;
                    if (!ok) {
                        throw new IllegalArgumentException("--sequence '" + text + "': " + t + " may only be the "
                                + (t.equals("ACE") ? "first" : "last") + " name (it is a cap), found at position "
                                + (i + 1));
                    }
                    if (t.equals("ACE")) ace = true; else nme = true;
                    continue;
                }
                String name = t.equals("HIS") ? "HIE" : t;
                if (!RESIDUE_NAMES.contains(name)) {
                    throw new IllegalArgumentException("--sequence '" + text + "': unknown residue name '" + tokens[i].strip()
                            + "' at position " + (i + 1) + " (the 20 standard amino acids, HID/HIE/HIP, caps ACE and NME)");
                }
                names.add(name);
            }
            if (ace != nme) {
                throw new IllegalArgumentException("--sequence '" + text + "': " + (ace ? "ACE needs NME at the end"
                        : "NME needs ACE at the start") + " (caps come in pairs)");
            }
            if (ace) termini = Termini.CAPPED;
        } else {
            for (int i = 0; i < s.length(); i++) {
                char c = Character.toUpperCase(s.charAt(i));
                String name = ONE_LETTER.get(c);
                if (name == null) {
                    throw new IllegalArgumentException("--sequence '" + text + "': unknown one-letter code '" + s.charAt(i)
                            + "' at position " + (i + 1) + " (known: ACDEFGHIKLMNPQRSTVWY; use dashes for three-letter names)");
                }
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--sequence '" + text + "' has no residues between its caps");
        }
        return new Sequence(names, termini);
    }

    /** The same residues with other termini. */
    public Sequence withTermini(Termini newTermini) {
        return new Sequence(residues, newTermini);
    }

    /** Three-letter form with caps when capped, e.g. {@code ACE-ALA-NME} or {@code LYS-SER}. */
    @Override
    public String toString() {
        String body = String.join("-", residues);
        return termini == Termini.CAPPED ? "ACE-" + body + "-NME" : body;
    }
}
