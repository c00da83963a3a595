package org.boltzmann4j.bg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.BackboneAnalysis;
import org.boltzmann4j.bg.analysis.BackboneDihedrals;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.io.NpyArray;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Analyse a peptide trajectory or sample set by its backbone dihedrals.",
                "Backbone dihedrals from the PDB's bonds, Ramachandran free energy map, free energy along phi, populations",
                "of phi <= 0 and phi > 0 and dF between them (kT, bootstrap interval), phi",
                "transitions, autocorrelation time, energy histogram; reweighted when",
                "log-weights are given. Writes analysis.json, ramachandran.png,",
                "phi-free-energy.png/.csv and, with energies, energy-histogram.png."})
final class AnalyzeCommand implements Callable<Integer> {
    @Option(names = "--pdb", required = true, paramLabel = "FILE.pdb", description = "The molecule: atoms, residues and bonds.")
    Path pdb;

    @Option(names = "--traj", required = true, paramLabel = "FILE",
            description = "Frames in nm: .dcd, .npy (frames, atoms, 3) or .pdb (all models), atoms in the PDB's order.")
    Path traj;

    @Option(names = "--weights", paramLabel = "LOGW.npy",
            description = "Importance log-weights, one per frame (log w = -U/kT - log q), float64, shape (frames,).")
    Path weights;

    @Option(names = "--energies", paramLabel = "FILE.npy", description = "Potential energies in kJ/mol, one per frame, shape (frames,).")
    Path energies;

    @Option(names = "--temperature-k", defaultValue = "300", paramLabel = "K", description = "Temperature in K, for kT in kJ/mol (default: ${DEFAULT-VALUE}).")
    double temperatureK;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Report folder (created; files in it are replaced).")
    Path out;

    @Option(names = "--reference", paramLabel = "FILE",
            description = "A reference trajectory of the same molecule (MD, say; formats as --traj) whose phi profile is drawn beside the samples' one.")
    Path reference;

    @Option(names = "--residue", paramLabel = "NAME", description = "Residue to analyse, e.g. ALA2 (default: the first with phi and psi).")
    String residue;

    @Option(names = "--bins", defaultValue = "72", paramLabel = "N",
            description = "Bins per angle on [-180, 180] degrees for the Ramachandran map and the phi profile (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--bootstrap", defaultValue = "1000", paramLabel = "N", description = "Bootstrap resamples for the dF interval (default: ${DEFAULT-VALUE}).")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the bootstrap (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--core-margin-deg", defaultValue = "20", paramLabel = "DEG",
            description = "Distance of the transition core sets from phi = 0 and +-180 degrees (default: ${DEFAULT-VALUE}).")
    double coreMarginDeg;

    @Override
    public Integer call() throws Exception {
        if (!(temperatureK > 0) || Double.isInfinite(temperatureK)) throw new Main.UsageException("--temperature-k must be positive, got " + temperatureK);
        if (bins < 1 || bins > 3600) throw new Main.UsageException("--bins must be in 1..3600, got " + bins);
        if (bootstrap < 1) throw new Main.UsageException("--bootstrap must be >= 1, got " + bootstrap);
        if (!(coreMarginDeg >= 0 && coreMarginDeg < 90)) throw new Main.UsageException("--core-margin-deg must be in [0, 90), got " + coreMarginDeg);
        if (Files.exists(out) && !Files.isDirectory(out)) throw new MolecularFileException(out, "exists and is not a directory");
        BackboneAnalysis.Options options = new BackboneAnalysis.Options(residue, bins, BackboneAnalysis.Options.defaults().energyBins(),
                bootstrap, 0.95, seed, coreMarginDeg);

        Topology topology = Pdb.read(pdb).topology();
        if (BackboneDihedrals.pairs(topology).isEmpty())
            throw new MolecularFileException(pdb, "no residue with both phi and psi (backbone atoms N, CA, C bonded to neighbouring residues)");
        Frames frames = Coordinates.load(traj);
        if (frames.atoms() != topology.atomCount())
            throw new MolecularFileException(traj, frames.atoms() + " atoms per frame, " + pdb + " has " + topology.atomCount());
        if (frames.frames() == 0) throw new MolecularFileException(traj, "no frames");
        Frames referenceFrames = reference == null ? null : Coordinates.load(reference);
        if (referenceFrames != null && referenceFrames.atoms() != topology.atomCount())
            throw new MolecularFileException(reference, referenceFrames.atoms() + " atoms per frame, " + pdb + " has " + topology.atomCount());
        if (referenceFrames != null && referenceFrames.frames() == 0) throw new MolecularFileException(reference, "no frames");
        double[] logW = weights == null ? null : vector(weights, "log-weights", frames.frames());
        double[] e = energies == null ? null : vector(energies, "energies", frames.frames());

        BackboneAnalysis.Report report;
        try {
            report = BackboneAnalysis.analyze(topology, frames, logW, e, temperatureK, options, referenceFrames);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(blame(ex.getMessage()) + ": " + ex.getMessage(), ex);
        }
        report.write(out);
        var p = report.populations();
        System.out.printf(Locale.ROOT, "analyze: %d frames of %s%s: P(phi > 0) = %.4g, dF = %s kT, %d phi transitions -> %s%n",
                report.frames(), report.analysed().residue(), report.weighted() ? String.format(Locale.ROOT, " (reweighted, ESS %.1f)", report.ess()) : "",
                p.positive(), p.deltaFFinite() ? String.format(Locale.ROOT, "%.3f", p.deltaFKt()) : (p.deltaFKt() > 0 ? "+inf" : "-inf"),
                report.transitions(), out);
        return 0;
    }

    /** The file a problem found by the analysis is about. */
    private String blame(String message) {
        if (weights != null && (message.contains("log-weight") || message.contains("weight"))) return weights.toString();
        if (energies != null && message.contains("energ")) return energies.toString();
        if (message.contains("residue")) return pdb.toString();
        if (reference != null && message.contains("reference")) return reference.toString();
        return traj.toString();
    }

    /** A float vector of length n, shape (n,) or (n, 1). */
    private static double[] vector(Path file, String what, int n) throws IOException {
        NpyArray a = Npy.read(file);
        if (a.dtype() != NpyArray.DType.FLOAT64 && a.dtype() != NpyArray.DType.FLOAT32)
            throw new MolecularFileException(file, what + " must be float64 or float32, not " + a.dtype().name().toLowerCase(Locale.ROOT));
        int[] shape = a.shape();
        boolean vector = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
        if (!vector) throw new MolecularFileException(file, what + " of shape " + Arrays.toString(shape) + " (expected (frames,))");
        if (shape[0] != n) throw new MolecularFileException(file, shape[0] + " " + what + " for " + n + " frames");
        return a.asDoubles();
    }
}
