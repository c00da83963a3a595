package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointSlotsTest {
    @TempDir Path dir;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theNewestIntactRecordWins() throws Exception {
        assertNull(CheckpointSlots.readLatest(dir, "ck"));
        assertFalse(CheckpointSlots.exists(dir, "ck"));
        try (CheckpointSlots slots = CheckpointSlots.open(dir, "ck")) {
            slots.write(text("first, a long record"), false);
            slots.write(text("second"), false);
            slots.write(text("third"), true);
        }
        assertArrayEquals(text("third"), CheckpointSlots.readLatest(dir, "ck"));
        // reopening continues the sequence
        try (CheckpointSlots slots = CheckpointSlots.open(dir, "ck")) {
            slots.write(text("fourth"), false);
        }
        assertArrayEquals(text("fourth"), CheckpointSlots.readLatest(dir, "ck"));
    }

    @Test
    void aTornWriteFallsBackToThePreviousRecord() throws Exception {
        try (CheckpointSlots slots = CheckpointSlots.open(dir, "ck")) {
            slots.write(text("one"), false); // slot a
            slots.write(text("two, which a kill will tear"), false); // slot b
        }
        // a kill in the middle of writing slot b: its payload is cut short
        Path b = dir.resolve("ck.b");
        byte[] bytes = Files.readAllBytes(b);
        Files.write(b, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertArrayEquals(text("one"), CheckpointSlots.readLatest(dir, "ck"));
        // a flipped bit is caught by the CRC as well
        bytes = Files.readAllBytes(dir.resolve("ck.a"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve("ck.a"), bytes);
        assertNull(CheckpointSlots.readLatest(dir, "ck"));
        CheckpointSlots.delete(dir, "ck");
        assertFalse(Files.exists(dir.resolve("ck.a")) || Files.exists(dir.resolve("ck.b")));
    }
}
