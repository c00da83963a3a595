package org.boltzmann4j.bg.peptide;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.boltzmann4j.bg.forcefield.ForceField;

/** Force-field files for error tests. */
public final class TestForceFields {

    private TestForceFields() {}

    /** OpenMM's amber99sbildn.xml without its lysine templates (LYS, NLYS, CLYS), written into dir. */
    public static Path withoutLysine(Path dir) throws IOException {
        String xml = Files.readString(ForceField.dataFolder().resolve("amber99sbildn.xml"));
        String stripped = xml.replaceAll("(?s)<Residue name=\"[NC]?LYS\">.*?</Residue>", "");
        if (stripped.equals(xml) || stripped.contains("name=\"LYS\"")) {
            throw new IllegalStateException("amber99sbildn.xml has no LYS template to remove");
        }
        Path file = dir.resolve("amber99sbildn-without-lys.xml");
        Files.writeString(file, stripped);
        return file;
    }
}
