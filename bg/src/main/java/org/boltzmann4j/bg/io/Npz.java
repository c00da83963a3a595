package org.boltzmann4j.bg.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's .npz format: a zip archive with one .npy file per named array, as written by
 * {@code numpy.savez} (entries stored) and {@code numpy.savez_compressed} (entries deflated).
 *
 * <p>Reading returns the arrays in archive order under their names without ".npy"; entries that
 * are not .npy files are skipped. Writing gives every entry the same fixed timestamp, so the same
 * arrays always give the same bytes, and is atomic ({@link AtomicFile}).
 */
public final class Npz {

    // The earliest time a zip entry can carry; any fixed time makes the output reproducible.
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {}

    /** Reads every array of a .npz file, in archive order; the map is unmodifiable. */
    public static Map<String, NpyArray> read(Path file) throws IOException {
        FileInput.open(file).close(); // the same "no such file" message as every other reader
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
                    continue;
                }
                String name = entry.getName().substring(0, entry.getName().length() - 4);
                try (InputStream in = zip.getInputStream(entry)) {
                    arrays.put(name, Npy.read(in, file + "[" + entry.getName() + "]"));
                } catch (ZipException e) {
                    throw new MolecularFileException(file + "[" + entry.getName() + "]",
                            "corrupt zip entry (" + e.getMessage() + ")", e);
                }
            }
        } catch (ZipException e) {
            throw new MolecularFileException(file, "not a NumPy .npz file (not a zip archive: "
                    + e.getMessage() + ")", e);
        }
        return Collections.unmodifiableMap(arrays);
    }

    /** Writes the arrays uncompressed, like {@code numpy.savez}. */
    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        write(file, arrays, false);
    }

    /** Writes the arrays deflated, like {@code numpy.savez_compressed}. */
    public static void writeCompressed(Path file, Map<String, NpyArray> arrays) throws IOException {
        write(file, arrays, true);
    }

    private static void write(Path file, Map<String, NpyArray> arrays, boolean compressed) throws IOException {
        for (String name : arrays.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("bad array name for a .npz: '" + name + "'");
            }
        }
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTimeLocal(ENTRY_TIME);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry must announce its size and CRC up front; computing them by
                    // serializing twice avoids holding a whole array's bytes in memory.
                    CRC32 crc = new CRC32();
                    CountingSink sink = new CountingSink();
                    Npy.write(new CheckedOutputStream(sink, crc), e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(sink.count);
                    entry.setCompressedSize(sink.count);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                Npy.write(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
