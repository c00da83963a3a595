package org.boltzmann4j.bg.systems;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A molecular system as OpenMM sees it (name: the bundled name or the XML file's path): the System XML (force field, particles) and, when known,
 * a PDB with its topology and a reference structure.
 *
 * <p>Named systems ship with boltzmann4j (made by scripts/make-systems.py): alanine dipeptide
 * (ACE-ALA-NME, 22 atoms, amber99sbildn, NoCutoff, no constraints) in vacuum and in OBC implicit
 * solvent, and the proline dipeptide in vacuum (a molecule with a ring). Any other System is
 * given as a path to its XML file. The double wells (made by scripts/make-double-wells.py) are one
 * particle of 12 amu in U = A ((x/s)^2 - 1)^2 + K/2 (y^2 + z^2) with the barrier A = 3, 5 or 8 kT at
 * 300 K, s = 0.1 nm and K = 1000 kJ/mol/nm^2: two symmetric wells, each with half of the probability,
 * for training by energy (--coordinates cartesian) that must find both.
 */
public record MolecularSystem(String name, String systemXml, Optional<String> pdb) {

    /** The bundled systems, by name. */
    public static final List<String> BUNDLED = List.of("aldp-implicit", "aldp-vacuum", "pro-dipeptide-vacuum",
            "double-well-3kT", "double-well-5kT", "double-well-8kT");

    private static final String RESOURCES = "/org/boltzmann4j/bg/systems/";

    /** A bundled system by name, or a System XML file by path; errors name what was wrong. */
    public static MolecularSystem resolve(String nameOrPath) throws IOException {
        if (BUNDLED.contains(nameOrPath)) return bundled(nameOrPath);
        Path path = Path.of(nameOrPath);
        if (!nameOrPath.endsWith(".xml") && !Files.exists(path)) {
            throw new NoSuchFileException(nameOrPath, null,
                    "neither a bundled system (" + String.join(", ", BUNDLED) + ") nor an existing System XML file");
        }
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(nameOrPath, null, "no such System XML file");
        return new MolecularSystem(nameOrPath, Files.readString(path, StandardCharsets.UTF_8), Optional.empty());
    }

    public static MolecularSystem bundled(String name) throws IOException {
        if (!BUNDLED.contains(name)) throw new IllegalArgumentException("unknown bundled system '" + name + "' (known: " + String.join(", ", BUNDLED) + ")");
        return new MolecularSystem(name, resource(name + ".xml"), Optional.of(resource(name + ".pdb")));
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = MolecularSystem.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) throw new IOException("bundled file " + file + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
