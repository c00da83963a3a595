package org.boltzmann4j.bg.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.boltzmann4j.bg.io.NpyArray.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void float64RoundTripsIn1dTo3d() throws IOException {
        double[] values = {0.5, -1.25, Math.PI, 1e-300, Double.MAX_VALUE, -0.0, Double.NaN, 7, 8, 9, 10, 11};
        for (int[] shape : new int[][] {{12}, {3, 4}, {2, 3, 2}, {1, 12, 1}}) {
            Path file = dir.resolve("a" + shape.length + ".npy");
            Npy.write(file, values, shape);
            NpyArray read = Npy.read(file);
            assertEquals(DType.FLOAT64, read.dtype());
            assertArrayEquals(shape, read.shape());
            assertArrayEquals(values, read.asDoubles());
        }
    }

    @Test
    void float32AndIntegersRoundTrip() throws IOException {
        float[] floats = {1.5f, -2.25f, Float.MIN_VALUE, 3e38f, 0, 1};
        Npy.writeFloat32(dir.resolve("f.npy"), floats, 2, 3);
        NpyArray f = Npy.read(dir.resolve("f.npy"));
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(floats, f.asFloats());
        assertArrayEquals(new int[] {2, 3}, f.shape());

        int[] ints = {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 42};
        Npy.writeInt(dir.resolve("i.npy"), ints, 3, 2);
        NpyArray i = Npy.read(dir.resolve("i.npy"));
        assertEquals(DType.INT32, i.dtype());
        assertArrayEquals(ints, i.asInts());

        long[] longs = {Long.MIN_VALUE, 1L << 40, -3};
        Npy.write(dir.resolve("l.npy"), NpyArray.ofLongs(longs));
        assertArrayEquals(longs, Npy.read(dir.resolve("l.npy")).asLongs());
        assertThrows(ArithmeticException.class, () -> Npy.read(dir.resolve("l.npy")).asInts());

        NpyArray bools = NpyArray.ofBooleans(new boolean[] {true, false, true, true}, 2, 2);
        Npy.write(dir.resolve("b.npy"), bools);
        assertEquals(bools, Npy.read(dir.resolve("b.npy")));
        NpyArray bytes = NpyArray.ofUnsignedBytes(new byte[] {0, 1, (byte) 200, (byte) 255});
        Npy.write(dir.resolve("u.npy"), bytes);
        assertArrayEquals(new long[] {0, 1, 200, 255}, Npy.read(dir.resolve("u.npy")).asLongs());
    }

    @Test
    void largeArraysCrossReadChunks() throws IOException {
        double[] values = new double[3 * 200_001];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.001;
        }
        Npy.write(dir.resolve("big.npy"), values, 200_001, 3);
        assertArrayEquals(values, Npy.read(dir.resolve("big.npy")).asDoubles());
    }

    @Test
    void headerIsByteForByteWhatNumpyWrites() throws IOException {
        // np.save of a (2, 3) float64 array: the dict, numpy's 21 - len("2") spare spaces for
        // growing the first axis, then spaces and a newline up to a multiple of 64 bytes.
        String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
        String header = dict + " ".repeat(20);
        int total = 10 + header.length() + 1;
        int padded = (total + 63) / 64 * 64;
        header = header + " ".repeat(padded - total) + "\n";
        ByteBuffer expected = ByteBuffer.allocate(padded + 6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        expected.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        expected.putShort((short) header.length());
        expected.put(header.getBytes(StandardCharsets.ISO_8859_1));
        double[] values = {0, 0.25, 0.5, 0.75, 1, 1.25};
        for (double v : values) {
            expected.putDouble(v);
        }
        assertEquals(128, padded);

        Path file = dir.resolve("x.npy");
        Npy.write(file, values, 2, 3);
        assertArrayEquals(expected.array(), Files.readAllBytes(file));
        // and the same bytes numpy 2 wrote (scripts/make-io-fixtures.py)
        assertArrayEquals(Files.readAllBytes(Resources.get("/io/numpy-f8-2x3.npy")), Files.readAllBytes(file));
    }

    @Test
    void valuesStartAtAMultipleOf64ForAnyShape() {
        for (int[] shape : new int[][] {{}, {0}, {5}, {12345678, 22, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}) {
            byte[] header = Npy.header(DType.FLOAT32, shape);
            assertEquals(0, header.length % 64, Arrays.toString(shape));
            assertEquals('\n', header[header.length - 1]);
        }
    }

    @Test
    void readsWhatNumpyWrites() throws IOException {
        NpyArray be = Npy.read(Resources.get("/io/numpy-f4-big-endian.npy"));
        assertEquals(DType.FLOAT32, be.dtype());
        assertArrayEquals(new int[] {3, 2}, be.shape());
        assertArrayEquals(new float[] {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f}, be.asFloats());

        NpyArray fortran = Npy.read(Resources.get("/io/numpy-i4-fortran.npy"));
        assertArrayEquals(new int[] {2, 3, 4}, fortran.shape());
        int[] cOrder = new int[24];
        Arrays.setAll(cOrder, i -> i);
        assertArrayEquals(cOrder, fortran.asInts(), "Fortran order is transposed into C order");

        NpyArray v2 = Npy.read(Resources.get("/io/numpy-i8-v2.npy"));
        assertArrayEquals(new long[] {1, -2, 3, 1L << 40, -(1L << 40)}, v2.asLongs());

        NpyArray v3 = Npy.read(Resources.get("/io/numpy-f8-v3.npy"));
        assertArrayEquals(new double[] {1.5, -2.5, 1e-300, 1e300}, v3.asDoubles());

        assertArrayEquals(new long[] {0, 1, 200, 255}, Npy.read(Resources.get("/io/numpy-u1.npy")).asLongs());
        NpyArray bools = Npy.read(Resources.get("/io/numpy-b1.npy"));
        assertEquals(DType.BOOL, bools.dtype());
        assertArrayEquals(new long[] {1, 0, 0, 1}, bools.asLongs());

        NpyArray scalar = Npy.read(Resources.get("/io/numpy-scalar.npy"));
        assertEquals(0, scalar.rank());
        assertArrayEquals(new double[] {2.75}, scalar.asDoubles());
    }

    @Test
    void readsVersion2HeadersBuiltByHand() throws IOException {
        String header = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }";
        int total = 12 + header.length() + 1;
        header += " ".repeat((total + 63) / 64 * 64 - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(12 + header.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).putInt(7).putInt(-8).putInt(9);
        Path file = dir.resolve("v2.npy");
        Files.write(file, b.array());
        assertArrayEquals(new int[] {7, -8, 9}, Npy.read(file).asInts());
    }

    @Test
    void errorsNameTheFileAndTheProblem() throws IOException {
        Path notNumpy = dir.resolve("traj.npy");
        Files.writeString(notNumpy, "hello, this is text");
        assertMessage(notNumpy + ": not a NumPy file (bad magic)", () -> Npy.read(notNumpy));

        Path empty = dir.resolve("empty.npy");
        Files.write(empty, new byte[0]);
        assertMessage(empty + ": empty file, not a NumPy file", () -> Npy.read(empty));

        Path truncated = dir.resolve("x.npy");
        Npy.write(truncated, new double[264], 88, 3);
        byte[] all = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(all, 128 + 100 * 8 + 5));
        assertMessage(truncated + ": truncated: header says 264 values, file has 100", () -> Npy.read(truncated));

        Path headerCut = dir.resolve("h.npy");
        Files.write(headerCut, Arrays.copyOf(all, 40));
        assertMessage(headerCut + ": truncated in the NumPy header", () -> Npy.read(headerCut));

        Path complex = dir.resolve("c.npy");
        Files.write(complex, withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", 16));
        MolecularFileException e = assertThrows(MolecularFileException.class, () -> Npy.read(complex));
        assertTrue(e.getMessage().startsWith(complex + ": unsupported NumPy dtype '<c16'"), e.getMessage());

        Path structured = dir.resolve("s.npy");
        Files.write(structured, withHeader("{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }", 8));
        e = assertThrows(MolecularFileException.class, () -> Npy.read(structured));
        assertTrue(e.getMessage().contains("structured"), e.getMessage());

        Path garbage = dir.resolve("g.npy");
        Files.write(garbage, withHeader("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }", 8));
        e = assertThrows(MolecularFileException.class, () -> Npy.read(garbage));
        assertTrue(e.getMessage().startsWith(garbage + ": bad NumPy header"), e.getMessage());

        Path missing = dir.resolve("missing.npy");
        assertMessage(missing + ": no such file", () -> Npy.read(missing));
    }

    @Test
    void nonFloatAccessorsRefuseFloats() {
        NpyArray a = NpyArray.ofDoubles(new double[] {1.5});
        assertThrows(IllegalStateException.class, a::asLongs);
        assertThrows(IllegalArgumentException.class, () -> NpyArray.ofDoubles(new double[5], 2, 3));
    }

    @Test
    void accessorsCopy() {
        double[] data = {1, 2, 3};
        NpyArray a = NpyArray.ofDoubles(data);
        a.asDoubles()[0] = 99;
        a.shape()[0] = 99;
        assertEquals(1, a.asDoubles()[0]);
        assertArrayEquals(new int[] {3}, a.shape());
    }

    private static byte[] withHeader(String dict, int dataBytes) throws IOException {
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(),
            (byte) (header.length() >> 8)});
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(new byte[dataBytes]);
        return out.toByteArray();
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        MolecularFileException e = assertThrows(MolecularFileException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
