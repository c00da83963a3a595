package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DcdTest {

    private static final int ATOMS = 5;
    private static final double FLOAT32 = 1e-6; // nm; float32 Angstrom keeps ~7 digits

    @TempDir
    Path dir;

    private static Frames randomFrames(int frames, long seed) {
        Random random = new Random(seed);
        double[] xyz = new double[frames * ATOMS * 3];
        for (int i = 0; i < xyz.length; i++) {
            xyz[i] = (random.nextDouble() - 0.5) * 6;
        }
        return new Frames(frames, ATOMS, xyz);
    }

    private static void assertClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "index " + i);
        }
    }

    @Test
    void roundTripWithoutUnitCell() throws IOException {
        Frames frames = randomFrames(6, 1);
        Path file = dir.resolve("t.dcd");
        Dcd.write(file, frames, new Dcd.Timing(100, 10, 0.002));
        Dcd.Trajectory t = Dcd.read(file);
        assertEquals(6, t.frames().frames());
        assertEquals(ATOMS, t.frames().atoms());
        assertClose(frames.xyz(), t.frames().xyz(), FLOAT32);
        assertTrue(t.unitCells().isEmpty());
        Dcd.Header h = t.header();
        assertEquals(6, h.frames());
        assertEquals(100, h.startStep());
        assertEquals(10, h.interval());
        assertEquals(160, h.lastStep());
        assertEquals(0.002, h.timestepPs(), 1e-9);
        assertFalse(h.hasUnitCell());
        assertEquals(276 + 6 * 3 * (8 + 4 * ATOMS), Files.size(file));
    }

    @Test
    void roundTripWithUnitCells() throws IOException {
        Frames frames = randomFrames(3, 2);
        List<UnitCell> cells = List.of(UnitCell.rectangular(3, 3.5, 4), new UnitCell(3, 3, 3, 70, 80, 100),
                new UnitCell(2.5, 2.6, 2.7, 90, 90, 120));
        Path file = dir.resolve("box.dcd");
        Dcd.write(file, frames, cells, Dcd.Timing.SAMPLES);
        Dcd.Trajectory t = Dcd.read(file);
        assertTrue(t.header().hasUnitCell());
        assertClose(frames.xyz(), t.frames().xyz(), FLOAT32);
        for (int f = 0; f < 3; f++) {
            UnitCell expected = cells.get(f);
            UnitCell read = t.unitCells().get(f);
            assertEquals(expected.a(), read.a(), 1e-12);
            assertEquals(expected.c(), read.c(), 1e-12);
            assertEquals(expected.alpha(), read.alpha(), 1e-9);
            assertEquals(expected.beta(), read.beta(), 1e-9);
            assertEquals(expected.gamma(), read.gamma(), 1e-9);
        }
        assertEquals(90.0, t.unitCells().getFirst().alpha());
    }

    @Test
    void headerFieldsSitWhereOpenMMPutsThem() throws IOException {
        Path file = dir.resolve("h.dcd");
        Dcd.write(file, randomFrames(4, 3), List.of(UnitCell.rectangular(1, 1, 1), UnitCell.rectangular(1, 1, 1),
                UnitCell.rectangular(1, 1, 1), UnitCell.rectangular(1, 1, 1)), new Dcd.Timing(1000, 500, 0.002));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(84, b.getInt(0));
        assertEquals("CORD", new String(b.array(), 4, 4));
        assertEquals(4, b.getInt(8));
        assertEquals(1000, b.getInt(12));
        assertEquals(500, b.getInt(16));
        assertEquals(3000, b.getInt(20));
        assertEquals((float) (0.002 / 0.04888821), b.getFloat(44));
        assertEquals(1, b.getInt(48));
        assertEquals(24, b.getInt(84));
        assertEquals(84, b.getInt(88));
        assertEquals(164, b.getInt(92));
        assertEquals(2, b.getInt(96));
        assertEquals(ATOMS, b.getInt(268));
        assertEquals(48, b.getInt(276));
        assertEquals(10.0, b.getDouble(280)); // a in Angstrom
        assertEquals(0.0, b.getDouble(288)); // cos(gamma)
    }

    @Test
    void writerKeepsHeaderFrameCountTrueAfterEveryFrame() throws IOException {
        Path file = dir.resolve("run.dcd");
        Frames frames = randomFrames(5, 4);
        try (DcdWriter w = DcdWriter.create(file, ATOMS, false, new Dcd.Timing(0, 50, 0.002))) {
            assertEquals(0, Dcd.readHeader(file).frames());
            for (int f = 0; f < 5; f++) {
                w.write(frames.frame(f));
                Dcd.Header h = Dcd.readHeader(file);
                assertEquals(f + 1, h.frames());
                assertEquals(50 * (f + 1), h.lastStep());
                assertEquals(f + 1, Dcd.read(file).frames().frames());
            }
            assertThrows(IllegalArgumentException.class, () -> w.write(new double[3]));
            assertThrows(IllegalArgumentException.class, () -> w.write(frames.frame(0), UnitCell.rectangular(1, 1, 1)));
        }
        assertClose(frames.xyz(), Dcd.read(file).frames().xyz(), FLOAT32);
    }

    @Test
    void appendContinuesAnExistingFile() throws IOException {
        Path file = dir.resolve("a.dcd");
        Frames frames = randomFrames(7, 5);
        List<UnitCell> cells = new ArrayList<>();
        for (int f = 0; f < 7; f++) {
            cells.add(UnitCell.rectangular(3 + 0.1 * f, 3, 3));
        }
        try (DcdWriter w = DcdWriter.create(file, ATOMS, true, new Dcd.Timing(10, 2, 0.001))) {
            for (int f = 0; f < 4; f++) {
                w.write(frames.frame(f), cells.get(f));
            }
        }
        try (DcdWriter w = DcdWriter.append(file, ATOMS)) {
            assertEquals(4, w.frames());
            for (int f = 4; f < 7; f++) {
                w.write(frames.frame(f), cells.get(f));
            }
        }
        Dcd.Trajectory t = Dcd.read(file);
        assertEquals(7, t.header().frames());
        assertEquals(10, t.header().startStep());
        assertEquals(10 + 7 * 2, t.header().lastStep());
        assertClose(frames.xyz(), t.frames().xyz(), FLOAT32);
        for (int f = 0; f < 7; f++) {
            assertEquals(cells.get(f).a(), t.unitCells().get(f).a(), 1e-12);
        }
    }

    @Test
    void truncateThenAppendForAResumedRun() throws IOException {
        Path file = dir.resolve("resume.dcd");
        Frames first = randomFrames(6, 6);
        Frames second = randomFrames(3, 7);
        Dcd.write(file, first, new Dcd.Timing(0, 100, 0.002));
        try (DcdWriter w = DcdWriter.append(file, ATOMS, 4)) {
            assertEquals(4, w.frames());
            assertEquals(4, Dcd.readHeader(file).frames());
            for (int f = 0; f < 3; f++) {
                w.write(second.frame(f));
            }
        }
        Dcd.Trajectory t = Dcd.read(file);
        assertEquals(7, t.frames().frames());
        assertEquals(700, t.header().lastStep());
        double[] expected = new double[7 * ATOMS * 3];
        System.arraycopy(first.xyz(), 0, expected, 0, 4 * ATOMS * 3);
        System.arraycopy(second.xyz(), 0, expected, 4 * ATOMS * 3, 3 * ATOMS * 3);
        assertClose(expected, t.frames().xyz(), FLOAT32);
        assertEquals(276 + 7 * 3 * (8 + 4 * ATOMS), Files.size(file));

        MolecularFileException e = assertThrows(MolecularFileException.class, () -> DcdWriter.append(file, ATOMS, 8));
        assertEquals(file + ": cannot keep 8 frames: it holds 7 complete frames", e.getMessage());
        e = assertThrows(MolecularFileException.class, () -> DcdWriter.append(file, ATOMS + 1));
        assertEquals(file + ": holds 5 atoms, not 6", e.getMessage());
    }

    @Test
    void aKilledWritersPartialFrameIsIgnoredAndAppendDropsIt() throws IOException {
        Path file = dir.resolve("killed.dcd");
        Frames frames = randomFrames(3, 8);
        Dcd.write(file, frames, Dcd.Timing.SAMPLES);
        // A writer killed half-way through frame 4: bytes appended, header not yet updated.
        Files.write(file, new byte[37], StandardOpenOption.APPEND);
        assertEquals(3, Dcd.read(file).frames().frames());
        try (DcdWriter w = DcdWriter.append(file, ATOMS)) {
            assertEquals(3, w.frames());
            w.write(frames.frame(0));
        }
        Dcd.Trajectory t = Dcd.read(file);
        assertEquals(4, t.frames().frames());
        assertClose(frames.frame(0), t.frames().frame(3), FLOAT32);
    }

    @Test
    void truncatedFileIsAnErrorNamingTheFrameOrGivesCompleteFrames() throws IOException {
        Path file = dir.resolve("trajectory.dcd");
        Frames frames = randomFrames(20, 9);
        Dcd.write(file, frames, Dcd.Timing.SAMPLES);
        long frameBytes = 3 * (8 + 4 * ATOMS);
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.truncate(276 + 12 * frameBytes + 10);
        }
        MolecularFileException e = assertThrows(MolecularFileException.class, () -> Dcd.read(file));
        assertEquals(file + ": truncated at frame 13 of 20 (12 complete frames)", e.getMessage());
        Dcd.Trajectory complete = Dcd.read(file, true);
        assertEquals(12, complete.frames().frames());
        assertEquals(20, complete.header().frames());
        assertClose(Arrays.copyOf(frames.xyz(), 12 * ATOMS * 3), complete.frames().xyz(), FLOAT32);
    }

    @Test
    void badFilesGiveClearErrors() throws IOException {
        Path text = dir.resolve("text.dcd");
        Files.writeString(text, "this is not a trajectory at all, not even close to one");
        MolecularFileException e = assertThrows(MolecularFileException.class, () -> Dcd.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not a DCD file"), e.getMessage());

        Path file = dir.resolve("marker.dcd");
        Dcd.write(file, randomFrames(2, 10), Dcd.Timing.SAMPLES);
        byte[] bytes = Files.readAllBytes(file);
        long frameBytes = 3 * (8 + 4 * ATOMS);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) (276 + frameBytes + 4 + 4 * ATOMS + 4), 99);
        Files.write(file, bytes);
        e = assertThrows(MolecularFileException.class, () -> Dcd.read(file));
        assertEquals(file + ": frame 2: bad record markers around the y coordinates (99 and 20, expected 20)",
                e.getMessage());

        Path empty = dir.resolve("empty.dcd");
        Files.write(empty, new byte[0]);
        NpyTest.assertMessage(empty + ": empty file, not a DCD file", () -> Dcd.read(empty));
        Path header = dir.resolve("header.dcd");
        Files.write(header, Arrays.copyOf(bytes, 200));
        NpyTest.assertMessage(header + ": truncated in the DCD header", () -> Dcd.read(header));
    }

    @Test
    void readsBigEndianFiles() throws IOException {
        Frames frames = randomFrames(2, 11);
        UnitCell cell = UnitCell.rectangular(2, 3, 4);
        ByteBuffer header = Dcd.encodeHeader(ATOMS, true, new Dcd.Timing(0, 1, 0.002), 2, ByteOrder.BIG_ENDIAN);
        ByteBuffer body = ByteBuffer.allocate((int) (2 * Dcd.frameBytes(ATOMS, true))).order(ByteOrder.BIG_ENDIAN);
        for (int f = 0; f < 2; f++) {
            Dcd.encodeFrame(body, frames.xyz(), f * ATOMS * 3, ATOMS, cell);
        }
        Path file = dir.resolve("big.dcd");
        byte[] all = new byte[header.limit() + body.capacity()];
        header.get(all, 0, header.limit());
        System.arraycopy(body.array(), 0, all, header.limit(), body.capacity());
        Files.write(file, all);
        Dcd.Trajectory t = Dcd.read(file);
        assertClose(frames.xyz(), t.frames().xyz(), FLOAT32);
        assertEquals(cell, t.unitCells().get(1));
        try (DcdWriter w = DcdWriter.append(file, ATOMS)) {
            w.write(frames.frame(0), cell); // appends in the file's own byte order
        }
        assertEquals(3, Dcd.read(file).frames().frames());
    }

    @Test
    void streamingReaderGivesFramesInAnyOrder() throws IOException {
        Path file = dir.resolve("s.dcd");
        Frames frames = randomFrames(4, 12);
        Dcd.write(file, frames, Dcd.Timing.SAMPLES);
        try (DcdReader r = Dcd.open(file)) {
            assertEquals(4, r.frames());
            assertClose(frames.frame(2), r.read(2).xyz(), FLOAT32);
            int count = 0;
            for (Dcd.Frame f : r) {
                assertEquals(count, f.index());
                assertFalse(f.unitCell().isPresent());
                assertClose(frames.frame(count), f.xyz(), FLOAT32);
                count++;
            }
            assertEquals(4, count);
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1234), 276);
        }
        try (DcdReader r = Dcd.open(file)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> r.iterator().next());
            assertTrue(e.getCause() instanceof MolecularFileException);
        }
    }

    /** Files written by OpenMM's DCDFile (scripts/make-io-fixtures.py): 3 atoms, 4 frames. */
    @Test
    void readsOpenMMWrittenFiles() throws IOException {
        Dcd.Trajectory plain = Dcd.read(Resources.get("/io/openmm-nobox.dcd"));
        assertEquals(4, plain.header().frames());
        assertEquals(100, plain.header().startStep());
        assertEquals(10, plain.header().interval());
        assertEquals(140, plain.header().lastStep());
        assertEquals(0.002, plain.header().timestepPs(), 1e-9);
        assertEquals(List.of("Created by OpenMM", "Created Thu Jan  1 00:00:00 1970"), plain.header().titles());
        assertClose(Npy.read(Resources.get("/io/openmm-nobox-positions.npy")).asDoubles(), plain.frames().xyz(), FLOAT32);

        Dcd.Trajectory box = Dcd.read(Resources.get("/io/openmm-box.dcd"));
        assertTrue(box.header().hasUnitCell());
        assertClose(Npy.read(Resources.get("/io/openmm-box-positions.npy")).asDoubles(), box.frames().xyz(), FLOAT32);
        double[] vectors = Npy.read(Resources.get("/io/openmm-box-vectors.npy")).asDoubles();
        for (int f = 0; f < 4; f++) {
            assertClose(Arrays.copyOfRange(vectors, 9 * f, 9 * f + 9), box.unitCells().get(f).vectors(), 1e-9);
        }
    }

    /** The reference files of scripts/make-reference-dcd.py: aldp-implicit, 7 frames each. */
    @Test
    void readsReferenceTrajectoriesExactly() throws IOException {
        Path plain = Resources.find("/reference/dcd/openmm-written.dcd");
        if (plain == null) {
            return;
        }
        Dcd.Trajectory t = Dcd.read(plain);
        assertEquals(7, t.frames().frames());
        assertEquals(22, t.frames().atoms());
        assertEquals(1000, t.header().startStep());
        assertEquals(500, t.header().interval());
        assertFalse(t.header().hasUnitCell());
        assertClose(Npy.read(Resources.get("/reference/dcd/openmm-written-positions.npy")).asDoubles(),
                t.frames().xyz(), FLOAT32);

        Dcd.Trajectory box = Dcd.read(Resources.get("/reference/dcd/openmm-written-box.dcd"));
        assertTrue(box.header().hasUnitCell());
        assertClose(Npy.read(Resources.get("/reference/dcd/openmm-written-box-positions.npy")).asDoubles(),
                box.frames().xyz(), FLOAT32);
        double[] vectors = Npy.read(Resources.get("/reference/dcd/openmm-written-box-vectors.npy")).asDoubles();
        for (int f = 0; f < 7; f++) {
            assertClose(Arrays.copyOfRange(vectors, 9 * f, 9 * f + 9), box.unitCells().get(f).vectors(), 1e-12);
            assertEquals(3.0 + 0.1 * f, box.unitCells().get(f).a(), 1e-12);
        }
    }

    @Test
    void writtenFilesAreByteCompatibleWithOpenMMsHeaderLength() throws IOException {
        // OpenMM's append mode reads the atom count at byte 268: our header must be as long as OpenMM's.
        Path ours = dir.resolve("ours.dcd");
        Dcd.write(ours, randomFrames(1, 13), Dcd.Timing.SAMPLES);
        ByteBuffer a = ByteBuffer.wrap(Files.readAllBytes(ours)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Resources.get("/io/openmm-nobox.dcd")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b.getInt(92), a.getInt(92));
        assertEquals(ATOMS, a.getInt(268));
        assertEquals(3, b.getInt(268));
    }
}
