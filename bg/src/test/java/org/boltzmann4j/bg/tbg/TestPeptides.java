package org.boltzmann4j.bg.tbg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.peptide.BuildOptions;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.peptide.PeptideBuilder;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.peptide.Termini;

/** Peptides for the tbg tests: built by the project's builder, or read from bundled PDB files. */
final class TestPeptides {

    private TestPeptides() {}

    /** A peptide built from a sequence text (one-letter codes are zwitterions; ACE-...-NME is capped). */
    static BuiltPeptide build(String sequence, long seed) {
        return PeptideBuilder.build(Sequence.parse(sequence, Termini.ZWITTERION), BuildOptions.defaults().withSeed(seed));
    }

    /** Alanine dipeptide as OpenMM wrote it (amber14 names: ACE H1/H2/H3, NME C). */
    static Pdb.Structure aldp() {
        return resource("/org/boltzmann4j/bg/systems/aldp-implicit.pdb");
    }

    /** The villin headpiece (35 residues, PDB names: N-terminal H/H2/H3, HB2/HB3, OXT). */
    static Pdb.Structure villin() {
        return resource("/org/boltzmann4j/bg/forcefield/structures/villin.pdb");
    }

    static Pdb.Structure resource(String path) {
        try (InputStream in = TestPeptides.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return Pdb.read(in, path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
