package org.boltzmann4j.bg.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.peptide.BuildOptions;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.peptide.PeptideBuilder;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.peptide.Termini;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a peptide from its sequence (or complete a PDB structure with hydrogens) and write",
                "DIR/structure.pdb in the atom names of OpenMM's amber templates.",
                "Sequences: one-letter codes (KS; H = HIE) or three-letter names with dashes (ACE-ALA-NME, LYS-HID);",
                "1 to 10 residues, caps not counted; the 20 standard amino acids, histidine as HIE, HID or HIP."})
final class BuildCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = "--sequence", required = true, paramLabel = "SEQ", description = "One-letter codes (KS) or dashed three-letter names (ACE-ALA-NME).")
        String sequence;

        @Option(names = "--pdb", required = true, paramLabel = "FILE.pdb", description = "A structure made elsewhere: one chain of standard residues; missing hydrogens are added.")
        Path pdb;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--termini", paramLabel = "zwitterion|capped",
            description = "NH3+/COO- ends (the TBG datasets' form; default) or ACE/NME caps. Caps in --sequence imply capped.")
    String termini;

    @Option(names = "--phi-psi", paramLabel = "PHI,PSI[:PHI,PSI...]",
            description = "Backbone torsions in degrees: one pair for all residues or one per residue. Default: drawn from the beta and alpha_R regions.")
    String phiPsi;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the torsion and rotamer draws (default ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Override
    public Integer call() throws Exception {
        BuildOptions options = BuildOptions.defaults().withSeed(seed);
        try {
            if (phiPsi != null) options = options.withPhiPsiDeg(BuildOptions.parsePhiPsi(phiPsi));
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        BuiltPeptide peptide;
        if (input.sequence != null) {
            Sequence sequence;
            try {
                Termini given = termini == null ? null : Termini.parse(termini, "--termini");
                sequence = Sequence.parse(input.sequence, given == null ? Termini.ZWITTERION : given);
                if (given == Termini.ZWITTERION && sequence.termini() == Termini.CAPPED) {
                    throw new IllegalArgumentException("--sequence " + input.sequence + " has caps but --termini is zwitterion");
                }
                if (given != null) sequence = sequence.withTermini(given);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageException(e.getMessage());
            }
            peptide = PeptideBuilder.build(sequence, options);
        } else {
            if (termini != null || phiPsi != null) {
                throw new Main.UsageException("--termini and --phi-psi apply to --sequence, not to --pdb");
            }
            Pdb.Structure structure = Pdb.read(input.pdb);
            peptide = PeptideBuilder.complete(structure.topology(), structure.frames().frame(0), options, input.pdb.toString());
        }
        Path structure = out.resolve("structure.pdb");
        Pdb.write(structure, peptide.topology(), peptide.frames());
        System.err.printf("build: %d atoms -> %s%n", peptide.topology().atomCount(), structure);
        return 0;
    }
}
