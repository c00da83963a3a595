package org.boltzmann4j.bg.tbg;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The frames of one training step: {@code size} draws, each a peptide uniformly at random (so every peptide
 * counts alike, whatever the length of its MD) and one of its frames uniformly, grouped by peptide (in the
 * peptides' order, each group in draw order) because the network runs on one molecule's graph at a time.
 */
public record MixedBatch(List<Group> groups) {

    /** The draws of one peptide: its index in the training data and the frames drawn. */
    public record Group(int molecule, int[] frames) {}

    /** @param framesPerMolecule the number of frames of each peptide */
    public static MixedBatch draw(int[] framesPerMolecule, int size, RandomGenerator rng) {
        if (size < 1) throw new IllegalArgumentException("--batch must be > 0, got " + size);
        int m = framesPerMolecule.length;
        int[] molecule = new int[size], frame = new int[size], count = new int[m];
        for (int b = 0; b < size; b++) {
            molecule[b] = rng.nextInt(m);
            frame[b] = rng.nextInt(framesPerMolecule[molecule[b]]);
            count[molecule[b]]++;
        }
        List<Group> groups = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            if (count[k] == 0) continue;
            int[] frames = new int[count[k]];
            for (int b = 0, j = 0; b < size; b++) if (molecule[b] == k) frames[j++] = frame[b];
            groups.add(new Group(k, frames));
        }
        return new MixedBatch(List.copyOf(groups));
    }

    /** Coordinates in the batch (sum over groups of rows x 3N): the count the loss is averaged over. */
    public long coordinates(int[] atomsPerMolecule) {
        long n = 0;
        for (Group g : groups) n += (long) g.frames().length * 3 * atomsPerMolecule[g.molecule()];
        return n;
    }

    public int size() {
        return groups.stream().mapToInt(g -> g.frames().length).sum();
    }
}
