package org.boltzmann4j.bg.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Opening and reading files with errors that name the file in the package's one style. */
final class FileInput {

    private FileInput() {}

    /** Opens {@code file} for reading; a missing or unreadable file is a MolecularFileException. */
    static FileChannel open(Path file, StandardOpenOption... extra) throws IOException {
        StandardOpenOption[] options = new StandardOpenOption[extra.length + 1];
        options[0] = StandardOpenOption.READ;
        System.arraycopy(extra, 0, options, 1, extra.length);
        try {
            return FileChannel.open(file, options);
        } catch (NoSuchFileException e) {
            throw new MolecularFileException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new MolecularFileException(file, "permission denied", e);
        }
    }

    /** Fills {@code buffer} from its position to its limit; returns the bytes read (fewer at end of file). */
    static int readFully(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Reads exactly {@code buffer.remaining()} bytes at {@code position}; returns the bytes read. */
    static int readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
