package org.boltzmann4j.bg.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Loads and saves configurations whatever the file format, by extension, for the command line
 * and for anything else that takes "a file of coordinates".
 *
 * <ul>
 *   <li>.npy: float64 or float32, shaped (frames, atoms, 3), (atoms, 3) for one frame, or
 *       (frames, atoms * 3); values in nm. A 2-D array whose second axis is 3 is read as one
 *       frame of atoms, not as frames of one atom;</li>
 *   <li>.pdb: all models ({@link Pdb});</li>
 *   <li>.dcd: all frames ({@link Dcd}; a truncated file is an error).</li>
 * </ul>
 */
public final class Coordinates {

    private Coordinates() {}

    /**
     * Reads every frame of a .npy, .pdb or .dcd file, in nm, and refuses a file with a non-finite
     * coordinate in any atom of any frame ({@link #requireFinite}): a NaN at an atom no analysis
     * looks at would otherwise pass silently, and one that an energy or a flow sees poisons it.
     */
    public static Frames load(Path file) throws IOException {
        Frames frames = switch (extension(file)) {
            case "npy" -> fromNpy(Npy.read(file), file);
            case "pdb" -> Pdb.read(file).frames();
            case "dcd" -> Dcd.read(file).frames();
            default -> throw new MolecularFileException(file,
                    "unknown coordinate file type (expected .npy, .pdb or .dcd)");
        };
        return requireFinite(frames, file);
    }

    /** The frames, if every coordinate is finite; otherwise an error naming the file, the first such frame and atom. */
    public static Frames requireFinite(Frames frames, Path file) throws MolecularFileException {
        double[] xyz = frames.xyz();
        for (int i = 0; i < xyz.length; i++) {
            if (!Double.isFinite(xyz[i])) {
                int atom = i / 3 % frames.atoms(), frame = i / 3 / frames.atoms();
                throw new MolecularFileException(file, "non-finite coordinate in frame " + frame + ", atom " + atom + " (counted from 0): "
                        + "xyz".charAt(i % 3) + " = " + xyz[i]);
            }
        }
        return frames;
    }

    /**
     * Writes frames as .npy (float64, shaped (frames, atoms, 3)) or .dcd (no unit cell, frames
     * numbered 0, 1, ...), atomically. PDB needs a topology: use {@link Pdb#write}.
     */
    public static void save(Path file, Frames frames) throws IOException {
        switch (extension(file)) {
            case "npy" -> Npy.write(file, frames.xyz(), frames.frames(), frames.atoms(), 3);
            case "dcd" -> Dcd.write(file, frames, Dcd.Timing.SAMPLES);
            case "pdb" -> throw new MolecularFileException(file, "a PDB file needs a topology; write it with Pdb.write");
            default -> throw new MolecularFileException(file,
                    "unknown coordinate file type (expected .npy or .dcd)");
        }
    }

    private static Frames fromNpy(NpyArray array, Path file) throws MolecularFileException {
        if (array.dtype() != NpyArray.DType.FLOAT64 && array.dtype() != NpyArray.DType.FLOAT32) {
            throw new MolecularFileException(file, "coordinates must be float64 or float32, not "
                    + array.dtype().name().toLowerCase(Locale.ROOT));
        }
        int[] shape = array.shape();
        double[] xyz = array.dtype() == NpyArray.DType.FLOAT64 ? (double[]) array.storage() : array.asDoubles();
        if (shape.length == 3 && shape[2] == 3) {
            return new Frames(shape[0], shape[1], xyz);
        }
        if (shape.length == 2 && shape[1] == 3) {
            return new Frames(1, shape[0], xyz);
        }
        if (shape.length == 2 && shape[1] % 3 == 0 && shape[1] > 0) {
            return new Frames(shape[0], shape[1] / 3, xyz);
        }
        throw new MolecularFileException(file, "coordinates of shape " + Arrays.toString(shape)
                + " (expected (frames, atoms, 3), (atoms, 3) or (frames, 3 * atoms))");
    }

    private static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
