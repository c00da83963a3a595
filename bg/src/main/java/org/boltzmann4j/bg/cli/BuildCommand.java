package org.boltzmann4j.bg.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.forcefield.ForceField;
import org.boltzmann4j.bg.forcefield.NonbondedMethod;
import org.boltzmann4j.bg.forcefield.Solvent;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.peptide.BuildOptions;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.peptide.ParameterizedPeptide;
import org.boltzmann4j.bg.peptide.PeptideBuilder;
import org.boltzmann4j.bg.peptide.PeptideGeometry;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.peptide.Termini;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build a peptide from its sequence, or complete a PDB structure with hydrogens, and its force field's System."
                + " Writes DIR/structure.pdb (atom names of OpenMM's amber templates), DIR/system.xml (OpenMM XmlSerializer"
                + " System, no CMMotionRemover, no constraints) and DIR/topology.json (per atom: name, element, residue,"
                + " type, charge; bonds).",
                "Sequences: one-letter codes (KS; H = HIE) or three-letter names with dashes (ACE-ALA-NME, LYS-HID);"
                + " 1 to 10 residues, caps not counted; the 20 standard amino acids, histidine as HIE, HID or HIP.",
                "Geometry: the force field's equilibrium bond lengths and angles, trans peptide bonds, L amino acids,"
                + " natural THR and ILE; no clashes."})
final class BuildCommand implements Callable<Integer> {

    static final class Input {
        @Option(names = "--sequence", required = true, paramLabel = "SEQ", description = "One-letter codes (KS) or dashed three-letter names (ACE-ALA-NME).")
        String sequence;

        @Option(names = "--pdb", required = true, paramLabel = "FILE.pdb", description = "A structure made elsewhere: one chain of standard residues (caps allowed); missing hydrogens are added.")
        Path pdb;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--termini", paramLabel = "zwitterion|capped",
            description = "NH3+/COO- ends (the TBG datasets' form; default) or ACE/NME caps. Caps in --sequence imply capped.")
    String termini;

    @Option(names = "--forcefield", arity = "1..*", paramLabel = "NAME|FILE.xml",
            description = "amber14-all (default), amber99sbildn, or ffxml files (OpenMM's data folder or paths).")
    List<String> forcefield = new ArrayList<>(List.of("amber14-all"));

    @Option(names = "--solvent", paramLabel = "NAME",
            description = "vacuum (default); obc1, obc2, gbn2 (OpenMM's implicit/*.xml as CustomGBForce); gbsa-obc2"
                    + " (OpenMM's native GBSAOBCForce with OBC2 radii: the implicit solvent many-peptide MD can afford on"
                    + " CPUs, about 25x faster than obc1's CustomGBForce on a dipeptide); amber99_obc (with amber99sbildn).")
    String solvent = "vacuum";

    @Option(names = "--nonbonded", paramLabel = "nocutoff|cutoff-nonperiodic", description = "Nonbonded method (default nocutoff).")
    String nonbonded = "nocutoff";

    @Option(names = "--cutoff-nm", paramLabel = "NM", description = "Cutoff for cutoff-nonperiodic (default ${DEFAULT-VALUE}, the TBG datasets' setting).")
    double cutoffNm = 2.0;

    @Option(names = "--keep-atom-order", description = "With --pdb: a complete structure (every hydrogen present) is parameterised in its own atom order and names,"
            + " so that the System fits trajectories already made for that PDB (without it, atoms are renamed and reordered as the templates have them).")
    boolean keepAtomOrder;

    @Option(names = "--minimize", description = "Run OpenMM's local energy minimizer on the built System (Reference platform, tolerance 10 kJ/mol/nm) and write the minimized structure.")
    boolean minimize;

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
        ForceField.Options systemOptions;
        Sequence sequence = null;
        try {
            if (phiPsi != null) options = options.withPhiPsiDeg(BuildOptions.parsePhiPsi(phiPsi));
            systemOptions = ForceField.Options.defaults().withRemoveCMMotion(false)
                    .withSolvent(Solvent.fromCliName(solvent))
                    .withNonbonded(NonbondedMethod.fromCliName(nonbonded))
                    .withCutoffNm(cutoffNm);
            if (input.sequence != null) {
                Termini given = termini == null ? null : Termini.parse(termini, "--termini");
                sequence = Sequence.parse(input.sequence, given == null ? Termini.ZWITTERION : given);
                if (given == Termini.ZWITTERION && sequence.termini() == Termini.CAPPED) {
                    throw new IllegalArgumentException("--sequence " + input.sequence + " has caps but --termini is zwitterion");
                }
                if (given != null) sequence = sequence.withTermini(given);
            } else if (termini != null || phiPsi != null) {
                throw new IllegalArgumentException("--termini and --phi-psi apply to --sequence, not to --pdb");
            }
            if (keepAtomOrder && input.pdb == null) throw new IllegalArgumentException("--keep-atom-order applies to --pdb, not to --sequence");
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        List<String> files = forcefield.stream().map(ForceField::fileFor).toList();
        ForceField ff = ForceField.load(files);
        ParameterizedPeptide built;
        if (sequence != null) {
            built = PeptideBuilder.build(sequence, options, ff, systemOptions);
        } else {
            Pdb.Structure structure = Pdb.read(input.pdb);
            built = keepAtomOrder
                    ? new ParameterizedPeptide(new BuiltPeptide(structure.topology(), structure.frames().frame(0), List.of()),
                            ff.createSystem(structure.topology(), systemOptions))
                    : PeptideBuilder.complete(structure.topology(), structure.frames().frame(0), options, input.pdb.toString(),
                    ff, systemOptions);
        }
        if (minimize) built = PeptideBuilder.minimize(built, 10);
        // Everything is computed before the first write: bad input leaves DIR as it was.
        String topologyJson = built.topologyJson();
        Pdb.write(out.resolve("structure.pdb"), built.peptide().topology(), built.peptide().frames());
        AtomicFile.writeString(out.resolve("system.xml"), built.system().systemXml());
        AtomicFile.writeString(out.resolve("topology.json"), topologyJson);
        System.err.printf("build: %s, %d atoms, %s%s%s -> %s/{structure.pdb,system.xml,topology.json}%n",
                sequence != null ? sequence : input.pdb, built.peptide().topology().atomCount(), String.join(" ", forcefield),
                solvent.equals("vacuum") ? "" : " + " + solvent, minimize ? String.format(java.util.Locale.ROOT,
                        ", minimized (closest non-bonded pair %.3f nm)", PeptideGeometry.closestNonbondedNm(
                                built.peptide().topology(), built.peptide().positionsNm())) : "", out);
        return 0;
    }
}
