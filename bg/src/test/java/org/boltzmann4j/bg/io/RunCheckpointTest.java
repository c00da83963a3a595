package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCheckpointTest {
    @TempDir Path dir;

    @Test
    void theNewestRecordComesBackWithItsHeaderAndBody() throws Exception {
        try (RunCheckpoint c = RunCheckpoint.open(dir, "run.b4j", "test-run", 2, true)) {
            c.write(c.header().put("step", 10).put("dt_ps", 0.002), new byte[] {1, 2, 3}, false);
            c.write(c.header().put("step", 20).put("dt_ps", 0.002), new byte[] {4, 5}, true);
        }
        RunCheckpoint.Saved saved = RunCheckpoint.read(dir, "run.b4j", "test-run", 2);
        assertEquals(20, saved.header().path("step").asLong());
        assertEquals("test-run", saved.header().path("format").asText());
        assertEquals(2, saved.header().path("version").asInt());
        assertArrayEquals(new byte[] {4, 5}, saved.body());
        saved.requireSame("dt_ps", "--dt-ps", 0.002);
        var e = assertThrows(IllegalArgumentException.class, () -> saved.requireSame("step", "--steps", 30));
        assertEquals(dir.resolve("run.b4j") + ": the run was made with --steps 20, not 30; resume with the same settings", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> saved.requireSame("seed", "--seed", 1), "a setting the record lacks differs");
    }

    @Test
    void slotsOpenedButNeverWrittenHoldNoCheckpointAndAreNotCorrupt() throws Exception {
        // a run killed before its first checkpoint leaves both slot files empty
        RunCheckpoint.open(dir, "run.b4j", "test-run", 1, true).close();
        assertEquals(0, Files.size(dir.resolve("run.b4j.a")));
        assertEquals(0, Files.size(dir.resolve("run.b4j.b")));
        assertFalse(RunCheckpoint.exists(dir, "run.b4j"));
        assertFalse(RunCheckpoint.unreadable(dir, "run.b4j"));
        var none = assertThrows(NoSuchFileException.class, () -> RunCheckpoint.read(dir, "run.b4j", "test-run", 1));
        assertTrue(none.getMessage().contains("no checkpoint to resume from"), none.getMessage());
        Files.write(dir.resolve("run.b4j.b"), new byte[] {1, 2, 3}); // written, torn
        assertFalse(RunCheckpoint.exists(dir, "run.b4j"));
        assertTrue(RunCheckpoint.unreadable(dir, "run.b4j"));
        var corrupt = assertThrows(MolecularFileException.class, () -> RunCheckpoint.read(dir, "run.b4j", "test-run", 1));
        assertTrue(corrupt.getMessage().contains("both slots corrupt"), corrupt.getMessage());
    }

    @Test
    void anotherFormatANewerVersionNoneAndCorruptSlotsAreOneClearError() throws Exception {
        var none = assertThrows(NoSuchFileException.class, () -> RunCheckpoint.read(dir, "run.b4j", "test-run", 1));
        assertTrue(none.getMessage().contains("no checkpoint to resume from"), none.getMessage());
        try (RunCheckpoint c = RunCheckpoint.open(dir, "run.b4j", "test-run", 3, true)) {
            c.write(c.header(), new byte[0], true);
        }
        var other = assertThrows(MolecularFileException.class, () -> RunCheckpoint.read(dir, "run.b4j", "other-run", 3));
        assertTrue(other.getMessage().contains("not a other-run checkpoint") && other.getMessage().contains("'test-run' version 3"), other.getMessage());
        var newer = assertThrows(MolecularFileException.class, () -> RunCheckpoint.read(dir, "run.b4j", "test-run", 2));
        assertTrue(newer.getMessage().contains("version 1 to 2"), newer.getMessage());
        for (String slot : new String[] {"run.b4j.a", "run.b4j.b"}) {
            if (Files.size(dir.resolve(slot)) == 0) continue; // the slot not yet written
            byte[] bytes = Files.readAllBytes(dir.resolve(slot));
            bytes[bytes.length - 1] ^= 1;
            Files.write(dir.resolve(slot), bytes);
        }
        var corrupt = assertThrows(MolecularFileException.class, () -> RunCheckpoint.read(dir, "run.b4j", "test-run", 3));
        assertTrue(corrupt.getMessage().contains("both slots corrupt"), corrupt.getMessage());
    }
}
