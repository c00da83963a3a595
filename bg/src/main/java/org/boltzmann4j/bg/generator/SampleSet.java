package org.boltzmann4j.bg.generator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Npy;

/**
 * Samples of a Boltzmann generator as saved by {@code bg sample}: samples.dcd (nm in the API,
 * Angstrom in the file as DCD demands), log_q.npy (model log-density of each sample, nats),
 * energies.npy (OpenMM potential energy, kJ/mol) and log_w.npy (importance log-weight
 * -U/kT - log q towards the Boltzmann distribution), all float64, one value per sample.
 */
public record SampleSet(Frames x, double[] logQ, double[] energies, double[] logW) {
    public static final String TRAJECTORY = "samples.dcd", LOG_Q = "log_q.npy", ENERGIES = "energies.npy", LOG_W = "log_w.npy";

    public SampleSet {
        int n = x.frames();
        if (logQ.length != n || energies.length != n || logW.length != n)
            throw new IllegalArgumentException(n + " samples but " + logQ.length + " log q, " + energies.length + " energies, " + logW.length + " log w");
    }

    public int size() {
        return x.frames();
    }

    /** Writes the four files (each atomically) into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        int n = size();
        Npy.write(dir.resolve(LOG_Q), logQ, n);
        Npy.write(dir.resolve(ENERGIES), energies, n);
        Npy.write(dir.resolve(LOG_W), logW, n);
        Dcd.write(dir.resolve(TRAJECTORY), x, Dcd.Timing.SAMPLES);
    }

    public static SampleSet read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such samples folder");
        Frames x = org.boltzmann4j.bg.io.Coordinates.load(dir.resolve(TRAJECTORY));
        double[] logQ = vector(dir.resolve(LOG_Q), x.frames());
        double[] energies = vector(dir.resolve(ENERGIES), x.frames());
        double[] logW = vector(dir.resolve(LOG_W), x.frames());
        return new SampleSet(x, logQ, energies, logW);
    }

    private static double[] vector(Path file, int n) throws IOException {
        var array = Npy.read(file);
        if (array.rank() != 1 || array.dim(0) != n)
            throw new MolecularFileException(file, "has shape " + java.util.Arrays.toString(array.shape()) + ", expected (" + n + ",) like samples.dcd");
        return array.asDoubles();
    }
}
