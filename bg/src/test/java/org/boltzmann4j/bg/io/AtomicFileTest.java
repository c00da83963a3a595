package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws IOException {
        Path file = dir.resolve("metrics.json");
        AtomicFile.writeString(file, "{\"a\": 1}");
        assertEquals("{\"a\": 1}", Files.readString(file));
        AtomicFile.write(file, out -> out.write("second".getBytes()));
        assertEquals("second", Files.readString(file));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path file = dir.resolve("model.npy");
        AtomicFile.writeString(file, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk on fire");
        }));
        assertEquals("disk on fire", e.getMessage());
        assertEquals("old", Files.readString(file));
        assertEquals(List.of(file), list(dir));
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(file, out -> {
            throw new IllegalStateException("bug");
        }));
        assertEquals(List.of(file), list(dir));
    }

    @Test
    void createsMissingDirectories() throws IOException {
        Path file = dir.resolve("run/out/samples.txt");
        AtomicFile.writeString(file, "x");
        assertEquals("x", Files.readString(file));
    }

    @Test
    void permissionsAreThoseOfAnOrdinaryNewFile() throws IOException {
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) == null) {
            return;
        }
        Path ordinary = Files.writeString(dir.resolve("ordinary"), "x");
        Path atomic = dir.resolve("atomic");
        AtomicFile.writeString(atomic, "x");
        assertEquals(Files.getPosixFilePermissions(ordinary), Files.getPosixFilePermissions(atomic));
    }

    @Test
    void closingTheStreamEarlyDoesNoHarm() throws IOException {
        Path file = dir.resolve("c.txt");
        AtomicFile.write(file, out -> {
            out.write('a');
            out.close();
        });
        assertEquals("a", Files.readString(file));
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
