package org.boltzmann4j.openmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The toy systems made by scripts/make-toy-systems.py and their closed-form energy. */
final class Toy {
    private Toy() {}

    static String xml(String name) {
        try (InputStream in = Toy.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OpenMMSystem triatomic() {
        return OpenMMSystem.fromXml(xml("triatomic.xml"));
    }

    /** A bent triatomic near its minimum, perturbed by the given seed. */
    static double[] configuration(long seed) {
        var random = new java.util.SplittableRandom(seed);
        double[] x = {0.10, 0.02, -0.01, 0.0, 0.0, 0.0, -0.04, 0.11, 0.01};
        for (int i = 0; i < x.length; i++) x[i] += 0.01 * (random.nextDouble() - 0.5);
        return x;
    }

    /** Bond, angle and wall energies (force groups 0, 1, 2), as written in make-toy-systems.py. */
    static double[] groupEnergies(double[] x) {
        double r01 = dist(x, 0, 1), r12 = dist(x, 1, 2);
        double bonds = 0.5 * 3.0e5 * sq(r01 - 0.1) + 0.5 * 2.0e5 * sq(r12 - 0.12);
        double dot = 0;
        for (int k = 0; k < 3; k++) dot += (x[k] - x[3 + k]) * (x[6 + k] - x[3 + k]);
        double theta = Math.acos(dot / (r01 * r12));
        double angle = 0.5 * 400.0 * sq(theta - 1.9);
        double wall = 0;
        for (double v : x) wall += 0.5 * 10.0 * v * v;
        return new double[] {bonds, angle, wall};
    }

    static double energy(double[] x) {
        double[] g = groupEnergies(x);
        return g[0] + g[1] + g[2];
    }

    private static double dist(double[] x, int i, int j) {
        double s = 0;
        for (int k = 0; k < 3; k++) s += sq(x[3 * i + k] - x[3 * j + k]);
        return Math.sqrt(s);
    }

    private static double sq(double v) {
        return v * v;
    }
}
