package org.boltzmann4j.bg.io;

import java.util.Arrays;

/**
 * Coordinates of a trajectory or a set of samples: {@code frames} configurations of
 * {@code atoms} atoms, in nm, flat in C order (frame, atom, x/y/z), so frame f, atom a,
 * axis k is at {@code xyz[(f * atoms + a) * 3 + k]}.
 *
 * <p>The array is shared, not copied, because trajectories can be large: treat it as read-only
 * ({@link #frame(int)} gives a copy of one frame).
 */
public record Frames(int frames, int atoms, double[] xyz) {

    public Frames {
        if (frames < 0 || atoms < 0) {
            throw new IllegalArgumentException("negative size: " + frames + " frames, " + atoms + " atoms");
        }
        if ((long) frames * atoms * 3 != xyz.length) {
            throw new IllegalArgumentException(frames + " frames of " + atoms + " atoms need "
                    + (long) frames * atoms * 3 + " coordinates, got " + xyz.length);
        }
    }

    /** A single configuration. */
    public static Frames single(double[] xyz) {
        if (xyz.length % 3 != 0) {
            throw new IllegalArgumentException(xyz.length + " coordinates are not a multiple of 3");
        }
        return new Frames(1, xyz.length / 3, xyz);
    }

    /** The frames of several trajectories one after another; all must have the same atom count. */
    public static Frames concat(java.util.List<Frames> parts) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to concatenate");
        if (parts.size() == 1) return parts.get(0);
        int atoms = parts.get(0).atoms();
        long total = 0;
        for (Frames f : parts) {
            if (f.atoms() != atoms) throw new IllegalArgumentException("trajectories of " + atoms + " and " + f.atoms() + " atoms cannot be joined");
            total += f.frames();
        }
        if (total * atoms * 3 > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(total + " frames of " + atoms + " atoms are too many for one array");
        double[] xyz = new double[(int) (total * atoms * 3)];
        int at = 0;
        for (Frames f : parts) {
            System.arraycopy(f.xyz(), 0, xyz, at, f.xyz().length);
            at += f.xyz().length;
        }
        return new Frames((int) total, atoms, xyz);
    }

    /** Coordinates of one frame (a copy), length 3 * atoms. */
    public double[] frame(int f) {
        int n = atoms * 3;
        return Arrays.copyOfRange(xyz, f * n, f * n + n);
    }

    /** One coordinate: frame f, atom a, axis k (0, 1, 2 for x, y, z). */
    public double get(int f, int a, int k) {
        return xyz[(f * atoms + a) * 3 + k];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frames other && frames == other.frames && atoms == other.atoms
                && Arrays.equals(xyz, other.xyz);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * frames + atoms) + Arrays.hashCode(xyz);
    }

    @Override
    public String toString() {
        return "Frames[" + frames + " frames, " + atoms + " atoms]";
    }
}
