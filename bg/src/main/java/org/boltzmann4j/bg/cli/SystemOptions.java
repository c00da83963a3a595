package org.boltzmann4j.bg.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.systems.MolecularSystem;
import picocli.CommandLine.Option;

/** --system and --pdb, shared by the commands that simulate a molecule: the System and its structure. */
final class SystemOptions {
    @Option(names = "--system", required = true, paramLabel = "NAME|FILE.xml",
            description = "Bundled system (aldp-implicit, aldp-vacuum, pro-dipeptide-vacuum; double-well-3kT, -5kT, -8kT: one particle, --coordinates cartesian) or an OpenMM System XML file.")
    String system;

    @Option(names = "--pdb", paramLabel = "FILE.pdb", description = "Structure and topology (default: the bundled system's PDB).")
    Path pdb;

    private MolecularSystem molecular;

    MolecularSystem molecular() throws IOException {
        if (molecular == null) molecular = MolecularSystem.resolve(system);
        return molecular;
    }

    /** The --pdb file, or the bundled system's PDB; a System given as XML needs --pdb. */
    Pdb.Structure structure() throws IOException {
        if (pdb != null) {
            Pdb.Structure structure = Pdb.read(pdb);
            org.boltzmann4j.bg.io.Coordinates.requireFinite(structure.frames(), pdb); // "nan" parses as a PDB coordinate
            return structure;
        }
        MolecularSystem m = molecular();
        return Pdb.parse(m.pdb().orElseThrow(() -> new Main.UsageException("--pdb is required for a System given as an XML file")), source());
    }

    /** How error messages name the structure. */
    String source() throws IOException {
        return pdb != null ? pdb.toString() : molecular().name() + ".pdb";
    }
}
