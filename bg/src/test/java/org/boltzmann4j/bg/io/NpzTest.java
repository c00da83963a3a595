package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    @TempDir
    Path dir;

    private static Map<String, NpyArray> arrays() {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("positions", NpyArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 1, 2, 3));
        arrays.put("energies", NpyArray.ofFloats(new float[] {-1.5f, 2.5f}));
        arrays.put("indices", NpyArray.ofInts(new int[] {3, 1, 2}));
        return arrays;
    }

    @Test
    void storedAndCompressedRoundTripInOrder() throws IOException {
        Path stored = dir.resolve("a.npz");
        Path deflated = dir.resolve("b.npz");
        Npz.write(stored, arrays());
        Npz.writeCompressed(deflated, arrays());
        assertEquals(arrays(), Npz.read(stored));
        assertEquals(List.copyOf(arrays().keySet()), List.copyOf(Npz.read(stored).keySet()));
        assertEquals(arrays(), Npz.read(deflated));
        try (ZipFile zip = new ZipFile(stored.toFile())) {
            assertEquals(ZipEntry.STORED, zip.getEntry("positions.npy").getMethod());
        }
        try (ZipFile zip = new ZipFile(deflated.toFile())) {
            assertEquals(ZipEntry.DEFLATED, zip.getEntry("positions.npy").getMethod());
        }
    }

    @Test
    void sameArraysGiveSameBytes() throws IOException {
        Npz.write(dir.resolve("a.npz"), arrays());
        Npz.write(dir.resolve("b.npz"), arrays());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.npz")), Files.readAllBytes(dir.resolve("b.npz")));
    }

    @Test
    void readsNumpySavezAndSavezCompressed() throws IOException {
        for (String name : new String[] {"/io/numpy-savez.npz", "/io/numpy-savez-compressed.npz"}) {
            Map<String, NpyArray> read = Npz.read(Resources.get(name));
            assertEquals(List.of("a", "b"), List.copyOf(read.keySet()));
            assertArrayEquals(new int[] {2, 3}, read.get("a").shape());
            assertArrayEquals(new double[] {0, 1.5, 3, 4.5, 6, 7.5}, read.get("a").asDoubles());
            assertArrayEquals(new int[] {7, 8, 9, -10}, read.get("b").asInts());
        }
    }

    @Test
    void notAZipIsAClearError() throws IOException {
        Path file = dir.resolve("bad.npz");
        Files.writeString(file, "not a zip at all");
        MolecularFileException e = assertThrows(MolecularFileException.class, () -> Npz.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a NumPy .npz file"), e.getMessage());
    }

    @Test
    void aBadEntryIsNamed() throws IOException {
        Path file = dir.resolve("c.npz");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write("garbage".getBytes());
            zip.closeEntry();
        }
        NpyTest.assertMessage(file + "[x.npy]: not a NumPy file (bad magic)", () -> Npz.read(file));
    }
}
