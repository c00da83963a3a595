package org.boltzmann4j.bg.dataset;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The seeds of one peptide: a function of the dataset seed, the sequence and the stage only, so
 * that a peptide's trajectory does not depend on the engine, the order of the sequences or the
 * number of workers.
 *
 * <p>Each seed is the first 8 bytes (big-endian) of SHA-256 over the UTF-8 text
 * {@code "boltzmann4j-dataset/1\n" + datasetSeed + "\n" + sequence + "\n" + stage}, reduced to
 * 1 .. 2^31 - 1 (OpenMM reads a seed of 0 as "pick one at random", and {@code bg} seeds are
 * ints): {@code 1 + Long.remainderUnsigned(h, 2147483647)}. SHA-256 rather than
 * {@code String.hashCode} because it is the same in every language and version, so that a script
 * can recompute a seed, and because neighbouring sequences get unrelated seeds.
 *
 * @param build seed of {@code bg build} (backbone torsions)
 * @param equilibrate seed of the equilibration's velocities and Langevin noise
 * @param md seed of the production MD's velocities and Langevin noise
 */
public record PeptideSeeds(int build, int equilibrate, int md) implements Serializable {

    public static PeptideSeeds of(int datasetSeed, String sequence) {
        return new PeptideSeeds(seed(datasetSeed, sequence, "build"), seed(datasetSeed, sequence, "equilibrate"), seed(datasetSeed, sequence, "md"));
    }

    /** The seed of one stage (see the class comment for the formula). */
    public static int seed(int datasetSeed, String sequence, String stage) {
        long h = hash64("boltzmann4j-dataset/1\n" + datasetSeed + "\n" + sequence + "\n" + stage);
        return (int) (1 + Long.remainderUnsigned(h, Integer.MAX_VALUE));
    }

    /** The first 8 bytes of SHA-256 of the UTF-8 text, big-endian. */
    static long hash64(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
