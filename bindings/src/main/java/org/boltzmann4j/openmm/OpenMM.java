package org.boltzmann4j.openmm;

import static org.boltzmann4j.openmm.ffi.BoltzmannOpenMM.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** What the installed OpenMM offers: its version, platforms and plugin load failures. */
public final class OpenMM {
    private OpenMM() {}

    /** OpenMM's version string, e.g. "7.7". */
    public static String version() {
        return NativeLibrary.text((buf, len) -> b4j_openmm_version(buf, len));
    }

    /** Number of plugin libraries loaded from OpenMM's plugin directory. */
    public static int pluginsLoaded() {
        return NativeLibrary.ensureLoaded();
    }

    /** Plugins that failed to load (for example OpenCL without a driver); not an error by itself. */
    public static List<String> pluginLoadFailures() {
        return NativeLibrary.lines((buf, len) -> b4j_plugin_load_failures(buf, len));
    }

    /** The platforms available, in OpenMM's order. */
    public static List<Platform> platforms() {
        return names().stream().map(OpenMM::platform).toList();
    }

    /** One platform by name; an {@link OpenMMException} naming the available ones if unknown. */
    public static Platform platform(String name) {
        NativeLibrary.ensureLoaded();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            MemorySegment speed = arena.allocate(ValueLayout.JAVA_DOUBLE);
            if (b4j_platform_speed(cname, speed) != B4J_OK()) {
                throw new OpenMMException("unknown platform '" + name + "' (available: " + String.join(", ", names()) + ")");
            }
            List<String> properties = NativeLibrary.lines((buf, len) -> b4j_platform_property_names(cname, buf, len));
            return new Platform(name, speed.get(ValueLayout.JAVA_DOUBLE, 0), properties);
        }
    }

    private static List<String> names() {
        NativeLibrary.ensureLoaded();
        List<String> names = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            NativeLibrary.check(b4j_num_platforms(n));
            for (int i = 0; i < n.get(ValueLayout.JAVA_INT, 0); i++) {
                int index = i;
                names.add(NativeLibrary.text((buf, len) -> b4j_platform_name(index, buf, len)));
            }
        }
        return names;
    }

    /** A platform: its name, OpenMM's relative speed estimate and the property names it accepts. */
    public record Platform(String name, double speed, List<String> propertyNames) {
        public Platform {
            propertyNames = List.copyOf(propertyNames);
        }
    }
}
