package org.boltzmann4j.openmm;

import static org.boltzmann4j.openmm.ffi.BoltzmannOpenMM.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenMM System (particles, masses, forces) read from OpenMM's XML serialization. Immutable
 * once loaded; Contexts made from it keep their own copy, so it can be closed afterwards.
 *
 * <p>What it holds beyond particles and forces (constraints, virtual sites, a CMMotionRemover,
 * periodic boundaries) is read once on load: {@link #features()}, for the checks that decide
 * which methods are right for it.
 */
public final class OpenMMSystem implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private MemorySegment handle;
    private final int numParticles;
    private final double[] masses;
    private final List<ForceInfo> forces;
    private final Features features;

    private OpenMMSystem(MemorySegment handle) {
        this.handle = handle;
        try {
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            NativeLibrary.check(b4j_system_num_particles(handle, n));
            numParticles = n.get(ValueLayout.JAVA_INT, 0);
            MemorySegment m = arena.allocate(ValueLayout.JAVA_DOUBLE, Math.max(1, numParticles));
            NativeLibrary.check(b4j_system_masses(handle, m));
            masses = m.asSlice(0, numParticles * 8L).toArray(ValueLayout.JAVA_DOUBLE);
            NativeLibrary.check(b4j_system_num_forces(handle, n));
            int numForces = n.get(ValueLayout.JAVA_INT, 0);
            List<ForceInfo> list = new ArrayList<>(numForces);
            for (int i = 0; i < numForces; i++) {
                int index = i;
                String name = NativeLibrary.text((buf, len) -> b4j_system_force_name(handle, index, buf, len));
                NativeLibrary.check(b4j_system_force_group(handle, i, n));
                list.add(new ForceInfo(i, name, n.get(ValueLayout.JAVA_INT, 0)));
            }
            forces = List.copyOf(list);
            NativeLibrary.check(b4j_system_num_constraints(handle, n));
            int numConstraints = n.get(ValueLayout.JAVA_INT, 0);
            List<Constraint> constraints = new ArrayList<>(numConstraints);
            MemorySegment p1 = arena.allocate(ValueLayout.JAVA_INT), p2 = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment d = arena.allocate(ValueLayout.JAVA_DOUBLE);
            for (int i = 0; i < numConstraints; i++) {
                NativeLibrary.check(b4j_system_constraint(handle, i, p1, p2, d));
                constraints.add(new Constraint(p1.get(ValueLayout.JAVA_INT, 0), p2.get(ValueLayout.JAVA_INT, 0), d.get(ValueLayout.JAVA_DOUBLE, 0)));
            }
            MemorySegment flags = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, numParticles));
            NativeLibrary.check(b4j_system_virtual_sites(handle, flags));
            List<Integer> sites = new ArrayList<>();
            for (int i = 0; i < numParticles; i++) if (flags.getAtIndex(ValueLayout.JAVA_INT, i) != 0) sites.add(i);
            MemorySegment box = arena.allocate(ValueLayout.JAVA_DOUBLE, 9);
            NativeLibrary.check(b4j_system_periodic(handle, n, box));
            boolean periodic = n.get(ValueLayout.JAVA_INT, 0) != 0;
            boolean remover = forces.stream().anyMatch(f -> f.name().equals("CMMotionRemover"));
            features = new Features(numParticles, masses.clone(), List.copyOf(constraints), List.copyOf(sites), remover, periodic,
                    box.toArray(ValueLayout.JAVA_DOUBLE), forces);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Parses a System from XML text; the document's root must be {@code <System>}. */
    public static OpenMMSystem fromXml(String xml) {
        NativeLibrary.ensureLoaded();
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment out = temp.allocate(ValueLayout.ADDRESS);
            NativeLibrary.check(b4j_system_from_xml(temp.allocateFrom(xml), out));
            return new OpenMMSystem(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    /** Reads a System XML file; errors name the file. */
    public static OpenMMSystem load(Path file) {
        String xml;
        try {
            xml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new OpenMMException(file + ": no such file");
        } catch (IOException e) {
            throw new OpenMMException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return fromXml(xml);
        } catch (OpenMMException e) {
            throw new OpenMMException(file + ": " + e.getMessage(), e);
        }
    }

    public int numParticles() {
        return numParticles;
    }

    /** Masses in amu. */
    public double[] masses() {
        return masses.clone();
    }

    public List<ForceInfo> forces() {
        return forces;
    }

    /** Particles, masses, constraints, virtual sites, motion removal, periodicity and forces. */
    public Features features() {
        return features;
    }

    /** The System serialized again by OpenMM's XmlSerializer. */
    public synchronized String toXml() {
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment needed = temp.allocate(ValueLayout.JAVA_LONG);
            NativeLibrary.check(b4j_system_to_xml(handle(), MemorySegment.NULL, 0, needed));
            long size = needed.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment buf = temp.allocate(size);
            NativeLibrary.check(b4j_system_to_xml(handle(), buf, size, needed));
            return buf.getString(0);
        }
    }

    MemorySegment handle() {
        if (handle == null) throw new IllegalStateException("OpenMMSystem is closed");
        return handle;
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            b4j_system_destroy(handle);
            handle = null;
            arena.close();
        }
    }

    /** One force of the System: its index, OpenMM class name and force group. */
    public record ForceInfo(int index, String name, int group) {}

    /** A distance constraint between two particles. */
    public record Constraint(int particle1, int particle2, double distanceNm) {}

    /**
     * What a System holds, as read on load.
     *
     * @param virtualSites indices of the particles that are virtual sites (positions computed from
     *     other particles, mass 0)
     * @param usesPeriodicBoundary whether any force uses periodic boundary conditions
     * @param defaultBoxVectorsNm the default periodic box vectors a, b, c (9 values, nm), stored in
     *     every System whether or not a force uses them
     */
    public record Features(int numParticles, double[] massesAmu, List<Constraint> constraints, List<Integer> virtualSites,
            boolean hasCMMotionRemover, boolean usesPeriodicBoundary, double[] defaultBoxVectorsNm, List<ForceInfo> forces) {
        public Features {
            massesAmu = massesAmu.clone();
            defaultBoxVectorsNm = defaultBoxVectorsNm.clone();
            constraints = List.copyOf(constraints);
            virtualSites = List.copyOf(virtualSites);
            forces = List.copyOf(forces);
        }

        @Override
        public double[] massesAmu() {
            return massesAmu.clone();
        }

        @Override
        public double[] defaultBoxVectorsNm() {
            return defaultBoxVectorsNm.clone();
        }

        public double totalMassAmu() {
            double sum = 0;
            for (double m : massesAmu) sum += m;
            return sum;
        }
    }
}
