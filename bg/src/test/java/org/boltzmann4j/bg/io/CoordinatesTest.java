package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatesTest {

    @TempDir
    Path dir;

    private static final double[] XYZ = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2};

    @Test
    void npyShapes() throws IOException {
        Npy.write(dir.resolve("a.npy"), XYZ, 2, 2, 3);
        Frames a = Coordinates.load(dir.resolve("a.npy"));
        assertEquals(new Frames(2, 2, XYZ), a);

        Npy.write(dir.resolve("b.npy"), XYZ, 4, 3);
        assertEquals(new Frames(1, 4, XYZ), Coordinates.load(dir.resolve("b.npy")));

        Npy.write(dir.resolve("c.npy"), XYZ, 2, 6);
        assertEquals(new Frames(2, 2, XYZ), Coordinates.load(dir.resolve("c.npy")));

        float[] f = new float[XYZ.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) XYZ[i];
        }
        Npy.writeFloat32(dir.resolve("d.NPY"), f, 2, 2, 3);
        Frames d = Coordinates.load(dir.resolve("d.NPY"));
        assertEquals(2, d.frames());
        assertEquals(0.7, d.get(1, 0, 0), 1e-7);
    }

    @Test
    void badShapesAndTypesAreClearErrors() throws IOException {
        Path bad = dir.resolve("bad.npy");
        Npy.write(bad, new double[8], 2, 4);
        NpyTest.assertMessage(bad + ": coordinates of shape [2, 4] (expected (frames, atoms, 3), (atoms, 3) or"
                + " (frames, 3 * atoms))", () -> Coordinates.load(bad));
        Path ints = dir.resolve("ints.npy");
        Npy.writeInt(ints, new int[6], 2, 3);
        NpyTest.assertMessage(ints + ": coordinates must be float64 or float32, not int32", () -> Coordinates.load(ints));
        Path xyz = dir.resolve("a.xyz");
        Files.writeString(xyz, "1\n\nC 0 0 0\n");
        NpyTest.assertMessage(xyz + ": unknown coordinate file type (expected .npy, .pdb or .dcd)",
                () -> Coordinates.load(xyz));
        MolecularFileException e = assertThrows(MolecularFileException.class,
                () -> Coordinates.save(dir.resolve("x.pdb"), new Frames(1, 4, XYZ)));
        assertTrue(e.getMessage().contains("needs a topology"));
    }

    @Test
    void pdbAndDcdDispatch() throws IOException {
        Frames frames = new Frames(2, 2, XYZ);
        Coordinates.save(dir.resolve("t.dcd"), frames);
        Frames dcd = Coordinates.load(dir.resolve("t.dcd"));
        for (int i = 0; i < XYZ.length; i++) {
            assertEquals(XYZ[i], dcd.xyz()[i], 1e-6);
        }
        Coordinates.save(dir.resolve("t.npy"), frames);
        assertArrayEquals(new int[] {2, 2, 3}, Npy.read(dir.resolve("t.npy")).shape());
        assertEquals(frames, Coordinates.load(dir.resolve("t.npy")));

        Path pdb = dir.resolve("aldp.pdb");
        Files.writeString(pdb, PdbTest.ALDP_NO_CONECT);
        Frames fromPdb = Coordinates.load(pdb);
        assertEquals(1, fromPdb.frames());
        assertEquals(22, fromPdb.atoms());
    }
}
