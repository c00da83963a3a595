package org.boltzmann4j.bg.tbg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.boltzmann4j.bg.dataset.Dataset;
import org.boltzmann4j.bg.dataset.PeptideSimulation;
import org.boltzmann4j.bg.dataset.Sequences;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.Pdb;

/**
 * The training data of a TBG: the peptides (in a fixed order: the split's or the dataset's), each with its
 * mean-free MD frames, and the settings their Systems were made with.
 */
public record TrainingData(List<TrainingMolecule> molecules, PeptideSystemSettings system, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public TrainingData {
        if (molecules.isEmpty()) throw new IllegalArgumentException(source + ": no training peptides");
        molecules = List.copyOf(molecules);
    }

    public List<String> sequences() {
        return molecules.stream().map(TrainingMolecule::name).toList();
    }

    public long frames() {
        return molecules.stream().mapToLong(TrainingMolecule::frames).sum();
    }

    /**
     * The RMS of all mean-free training coordinates (nm), every frame of every peptide weighted alike: the
     * coordinate scale that makes the data about as large as a unit prior.
     */
    public double rmsNm() {
        double s = 0, n = 0;
        for (TrainingMolecule m : molecules) {
            double[] q = m.sumOfSquares();
            s += q[0];
            n += q[1];
        }
        return Math.sqrt(s / n);
    }

    /**
     * The train sequences of a {@code bg dataset} folder: those of {@code split} (a split.json; null: DIR/split.json
     * if there is one), else every finished peptide (with DONE.json), in dataset order. Each one's
     * structure.pdb and trajectory.dcd are read; a sequence of the split that is not finished is refused.
     *
     * @param maxFrames at most this many frames per peptide, evenly strided over its trajectory (0: all)
     */
    public static TrainingData fromDataset(Path dir, Path split, int maxFrames) throws IOException {
        Dataset dataset = Dataset.read(dir);
        Path splitFile = split != null ? split : Files.isRegularFile(dir.resolve(Dataset.SPLIT)) ? dir.resolve(Dataset.SPLIT) : null;
        List<String> sequences = new ArrayList<>();
        boolean fromSplit = splitFile != null;
        if (fromSplit) {
            sequences.addAll(trainOf(splitFile));
        } else {
            for (String s : dataset.sequences())
                if (Files.isRegularFile(dir.resolve(s).resolve(PeptideSimulation.DONE))) sequences.add(s);
            if (sequences.isEmpty()) throw new IllegalArgumentException(dir + ": no finished peptide (none has " + PeptideSimulation.DONE + ")");
        }
        List<TrainingMolecule> molecules = new ArrayList<>();
        for (String s : sequences) {
            Path folder = dir.resolve(s);
            if (!Files.isRegularFile(folder.resolve(PeptideSimulation.DONE)))
                throw new IllegalArgumentException(folder + ": the split's train peptide " + s + " has not finished (no " + PeptideSimulation.DONE + ")");
            molecules.add(load(s, folder.resolve("structure.pdb"), folder.resolve("trajectory.dcd"), maxFrames));
        }
        return new TrainingData(molecules, PeptideSystemSettings.of(dataset.settings()), fromSplit ? splitFile.toString() : dir.toString());
    }

    /** One molecule: a structure and its frames (.dcd, .npy or .pdb, nm), e.g. alanine dipeptide's MD from bg md. */
    public static TrainingData single(Path pdb, Path frames, int maxFrames, PeptideSystemSettings system) throws IOException {
        String name = pdb.getFileName().toString().replaceFirst("\\.pdb$", "");
        return new TrainingData(List.of(load(name, pdb, frames, maxFrames)), system, pdb.toString());
    }

    static TrainingMolecule load(String name, Path pdb, Path frames, int maxFrames) throws IOException {
        if (maxFrames < 0) throw new IllegalArgumentException("--max-frames must be >= 0, got " + maxFrames);
        Pdb.Structure structure = Pdb.read(pdb);
        Coordinates.requireFinite(structure.frames(), pdb);
        Frames all = Coordinates.load(frames);
        if (all.frames() == 0) throw new MolecularFileException(frames, "holds no frames");
        if (all.atoms() != structure.topology().atomCount())
            throw new MolecularFileException(frames, "has " + all.atoms() + " atoms per frame, " + pdb + " has " + structure.topology().atomCount());
        Frames kept = stride(all, maxFrames);
        return TrainingMolecule.of(name, structure.topology(), structure.frames().frame(0), kept);
    }

    /** At most {@code max} frames, frame floor(i * n / max) for i = 0..max-1 (all when max is 0 or n <= max). */
    static Frames stride(Frames all, int max) {
        int n = all.frames();
        if (max == 0 || n <= max) return all;
        int dim = 3 * all.atoms();
        double[] out = new double[max * dim];
        for (int i = 0; i < max; i++) System.arraycopy(all.xyz(), (int) ((long) i * n / max) * dim, out, i * dim, dim);
        return new Frames(max, all.atoms(), out);
    }

    /** The "train" list of a split.json (as bg dataset split writes it). */
    static List<String> trainOf(Path splitFile) throws IOException {
        if (!Files.isRegularFile(splitFile)) throw new NoSuchFileException(splitFile.toString(), null, "no such split file");
        JsonNode root;
        try {
            root = JSON.readTree(splitFile.toFile());
        } catch (IOException e) {
            throw new MolecularFileException(splitFile, "not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        JsonNode train = root.path("train");
        if (!train.isArray() || train.isEmpty()) throw new MolecularFileException(splitFile, "has no \"train\" list of sequences");
        List<String> out = new ArrayList<>();
        for (JsonNode s : train) {
            try {
                out.add(Sequences.normalize(s.asText()));
            } catch (IllegalArgumentException e) {
                throw new MolecularFileException(splitFile, e.getMessage(), e);
            }
        }
        return out;
    }
}
