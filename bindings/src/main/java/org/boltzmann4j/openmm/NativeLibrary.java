package org.boltzmann4j.openmm;

import static org.boltzmann4j.openmm.ffi.BoltzmannOpenMM.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads native/'s bridge library (by absolute path, so no java.library.path is needed) and
 * OpenMM's plugins, once per process; turns native statuses into exceptions.
 *
 * <p>Where the library is looked for, in order: the system property {@code boltzmann4j.native},
 * the environment variable {@code BOLTZMANN4J_NATIVE}, then {@code native/build/} in the working
 * directory, in its parents, and beside the jar this class came from.
 */
final class NativeLibrary {
    static final String FILE_NAME = "libboltzmann4j_openmm.so";
    private static final int TEXT = 1 << 16;

    private NativeLibrary() {}

    private static final class Holder {
        static final int PLUGINS;

        static {
            Path library = locate();
            System.load(library.toString());
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
                check(b4j_load_plugins(MemorySegment.NULL, count));
                PLUGINS = count.get(ValueLayout.JAVA_INT, 0);
            }
        }
    }

    /** Makes sure the library and plugins are loaded; returns the number of plugins loaded. */
    static int ensureLoaded() {
        return Holder.PLUGINS;
    }

    private static Path locate() {
        String property = System.getProperty("boltzmann4j.native");
        if (property != null && !property.isBlank()) return existing(Path.of(property), "system property boltzmann4j.native");
        String env = System.getenv("BOLTZMANN4J_NATIVE");
        if (env != null && !env.isBlank()) return existing(Path.of(env), "environment variable BOLTZMANN4J_NATIVE");
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            var source = NativeLibrary.class.getProtectionDomain().getCodeSource();
            if (source != null) starts.add(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (Exception ignored) {
            // an unusual class loader: the working directory is still searched
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("native").resolve("build").resolve(FILE_NAME);
                if (Files.isRegularFile(candidate)) return candidate;
            }
        }
        throw new OpenMMException("native bridge " + FILE_NAME + " not found: build it with scripts/setup (CMake into native/build), "
                + "or name it with -Dboltzmann4j.native=PATH or BOLTZMANN4J_NATIVE=PATH");
    }

    private static Path existing(Path path, String origin) {
        if (!Files.isRegularFile(path)) throw new OpenMMException(origin + " names " + path + ", which does not exist");
        return path.toAbsolutePath();
    }

    /** Throws the thread's native error message if status is not B4J_OK. */
    static void check(int status) {
        if (status != B4J_OK()) throw new OpenMMException(lastError());
    }

    /** Native systems and contexts alive in this process: {systems, contexts} (for leak tests). */
    static long[] liveHandles() {
        ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counts = arena.allocate(ValueLayout.JAVA_LONG, 2);
            check(b4j_live_handles(counts, counts.asSlice(8)));
            return counts.toArray(ValueLayout.JAVA_LONG);
        }
    }

    static String lastError() {
        return b4j_last_error().reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Calls a native function that fills a text buffer and returns the text. */
    static String text(TextCall call) {
        ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(TEXT);
            check(call.call(buf, TEXT));
            return buf.getString(0);
        }
    }

    static List<String> lines(TextCall call) {
        String joined = text(call);
        return joined.isEmpty() ? List.of() : List.of(joined.split("\n"));
    }

    @FunctionalInterface
    interface TextCall {
        int call(MemorySegment buf, int len);
    }
}
