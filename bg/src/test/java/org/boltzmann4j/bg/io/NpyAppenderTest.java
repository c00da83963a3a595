package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyAppenderTest {
    @TempDir Path dir;

    @Test
    void rowsAppendAndTheFileIsValidAfterEach() throws Exception {
        Path file = dir.resolve("e.npy");
        try (NpyAppender a = NpyAppender.create(file, 2)) {
            assertArrayEquals(new int[] {0, 2}, Npy.read(file).shape());
            for (int i = 0; i < 1500; i++) {
                a.append(i, -i);
                if (i == 9 || i == 999) {
                    NpyArray read = Npy.read(file);
                    assertArrayEquals(new int[] {i + 1, 2}, read.shape());
                    assertEquals(-i, read.asDoubles()[2 * i + 1]);
                }
            }
        }
        assertEquals(1500, Npy.read(file).dim(0));
        // the header has the length numpy gives a file of that shape, byte for byte
        byte[] ours = Files.readAllBytes(file);
        Path plain = dir.resolve("plain.npy");
        Npy.write(plain, Npy.read(file).asDoubles(), 1500, 2);
        assertArrayEquals(Files.readAllBytes(plain), ours);
    }

    /** Several rows at once (the part of the buffer past {@code count} is not written) equal the same rows one by one. */
    @Test
    void rowsAppendedTogetherEqualRowsAppendedOneByOne() throws Exception {
        Path together = dir.resolve("together.npy"), single = dir.resolve("single.npy");
        try (NpyAppender a = NpyAppender.create(together, 2); NpyAppender b = NpyAppender.create(single, 2)) {
            a.appendRows(new double[] {1, 2, 3, 4, 99, 99}, 2);
            a.appendRows(new double[0], 0);
            a.appendRows(new double[] {5, 6}, 1);
            for (int i = 1; i <= 6; i += 2) b.append(i, i + 1);
            assertEquals(3, a.rows());
            assertThrows(IllegalArgumentException.class, () -> a.appendRows(new double[] {1, 2, 3}, 2));
        }
        assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(together));
    }

    @Test
    void reopenKeepsTheGivenRowsAndAppends() throws Exception {
        Path file = dir.resolve("e.npy");
        try (NpyAppender a = NpyAppender.create(file)) {
            for (int i = 0; i < 10; i++) a.append(i);
        }
        try (NpyAppender a = NpyAppender.append(file, 7)) {
            assertEquals(7, a.rows());
            a.append(100);
        }
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 100}, Npy.read(file).asDoubles(), 0.0);
        var e = assertThrows(MolecularFileException.class, () -> NpyAppender.append(file, 9));
        assertTrue(e.getMessage().contains("holds 8 rows, cannot keep 9"), e.getMessage());
        Npy.writeFloat32(dir.resolve("f.npy"), new float[3], 3);
        assertThrows(MolecularFileException.class, () -> NpyAppender.append(dir.resolve("f.npy"), 1));
    }
}
