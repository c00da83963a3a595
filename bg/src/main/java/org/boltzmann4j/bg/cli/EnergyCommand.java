package org.boltzmann4j.bg.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.systems.MolecularSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "energy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score configurations with OpenMM: potential energies (kJ/mol) and optionally forces (kJ/mol/nm).",
                "Coordinates: .npy (frames, atoms, 3) in nm, .pdb (all models) or .dcd."})
final class EnergyCommand implements Callable<Integer> {
    @Option(names = "--system", required = true, paramLabel = "NAME|FILE.xml",
            description = "Bundled system (aldp-implicit, aldp-vacuum, pro-dipeptide-vacuum) or an OpenMM System XML file.")
    String system;

    @Option(names = "--coords", required = true, paramLabel = "FILE", description = "Configurations: .npy (nm), .pdb or .dcd.")
    Path coords;

    @Option(names = "--out", required = true, paramLabel = "FILE.npy", description = "Energies in kJ/mol, float64, shape (frames,).")
    Path out;

    @Option(names = "--forces", paramLabel = "FILE.npy", description = "Also write forces in kJ/mol/nm, float64, shape (frames, atoms, 3).")
    Path forces;

    @Mixin EnergyOptions energyOptions;

    @Option(names = "--property", paramLabel = "NAME=VALUE", description = "Platform property, repeatable (e.g. --property Threads=1 on CPU).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        int threads = energyOptions.threads(); // bad usage is found before any work
        if (!out.toString().endsWith(".npy")) throw new Main.UsageException("--out must name a .npy file, got " + out);
        if (forces != null && !forces.toString().endsWith(".npy")) throw new Main.UsageException("--forces must name a .npy file, got " + forces);
        MolecularSystem molecular = MolecularSystem.resolve(system);
        Frames frames = Coordinates.load(coords);
        try (OpenMMEnergy energy = new OpenMMEnergy(molecular, energyOptions.platform, properties, threads)) {
            if (frames.atoms() != energy.numAtoms())
                throw new IllegalArgumentException(coords + ": " + frames.atoms() + " atoms per frame, the System " + molecular.name()
                        + " has " + energy.numAtoms());
            OpenMMEnergy.Scores scores;
            try (Progress progress = new Progress("energy", frames.frames(), "configs")) {
                scores = energy.score(frames.xyz(), frames.frames(), forces != null, progress::stepTo);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(coords + ": " + e.getMessage(), e);
            }
            Npy.write(out, scores.energies(), frames.frames());
            if (forces != null) Npy.write(forces, scores.forces(), frames.frames(), frames.atoms(), 3);
            System.err.printf("energy: %d configurations on %s (%d threads) -> %s%s%n", frames.frames(), energy.pool().platformName(),
                    energy.pool().threads(), out, forces != null ? ", " + forces : "");
        }
        return 0;
    }
}
