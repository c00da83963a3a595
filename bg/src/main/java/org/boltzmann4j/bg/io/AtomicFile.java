package org.boltzmann4j.bg.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that a reader, or a run killed half-way, sees either the old file or the
 * complete new one, never a part of the new one.
 *
 * <p>The content goes to a hidden temporary file in the target's own directory (a rename is
 * only atomic within one file system), is forced to disk, and is then renamed over the target.
 * The directory is forced afterwards so that the rename itself survives a power cut where the
 * file system allows it. Missing parent directories are created. On failure the temporary file
 * is deleted and the old target, if any, is untouched.
 *
 * <p>The temporary file is created with the process's default permissions (umask), unlike
 * {@link Files#createTempFile}, which would leave outputs readable by their owner only.
 */
public final class AtomicFile {

    /** An action on a value that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface IOConsumer<T> {
        void accept(T value) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Writes {@code target} with what {@code content} writes to the stream it is given. The
     * stream is buffered; {@code content} must not close it.
     */
    public static void write(Path target, IOConsumer<? super OutputStream> content) throws IOException {
        write(target, content, true);
    }

    /**
     * The same, choosing whether to force the data to disk. Without it the replacement is still
     * atomic for readers and for a killed process (the rename is), but a power cut may lose it;
     * frequent checkpoints use that, because a forced write costs milliseconds.
     */
    public static void write(Path target, IOConsumer<? super OutputStream> content, boolean durable) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = directory.resolve("." + absolute.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.accept(new NonClosing(out));
                out.flush();
                if (durable) channel.force(true);
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new MolecularFileException(target,
                        "cannot be replaced atomically on this file system (" + e.getMessage() + ")", e);
            }
            moved = true;
            if (durable) forceDirectory(directory);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Writes {@code text} to {@code target} as UTF-8. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code bytes} to {@code target}. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Writes {@code bytes} to {@code target}, forced to disk only if {@code durable}. */
    public static void writeBytes(Path target, byte[] bytes, boolean durable) throws IOException {
        write(target, out -> out.write(bytes), durable);
    }

    private static void forceDirectory(Path directory) {
        // Linux persists a rename only once the directory is synced; other systems may refuse to
        // open a directory, and the rename has happened either way.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    /** Keeps a careless {@code close()} in the content writer from closing the channel early. */
    private static final class NonClosing extends OutputStream {
        private final OutputStream out;

        NonClosing(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
