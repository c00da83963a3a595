package org.boltzmann4j.bg.tbg;

import org.boltzmann4j.bg.cnf.MeanFreeNormal;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.io.Topology;

/**
 * One peptide of the training data: its name (the sequence), topology, a reference structure (nm) and its MD
 * frames, held once as float32 rows of length 3N with the centre of each frame removed (the flow lives on the
 * centre-of-mass-free subspace; float32 halves the memory of many peptides' MD and is far below the 0.01 nm
 * path noise).
 */
public record TrainingMolecule(String name, Topology topology, double[] reference, int frames, float[] meanFreeRows) {

    public TrainingMolecule {
        int dim = 3 * topology.atomCount();
        if (reference.length != dim) throw new IllegalArgumentException(name + ": reference of " + reference.length / 3 + " atoms, topology " + topology.atomCount());
        if (frames < 1) throw new IllegalArgumentException(name + ": no frames");
        if (meanFreeRows.length != (long) frames * dim) throw new IllegalArgumentException(name + ": " + meanFreeRows.length + " values for " + frames + " frames of " + dim);
    }

    /** Centres every frame (per axis, mean over atoms; the unweighted centre, as the prior's subspace). */
    public static TrainingMolecule of(String name, Topology topology, double[] reference, Frames frames) {
        int atoms = topology.atomCount();
        if (frames.atoms() != atoms)
            throw new IllegalArgumentException(name + ": frames of " + frames.atoms() + " atoms, the structure has " + atoms);
        if (frames.frames() == 0) throw new IllegalArgumentException(name + ": no frames");
        double[] xyz = frames.xyz().clone();
        MeanFreeNormal.removeMean(xyz, 3 * atoms);
        float[] rows = new float[xyz.length];
        for (int i = 0; i < xyz.length; i++) rows[i] = (float) xyz[i];
        return new TrainingMolecule(name, topology, reference, frames.frames(), rows);
    }

    /** Subtracts each of the n rows' per-axis mean over atoms, in place ({@link MeanFreeNormal#removeMean(double[], int)}). */
    public int atoms() {
        return topology.atomCount();
    }

    /** Frame f (mean-free, nm) as doubles into {@code out} at {@code offset}, each coordinate divided by {@code scale}. */
    public void copyFrame(int f, double scale, double[] out, int offset) {
        int dim = 3 * atoms();
        for (int i = 0; i < dim; i++) out[offset + i] = meanFreeRows[f * dim + i] / scale;
    }

    /** Sum of squares of every coordinate and their count, for the data's RMS (the fitted coordinate scale). */
    double[] sumOfSquares() {
        double s = 0;
        for (float v : meanFreeRows) s += (double) v * v;
        return new double[] {s, meanFreeRows.length};
    }
}
