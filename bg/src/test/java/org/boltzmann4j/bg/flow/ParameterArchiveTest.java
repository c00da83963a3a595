package org.boltzmann4j.bg.flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.tensor.Batches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ParameterArchiveTest {
    @TempDir
    Path dir;

    private static Map<String, INDArray> parameters() {
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("w", Nd4j.create(new double[] {Math.PI, -1e-300, Double.MIN_VALUE, 7}, new long[] {2, 2}, DataType.DOUBLE));
        p.put("b", Nd4j.create(new float[] {1.5f, Float.MIN_VALUE, -3f}, new long[] {3}, 'c'));
        return p;
    }

    @Test
    void aFileAndAnArchiveInMemoryRoundTripBitForBit() throws IOException {
        Path file = dir.resolve("p.zip");
        ParameterArchive.write(file, JsonNodeFactory.instance.objectNode().put("format", "test").put("step", 3), parameters());
        byte[] bytes = ParameterArchive.archive(JsonNodeFactory.instance.objectNode().put("format", "test").put("step", 3), parameters(), Map.of());
        assertArrayEquals(bytes, Files.readAllBytes(file), "the file is the archive, byte for byte");
        for (var reader : List.of(ParameterArchive.Reader.open(file, "parameter archive"), ParameterArchive.Reader.of(bytes, file, "parameter archive"))) {
            assertEquals("test", reader.manifest().path("format").asText());
            assertEquals(3, reader.manifest().path("step").asInt());
            Map<String, INDArray> read = reader.parameters();
            assertEquals(List.of("w", "b"), List.copyOf(read.keySet()));
            assertEquals(DataType.DOUBLE, read.get("w").dataType());
            assertEquals(DataType.FLOAT, read.get("b").dataType());
            assertArrayEquals(new long[] {2, 2}, read.get("w").shape());
            assertArrayEquals(Batches.toDoubles(parameters().get("w")), Batches.toDoubles(read.get("w")), 0.0);
            assertArrayEquals(Batches.toDoubles(parameters().get("b")), Batches.toDoubles(read.get("b")), 0.0);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
    }

    @Test
    void corruptionNamesTheFileAndTheEntry() throws IOException {
        Path file = dir.resolve("p.zip");
        ParameterArchive.write(file, JsonNodeFactory.instance.objectNode().put("format", "test"), parameters());
        byte[] bytes = Files.readAllBytes(file);
        byte[] name = "parameters/w.npy".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(bytes, name) + name.length + 128 + 8; // inside w's values, past the .npy header
        byte[] flipped = bytes.clone();
        flipped[at] ^= 0x10;
        Path bad = dir.resolve("bad.zip");
        Files.write(bad, flipped);
        for (MolecularFileException e : List.of(
                assertThrows(MolecularFileException.class, () -> ParameterArchive.read(bad)),
                assertThrows(MolecularFileException.class, () -> ParameterArchive.Reader.of(flipped, bad, "parameter archive")))) {
            assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("parameters/w.npy") && e.getMessage().contains("corrupt"), e.getMessage());
        }
        Path cut = dir.resolve("cut.zip");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        MolecularFileException e = assertThrows(MolecularFileException.class, () -> ParameterArchive.read(cut));
        assertTrue(e.getMessage().startsWith(cut + ": ") && e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(MolecularFileException.class, () -> ParameterArchive.Reader.of("not a zip".getBytes(StandardCharsets.US_ASCII), cut, "checkpoint body"));
        assertTrue(e.getMessage().contains("not a readable checkpoint body"), e.getMessage());
        e = assertThrows(MolecularFileException.class, () -> ParameterArchive.read(dir.resolve("none.zip")));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
