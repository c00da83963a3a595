package org.boltzmann4j.bg.tbg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.forcefield.ForceField;
import org.boltzmann4j.bg.forcefield.NonbondedMethod;
import org.boltzmann4j.bg.forcefield.Solvent;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import org.boltzmann4j.bg.peptide.BuildOptions;
import org.boltzmann4j.bg.peptide.BuiltPeptide;
import org.boltzmann4j.bg.peptide.ParameterizedPeptide;
import org.boltzmann4j.bg.peptide.PeptideBuilder;
import org.boltzmann4j.bg.peptide.Sequence;
import org.boltzmann4j.bg.peptide.Termini;

/**
 * One peptide a TBG samples or scores: its topology (atom order and names as the force field's templates
 * have them), a reference structure (nm; the signs of its stereocentres define the right chirality) and its
 * OpenMM System as XML.
 */
public record TargetPeptide(String name, Topology topology, double[] reference, String systemXml) {

    public TargetPeptide {
        if (reference.length != 3 * topology.atomCount())
            throw new IllegalArgumentException(name + ": the structure has " + reference.length / 3 + " atoms, the topology " + topology.atomCount());
    }

    /**
     * Whether two sequence names are the same peptide in any notation ("GA", "gly-ala"); names that are not
     * sequences (a single molecule's file name) compare as written.
     */
    public static boolean sameSequence(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    private static String canonical(String name) {
        try {
            return Sequence.parse(org.boltzmann4j.bg.dataset.Sequences.normalize(name), Termini.ZWITTERION).toString();
        } catch (IllegalArgumentException e) {
            return name;
        }
    }

    public int atoms() {
        return topology.atomCount();
    }

    /** Built from its sequence exactly as {@code bg build --sequence} does with these settings (seed 1). */
    public static TargetPeptide build(String sequence, PeptideSystemSettings settings) {
        Sequence parsed = Sequence.parse(sequence, Termini.parse(settings.termini(), "termini"));
        ParameterizedPeptide built = PeptideBuilder.build(parsed, BuildOptions.defaults(), forceField(settings), systemOptions(settings));
        return new TargetPeptide(org.boltzmann4j.bg.dataset.Sequences.normalize(sequence), built.peptide().topology(), built.peptide().positionsNm(), built.system().systemXml());
    }

    /**
     * A peptide from a PDB file: with {@code systemXml} null, completed and parameterised as
     * {@code bg build --pdb} does; with a System given, taken as it is (its atoms in the file's order).
     */
    public static TargetPeptide fromPdb(Path pdb, PeptideSystemSettings settings, String systemXml) throws IOException {
        Pdb.Structure structure = Pdb.read(pdb);
        Coordinates.requireFinite(structure.frames(), pdb);
        if (systemXml != null) return new TargetPeptide(pdb.getFileName().toString(), structure.topology(), structure.frames().frame(0), systemXml);
        ParameterizedPeptide built = PeptideBuilder.complete(structure.topology(), structure.frames().frame(0), BuildOptions.defaults(),
                pdb.toString(), forceField(settings), systemOptions(settings));
        BuiltPeptide p = built.peptide();
        return new TargetPeptide(pdb.getFileName().toString(), p.topology(), p.positionsNm(), built.system().systemXml());
    }

    private static ForceField forceField(PeptideSystemSettings settings) {
        List<String> files = settings.forcefieldNames().stream().map(ForceField::fileFor).toList();
        return ForceField.load(files);
    }

    private static ForceField.Options systemOptions(PeptideSystemSettings s) {
        return ForceField.Options.defaults().withRemoveCMMotion(false).withSolvent(Solvent.fromCliName(s.solvent()))
                .withNonbonded(NonbondedMethod.fromCliName(s.nonbonded())).withCutoffNm(s.cutoffNm());
    }
}
