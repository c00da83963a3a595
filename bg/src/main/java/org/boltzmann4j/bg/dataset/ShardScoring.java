package org.boltzmann4j.bg.dataset;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Npy;

/**
 * Scoring one shard of samples (.dcd, .npy in nm, .pdb) with OpenMM: its potential energies, in
 * kJ/mol, go next to it as {@code STEM.energies.npy} (atomically). {@link #scoreAll} scores a
 * worker's shards with one OpenMM Context per System, reused across the shards: the Context costs
 * more than scoring thousands of frames of a small peptide.
 *
 * @param systemName how messages name the System
 * @param systemXml the OpenMM System XML (carried along, so that a worker needs no copy)
 */
public record ShardScoring(String systemName, String systemXml, String shard, String platform) implements Serializable {

    /** What scoring a shard did; {@code newContext} when it had to make the Context it used. */
    public record Result(String shard, int frames, double seconds, boolean newContext) implements Serializable {}

    public Path output() {
        Path file = Path.of(shard);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".energies.npy");
    }

    /** Scores the shards in order, one Context per distinct System and platform. */
    public static List<Result> scoreAll(List<ShardScoring> shards) throws IOException {
        Map<String, OpenMMEnergy> contexts = new HashMap<>();
        List<Result> results = new ArrayList<>();
        try {
            for (ShardScoring s : shards) {
                long t0 = System.nanoTime();
                String key = s.platform + "\n" + s.systemXml;
                boolean fresh = !contexts.containsKey(key);
                OpenMMEnergy energy = contexts.computeIfAbsent(key, k -> new OpenMMEnergy(s.systemXml, s.platform, Map.of(), 1));
                Frames frames = Coordinates.load(Path.of(s.shard));
                if (frames.atoms() != energy.numAtoms())
                    throw new IllegalArgumentException(s.shard + ": " + frames.atoms() + " atoms per frame, the System " + s.systemName + " has " + energy.numAtoms());
                OpenMMEnergy.Scores scores;
                try {
                    scores = energy.score(frames.xyz(), frames.frames(), false, done -> {});
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(s.shard + ": " + e.getMessage(), e);
                }
                Npy.write(s.output(), scores.energies(), frames.frames());
                results.add(new Result(s.shard, frames.frames(), (System.nanoTime() - t0) / 1e9, fresh));
            }
        } finally {
            contexts.values().forEach(OpenMMEnergy::close);
        }
        return results;
    }
}
