package org.boltzmann4j.bg.coordinates;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small molecule fixture from src/test/resources/coordinates: names ("RES:NAME"), elements,
 * coordinates in nm (atom-major) and bonds. The fixtures were written once from the bundled PDB
 * files (coordinates) and System XML files (bonds of the HarmonicBondForce).
 */
record TestMolecule(String[] names, String[] elements, double[] x, int[][] bonds) {

    int atoms() {
        return names.length;
    }

    static TestMolecule load(String resource) {
        List<String> names = new ArrayList<>();
        List<String> elements = new ArrayList<>();
        List<double[]> xyz = new ArrayList<>();
        List<int[]> bonds = new ArrayList<>();
        try (InputStream in = TestMolecule.class.getResourceAsStream("/coordinates/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("atom")) {
                    names.add(f[2] + ":" + f[1]);
                    elements.add(f[3]);
                    xyz.add(new double[] {Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])});
                } else if (f[0].equals("bond")) {
                    bonds.add(new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double[] x = new double[3 * xyz.size()];
        for (int a = 0; a < xyz.size(); a++) {
            System.arraycopy(xyz.get(a), 0, x, 3 * a, 3);
        }
        return new TestMolecule(names.toArray(String[]::new), elements.toArray(String[]::new), x,
                bonds.toArray(int[][]::new));
    }

    ZMatrix zMatrix() {
        return ZMatrix.fromBondGraph(atoms(), bonds, elements, names);
    }

    /** The same molecule with atom a renumbered to perm[a]. */
    TestMolecule permuted(int[] perm) {
        int n = atoms();
        String[] pn = new String[n];
        String[] pe = new String[n];
        double[] px = new double[3 * n];
        for (int a = 0; a < n; a++) {
            pn[perm[a]] = names[a];
            pe[perm[a]] = elements[a];
            System.arraycopy(x, 3 * a, px, 3 * perm[a], 3);
        }
        int[][] pb = new int[bonds.length][];
        for (int b = 0; b < bonds.length; b++) {
            // reversed and shuffled order too, to show that the bond list order does not matter
            pb[bonds.length - 1 - b] = new int[] {perm[bonds[b][1]], perm[bonds[b][0]]};
        }
        return new TestMolecule(pn, pe, px, pb);
    }
}
