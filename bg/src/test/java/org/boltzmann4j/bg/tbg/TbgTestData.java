package org.boltzmann4j.bg.tbg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.boltzmann4j.bg.dataset.Dataset;
import org.boltzmann4j.bg.dataset.DatasetSettings;
import org.boltzmann4j.bg.dataset.PeptideSimulation;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Pdb;

/** Small bg dataset folders for the TBG's tests: real built peptides, "MD" frames of Gaussian jitter around the structure. */
final class TbgTestData {
    private TbgTestData() {}

    /**
     * DIR/dataset.json with the default settings, and per sequence DIR/SEQ/{structure.pdb, system.xml, trajectory.dcd}
     * (frames: the structure shifted by a random offset plus 0.005 nm jitter, seeded), and DONE.json for those marked done.
     */
    static Dataset dataset(Path dir, List<String> sequences, List<String> done, int frames) throws IOException {
        Dataset dataset = Dataset.create(dir, DatasetSettings.defaults(), sequences);
        PeptideSystemSettings system = PeptideSystemSettings.of(dataset.settings());
        for (String s : sequences) {
            TargetPeptide p = TargetPeptide.build(s, system);
            Path folder = dir.resolve(s);
            Files.createDirectories(folder);
            Pdb.write(folder.resolve("structure.pdb"), p.topology(), Frames.single(p.reference()));
            AtomicFile.writeString(folder.resolve("system.xml"), p.systemXml());
            Coordinates.save(folder.resolve("trajectory.dcd"), jitter(p.reference(), frames, s.hashCode()));
            if (done.contains(s)) AtomicFile.writeString(folder.resolve(PeptideSimulation.DONE), "{}\n");
        }
        return dataset;
    }

    static Frames jitter(double[] reference, int frames, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int dim = reference.length;
        double[] xyz = new double[frames * dim];
        for (int f = 0; f < frames; f++) {
            double[] shift = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
            for (int i = 0; i < dim; i++) xyz[f * dim + i] = reference[i] + shift[i % 3] + 0.005 * rng.nextGaussian();
        }
        return new Frames(frames, dim / 3, xyz);
    }
}
