package org.boltzmann4j.bg.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Peptide sequences as {@code bg build --sequence} takes them: one-letter codes ({@code KS}) or
 * three-letter names with dashes ({@code ACE-ALA-NME}), 1 to 10 amino acids. Checked here before
 * any work starts, so that a typo in the 300th line costs nothing; the names are also the
 * dataset's folder names.
 */
public final class Sequences {
    private static final String ONE_LETTER = "ACDEFGHIKLMNPQRSTVWY";
    private static final Set<String> THREE_LETTER = Set.of("ALA", "CYS", "ASP", "GLU", "PHE", "GLY", "HIS", "HIE", "HID", "HIP", "ILE", "LYS",
            "LEU", "MET", "ASN", "PRO", "GLN", "ARG", "SER", "THR", "VAL", "TRP", "TYR");
    private static final Set<String> CAPS = Set.of("ACE", "NME");
    public static final int MAX_RESIDUES = 10;

    private Sequences() {}

    /** {@link #parse(String, String)} of the option --sequences. */
    public static List<String> parse(String spec) throws IOException {
        return parse(spec, "--sequences");
    }

    /**
     * A comma-separated list ({@code KS,AT}) or, when {@code spec} names an existing file, its
     * sequences (one per line or comma-separated; blank lines and {@code #} comments skipped).
     * A spec with a path separator or a dot that names no file is refused as a missing file (or a
     * folder), not read as sequences. Errors name the option or the file and line, and the sequence.
     *
     * @param option the option's name, for messages
     */
    public static List<String> parse(String spec, String option) throws IOException {
        Path file = Path.of(spec);
        boolean regular = !spec.contains(",") && Files.isRegularFile(file);
        // no sequence holds a path separator or a dot: such a spec names a file
        if (!regular && !spec.contains(",") && (spec.contains(java.io.File.separator) || spec.contains(".")))
            throw new IllegalArgumentException(option + " " + spec + (Files.isDirectory(file) ? ": a folder, not a file of sequences" : ": no such file"));
        if (regular) {
            List<String> out = new ArrayList<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).replaceFirst("#.*", "").strip();
                for (String s : line.split("[,\\s]+")) {
                    if (s.isEmpty()) continue;
                    try {
                        out.add(normalize(s));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
                    }
                }
            }
            if (out.isEmpty()) throw new IllegalArgumentException(file + ": holds no sequences");
            return checkDistinct(out, file.toString());
        }
        List<String> out = new ArrayList<>();
        for (String s : spec.split(",")) {
            try {
                out.add(normalize(s.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage());
            }
        }
        return checkDistinct(out, option);
    }

    /** One sequence in canonical form (upper case); unknown residues and bad lengths are refused. */
    public static String normalize(String sequence) {
        String s = sequence.strip().toUpperCase(Locale.ROOT);
        if (s.isEmpty()) throw new IllegalArgumentException("empty sequence");
        if (s.contains("-")) {
            String[] names = s.split("-", -1);
            int residues = 0;
            for (int i = 0; i < names.length; i++) {
                String name = names[i];
                boolean cap = CAPS.contains(name) && (name.equals("ACE") ? i == 0 : i == names.length - 1);
                if (!cap && !THREE_LETTER.contains(name))
                    throw new IllegalArgumentException("unknown residue '" + name + "' in " + sequence
                            + " (three-letter names of the 20 amino acids, HID/HIE/HIP, ACE first and NME last)");
                if (!cap) residues++;
            }
            checkLength(sequence, residues);
            return s;
        }
        for (int i = 0; i < s.length(); i++) {
            if (ONE_LETTER.indexOf(s.charAt(i)) < 0)
                throw new IllegalArgumentException("unknown residue '" + sequence.strip().charAt(i) + "' in " + sequence
                        + " (one-letter codes " + ONE_LETTER + ")");
        }
        checkLength(sequence, s.length());
        return s;
    }

    private static void checkLength(String sequence, int residues) {
        if (residues < 1 || residues > MAX_RESIDUES)
            throw new IllegalArgumentException(sequence + " has " + residues + " amino acids; 1 to " + MAX_RESIDUES + " are supported");
    }

    private static List<String> checkDistinct(List<String> sequences, String source) {
        Set<String> seen = new HashSet<>();
        for (String s : sequences) {
            if (!seen.add(s)) throw new IllegalArgumentException(source + ": " + s + " is listed twice");
        }
        return List.copyOf(sequences);
    }
}
