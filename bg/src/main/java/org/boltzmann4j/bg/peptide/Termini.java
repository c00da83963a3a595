package org.boltzmann4j.bg.peptide;

/** How a chain ends: charged amino and carboxyl groups, or acetyl and N-methyl amide caps. */
public enum Termini {
    /** NH3+ at the N terminus, COO- at the C terminus: the form of the TBG dipeptide datasets. */
    ZWITTERION,
    /** ACE before the first residue and NME after the last (alanine dipeptide is ACE-ALA-NME). */
    CAPPED;

    /** The option value ({@code zwitterion}, {@code capped}). */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses an option value; {@code option} names the option in the error. */
    public static Termini parse(String text, String option) {
        for (Termini t : values()) {
            if (t.optionName().equalsIgnoreCase(text.trim())) return t;
        }
        throw new IllegalArgumentException(option + " must be zwitterion or capped, got '" + text + "'");
    }
}
