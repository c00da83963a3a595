package org.boltzmann4j.bg.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.io.NpyArray.DType;

/**
 * NumPy's .npy format (numpy.lib.format): a magic string, a version, a header that is the repr of
 * a Python dict with 'descr', 'fortran_order' and 'shape', then the raw values.
 *
 * <p>Reading handles format versions 1.0, 2.0 and 3.0, little-, big- and no-endian ('&lt;', '&gt;',
 * '|', and '=' as this machine's order) dtypes float64, float32, int64, int32, uint8 and bool, and
 * Fortran-ordered arrays, which are transposed into C order so that every array this package
 * hands out is C ordered. Bytes after the last value are ignored, as numpy.load does.
 *
 * <p>Writing produces exactly what {@code numpy.save} produces for the same array: little
 * endian, C order, version 1.0 (2.0 only if the header needs it), and the header padded with
 * spaces, including numpy's spare room for growing the first axis, and a newline so that the
 * values start at a multiple of 64 bytes. Every write is atomic ({@link AtomicFile}).
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    // numpy leaves room for the first axis to grow to 21 digits without rewriting the header.
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final int MAX_HEADER_BYTES = 1 << 20;
    private static final int CHUNK_BYTES = 1 << 20;

    private Npy() {}

    /** Reads a .npy file. */
    public static NpyArray read(Path file) throws IOException {
        try (FileChannel channel = FileInput.open(file)) {
            return read(channel, file.toString());
        }
    }

    /**
     * Reads one .npy array from a stream (an entry of a .npz, a resource); {@code source} names it
     * in error messages.
     */
    public static NpyArray read(InputStream in, String source) throws IOException {
        return read(Channels.newChannel(in), source);
    }

    /** Writes float64 values of the given shape (1-D without one). */
    public static void write(Path file, double[] data, int... shape) throws IOException {
        write(file, NpyArray.ofDoubles(data, shape));
    }

    /** Writes float32 values of the given shape (1-D without one). */
    public static void writeFloat32(Path file, float[] data, int... shape) throws IOException {
        write(file, NpyArray.ofFloats(data, shape));
    }

    /** Writes int32 values of the given shape (1-D without one). */
    public static void writeInt(Path file, int[] data, int... shape) throws IOException {
        write(file, NpyArray.ofInts(data, shape));
    }

    /** Writes an array, atomically. */
    public static void write(Path file, NpyArray array) throws IOException {
        AtomicFile.write(file, out -> write(out, array));
    }

    /** Writes the bytes of a .npy file for {@code array} to a stream. */
    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array.dtype(), array.shape()));
        writeValues(out, array.storage());
    }

    // ---------------------------------------------------------------- header

    /** The magic, version, header length and padded header numpy writes for this dtype and shape. */
    static byte[] header(DType dtype, int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype.descr())
                .append("', 'fortran_order': False, 'shape': ").append(shapeRepr(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int withNewline = text.length + 1;
        // numpy pads a full 64 bytes when the header is already aligned; so do we, byte for byte.
        int version = 1;
        int prefix = MAGIC.length + 4;
        int padding = ALIGN - (prefix + withNewline) % ALIGN;
        if (withNewline + padding > 0xffff) {
            version = 2;
            prefix = MAGIC.length + 6;
            padding = ALIGN - (prefix + withNewline) % ALIGN;
        }
        int headerLength = withNewline + padding;
        ByteBuffer out = ByteBuffer.allocate(prefix + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            out.putShort((short) headerLength);
        } else {
            out.putInt(headerLength);
        }
        out.put(text);
        for (int i = 0; i < padding; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }

    private static String shapeRepr(int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private record Header(DType dtype, ByteOrder order, boolean fortranOrder, int[] shape, int size) {}

    static NpyArray read(ReadableByteChannel channel, String source) throws IOException {
        Header header = readHeader(channel, source);
        Object storage = NpyArray.newStorage(header.dtype(), header.size());
        readValues(channel, storage, header, source);
        if (header.fortranOrder()) {
            storage = fortranToC(storage, header.shape());
        }
        return NpyArray.ofStorage(header.dtype(), header.shape(), storage);
    }

    private static Header readHeader(ReadableByteChannel channel, String source) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        int n = FileInput.readFully(channel, start);
        if (n == 0) {
            throw new MolecularFileException(source, "empty file, not a NumPy file");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= n || start.get(i) != MAGIC[i]) {
                throw new MolecularFileException(source, "not a NumPy file (bad magic)");
            }
        }
        if (n < start.capacity()) {
            throw new MolecularFileException(source, "truncated in the NumPy header");
        }
        int major = start.get(6) & 0xff;
        int minor = start.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new MolecularFileException(source, "unsupported .npy format version " + major + "." + minor
                    + " (this reader handles 1.0, 2.0 and 3.0)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (FileInput.readFully(channel, lengthBytes) < lengthBytes.capacity()) {
            throw new MolecularFileException(source, "truncated in the NumPy header");
        }
        long length = major == 1 ? Short.toUnsignedInt(lengthBytes.getShort(0))
                : Integer.toUnsignedLong(lengthBytes.getInt(0));
        if (length > MAX_HEADER_BYTES) {
            throw new MolecularFileException(source, "NumPy header of " + length + " bytes is implausibly long");
        }
        ByteBuffer text = ByteBuffer.allocate((int) length);
        if (FileInput.readFully(channel, text) < length) {
            throw new MolecularFileException(source, "truncated in the NumPy header");
        }
        Charset charset = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        return parseHeader(new String(text.array(), charset), source);
    }

    private static Header parseHeader(String text, String source) throws IOException {
        Map<String, Object> dict;
        try {
            dict = new DictParser(text).parse();
        } catch (IllegalArgumentException e) {
            throw new MolecularFileException(source, "bad NumPy header (" + e.getMessage() + "): " + text.strip());
        }
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeValue = dict.get("shape");
        if (descr == null || fortran == null || shapeValue == null) {
            throw new MolecularFileException(source,
                    "bad NumPy header (needs 'descr', 'fortran_order' and 'shape'): " + text.strip());
        }
        if (!(descr instanceof String type)) {
            throw new MolecularFileException(source, "structured NumPy dtypes are not supported: " + text.strip());
        }
        if (!(fortran instanceof Boolean fortranOrder) || !(shapeValue instanceof List<?> dims)) {
            throw new MolecularFileException(source, "bad NumPy header: " + text.strip());
        }
        char orderMark = type.isEmpty() ? '?' : type.charAt(0);
        String kindAndSize = "<>|=".indexOf(orderMark) >= 0 ? type.substring(1) : type;
        DType dtype = null;
        if (kindAndSize.length() >= 2 && kindAndSize.substring(1).chars().allMatch(Character::isDigit)) {
            dtype = DType.ofKindAndSize(kindAndSize.charAt(0), Integer.parseInt(kindAndSize.substring(1)));
        }
        if (dtype == null) {
            throw new MolecularFileException(source, "unsupported NumPy dtype '" + type
                    + "' (this reader handles float64, float32, int64, int32, uint8 and bool)");
        }
        ByteOrder order = switch (orderMark) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
        int[] shape = new int[dims.size()];
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new MolecularFileException(source, "bad dimension " + dims.get(i) + " in the NumPy shape");
            }
            shape[i] = (int) (long) d;
            size *= shape[i];
            if (size > Integer.MAX_VALUE - 8) {
                throw new MolecularFileException(source, "array of shape " + shapeRepr(shape)
                        + " is too large for a Java array");
            }
        }
        return new Header(dtype, order, fortranOrder, shape, (int) size);
    }

    /** Just enough of Python's literal syntax for numpy's header dict. */
    private static final class DictParser {
        private final String s;
        private int pos;

        DictParser(String s) {
            this.s = s;
        }

        Map<String, Object> parse() {
            Map<String, Object> dict = new HashMap<>();
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return dict;
                }
                Object key = value();
                if (!(key instanceof String name)) {
                    throw new IllegalArgumentException("key is not a string at position " + pos);
                }
                expect(':');
                dict.put(name, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' at position " + pos);
                }
            }
        }

        private Object value() {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string");
                }
                String text = s.substring(pos + 1, end);
                pos = end + 1;
                return text;
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                List<Object> items = new ArrayList<>();
                while (true) {
                    skipSpace();
                    if (peek() == close) {
                        pos++;
                        // a list is a structured dtype's field list; only a tuple is a shape
                        return c == '(' ? items : new StructuredMarker();
                    }
                    items.add(value());
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() != close) {
                        throw new IllegalArgumentException("expected ',' or '" + close + "' at position " + pos);
                    }
                }
            }
            if (Character.isDigit(c)) {
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                long v = Long.parseLong(s.substring(start, pos));
                if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
                    pos++; // Python 2 long literal, written by old numpy
                }
                return v;
            }
            throw new IllegalArgumentException("unexpected '" + c + "' at position " + pos);
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at position " + pos);
            }
            pos++;
        }

        private char peek() {
            if (pos >= s.length()) {
                throw new IllegalArgumentException("unexpected end");
            }
            return s.charAt(pos);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }

    private record StructuredMarker() {}

    // ---------------------------------------------------------------- values

    private static void readValues(ReadableByteChannel channel, Object storage, Header header, String source)
            throws IOException {
        int itemSize = header.dtype().itemSize();
        int perChunk = Math.max(1, CHUNK_BYTES / itemSize);
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(header.size(), perChunk) * itemSize).order(header.order());
        int done = 0;
        while (done < header.size()) {
            int count = Math.min(perChunk, header.size() - done);
            buffer.clear().limit(count * itemSize);
            int got = FileInput.readFully(channel, buffer);
            if (got < count * itemSize) {
                throw new MolecularFileException(source, "truncated: header says " + header.size()
                        + " values, file has " + (done + got / itemSize));
            }
            buffer.flip();
            switch (storage) {
                case double[] d -> buffer.asDoubleBuffer().get(d, done, count);
                case float[] f -> buffer.asFloatBuffer().get(f, done, count);
                case long[] l -> buffer.asLongBuffer().get(l, done, count);
                case int[] n -> buffer.asIntBuffer().get(n, done, count);
                case byte[] b -> buffer.get(b, done, count);
                default -> throw new AssertionError(storage.getClass());
            }
            done += count;
        }
    }

    private static void writeValues(OutputStream out, Object storage) throws IOException {
        int itemSize = switch (storage) {
            case double[] d -> 8;
            case long[] l -> 8;
            case float[] f -> 4;
            case int[] n -> 4;
            case byte[] b -> 1;
            default -> throw new AssertionError(storage.getClass());
        };
        if (storage instanceof byte[] b) {
            out.write(b);
            return;
        }
        int size = java.lang.reflect.Array.getLength(storage);
        int perChunk = (1 << 16) / itemSize;
        ByteBuffer buffer = ByteBuffer.allocate(perChunk * itemSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < size; done += perChunk) {
            int count = Math.min(perChunk, size - done);
            buffer.clear();
            switch (storage) {
                case double[] d -> buffer.asDoubleBuffer().put(d, done, count);
                case float[] f -> buffer.asFloatBuffer().put(f, done, count);
                case long[] l -> buffer.asLongBuffer().put(l, done, count);
                case int[] n -> buffer.asIntBuffer().put(n, done, count);
                default -> throw new AssertionError(storage.getClass());
            }
            out.write(buffer.array(), 0, count * itemSize);
        }
    }

    /** Reorders values stored first-axis-fastest into last-axis-fastest. */
    private static Object fortranToC(Object fortran, int[] shape) {
        int rank = shape.length;
        int size = java.lang.reflect.Array.getLength(fortran);
        if (rank < 2 || size == 0) {
            return fortran;
        }
        long[] stride = new long[rank];
        stride[0] = 1;
        for (int k = 1; k < rank; k++) {
            stride[k] = stride[k - 1] * shape[k - 1];
        }
        Object c = java.lang.reflect.Array.newInstance(fortran.getClass().getComponentType(), size);
        int[] index = new int[rank];
        long f = 0;
        for (int i = 0; i < size; i++) {
            System.arraycopy(fortran, (int) f, c, i, 1);
            for (int k = rank - 1; k >= 0; k--) {
                index[k]++;
                f += stride[k];
                if (index[k] < shape[k]) {
                    break;
                }
                f -= stride[k] * shape[k];
                index[k] = 0;
            }
        }
        return c;
    }
}
