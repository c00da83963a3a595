package org.boltzmann4j.bg.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DCD trajectories in the CHARMM layout that OpenMM's DCDReporter writes and mdtraj, VMD and
 * MDAnalysis read.
 *
 * <p>The file is a sequence of Fortran unformatted records, each framed by its length in bytes
 * as a 4-byte integer before and after it:
 * <ol>
 *   <li>84 bytes: "CORD", then 20 integers ICNTRL: [0] NSET, the number of frames; [1] ISTART,
 *       the step of the first frame; [2] NSAVC, steps between frames; [3] the step after the last
 *       frame (ISTART + NSET * NSAVC, as OpenMM writes it); [8] the number of fixed atoms; [9] the
 *       time step as a float32 in AKMA units (0.04888821 ps); [10] 1 if every frame has a unit
 *       cell; [11] 1 for 4-D coordinates; [19] the CHARMM version (24). A zero version marks the
 *       older X-PLOR layout, with a float64 time step and no unit cells;</li>
 *   <li>titles: an integer count and that many 80-character lines;</li>
 *   <li>the number of atoms;</li>
 *   <li>per frame: with the unit cell flag, 6 float64 (a, cos gamma, b, cos beta, cos alpha, c;
 *       lengths in Angstrom; older CHARMM files store the angles in degrees, recognised, as VMD
 *       does, by values outside [-1, 1]); then the x, y and z coordinates of all atoms, one
 *       record each, float32 in Angstrom.</li>
 * </ol>
 * Files of either byte order are read; files are written little endian, as OpenMM does, and
 * appends keep the file's order. Fixed atoms and 4-D files are rejected.
 *
 * <p>Frame count: the header's NSET is what a reader reads (when a writer leaves it 0, the
 * frames in the file are counted). Bytes after NSET frames are ignored: a writer killed in the
 * middle of a frame leaves them, and {@link DcdWriter} updates NSET only after a frame is
 * complete. Fewer complete frames than NSET is an error naming the file and the frame, unless
 * the reader is asked for the complete frames only.
 */
public final class Dcd {

    /** OpenMM's AKMA time unit in ps, used for the header's time step. */
    static final double AKMA_PS = 0.04888821;
    static final int CHARMM_VERSION = 24;
    static final int HEADER_BYTES = 84;
    /** Offsets, from the start of the file, of the header fields a writer updates. */
    static final int NSET_OFFSET = 8;
    static final int ISTART_OFFSET = 12;
    static final int NSAVC_OFFSET = 16;
    static final int NSTEP_OFFSET = 20;
    static final int DELTA_OFFSET = 44;

    /**
     * What the header says. {@code frames} is the header's NSET; {@code lastStep} its ICNTRL[3];
     * {@code timestepPs} the integration time step (not the time between frames, which is
     * {@code interval * timestepPs}).
     */
    public record Header(int frames, int atoms, int startStep, int interval, int lastStep, double timestepPs,
                         boolean hasUnitCell, List<String> titles) {
        public Header {
            titles = List.copyOf(titles);
        }
    }

    /** One frame: coordinates (nm, atoms * 3) and the unit cell if the file has one. */
    public record Frame(int index, double[] xyz, Optional<UnitCell> unitCell) {}

    /**
     * A whole trajectory in memory: the header, the frames read (nm) and one unit cell per frame
     * (empty list if the file has none).
     */
    public record Trajectory(Header header, Frames frames, List<UnitCell> unitCells) {
        public Trajectory {
            unitCells = List.copyOf(unitCells);
        }
    }

    /**
     * Step numbering written to a new file: the step of the first frame, the steps between
     * frames, and the integrator's time step in ps (OpenMM's DCDReporter: simulation.currentStep,
     * reportInterval, integrator step size).
     */
    public record Timing(int startStep, int interval, double timestepPs) {
        /** Frames numbered 0, 1, 2, ... with no time step, for samples that are not a trajectory. */
        public static final Timing SAMPLES = new Timing(0, 1, 0);

        public Timing {
            if (startStep < 0 || interval < 1 || !(timestepPs >= 0)) {
                throw new IllegalArgumentException("bad DCD timing: start " + startStep + ", interval " + interval
                        + ", time step " + timestepPs + " ps");
            }
        }
    }

    private Dcd() {}

    /** Reads the header only. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel channel = FileInput.open(file)) {
            return Layout.read(channel, file.toString()).header();
        }
    }

    /** Reads every frame; a file with fewer complete frames than its header says is an error. */
    public static Trajectory read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * Reads every frame; with {@code completeFramesOnly}, a file cut short (a run still writing,
     * or killed) gives the frames it holds completely instead of an error.
     */
    public static Trajectory read(Path file, boolean completeFramesOnly) throws IOException {
        try (DcdReader reader = DcdReader.open(file, completeFramesOnly)) {
            Header header = reader.header();
            long values = (long) reader.frames() * header.atoms() * 3;
            if (values > Integer.MAX_VALUE - 8) {
                throw new MolecularFileException(file, reader.frames() + " frames of " + header.atoms()
                        + " atoms are too many to hold at once; stream them with Dcd.open");
            }
            double[] xyz = new double[(int) values];
            List<UnitCell> cells = new ArrayList<>();
            for (int f = 0; f < reader.frames(); f++) {
                reader.readInto(f, xyz, f * header.atoms() * 3).ifPresent(cells::add);
            }
            if (cells.size() != reader.frames()) {
                cells.clear(); // a cell record of zeros in some frame: no usable cells
            }
            return new Trajectory(header, new Frames(reader.frames(), header.atoms(), xyz), cells);
        }
    }

    /** Opens a DCD for reading frame by frame; see {@link #read(Path, boolean)} for the flag. */
    public static DcdReader open(Path file, boolean completeFramesOnly) throws IOException {
        return DcdReader.open(file, completeFramesOnly);
    }

    /** Opens a DCD for reading frame by frame; a truncated file is an error. */
    public static DcdReader open(Path file) throws IOException {
        return DcdReader.open(file, false);
    }

    /** Writes a whole trajectory without unit cells, atomically. */
    public static void write(Path file, Frames frames, Timing timing) throws IOException {
        write(file, frames, List.of(), timing);
    }

    /**
     * Writes a whole trajectory, atomically; {@code unitCells} is empty (no box) or has one cell
     * per frame.
     */
    public static void write(Path file, Frames frames, List<UnitCell> unitCells, Timing timing)
            throws IOException {
        boolean withCells = !unitCells.isEmpty();
        if (withCells && unitCells.size() != frames.frames()) {
            throw new IllegalArgumentException(frames.frames() + " frames need " + frames.frames()
                    + " unit cells, got " + unitCells.size());
        }
        int atoms = frames.atoms();
        AtomicFile.write(file, out -> {
            out.write(encodeHeader(atoms, withCells, timing, frames.frames(), ByteOrder.LITTLE_ENDIAN).array());
            ByteBuffer frame = ByteBuffer.allocate((int) frameBytes(atoms, withCells)).order(ByteOrder.LITTLE_ENDIAN);
            for (int f = 0; f < frames.frames(); f++) {
                frame.clear();
                encodeFrame(frame, frames.xyz(), f * atoms * 3, atoms, withCells ? unitCells.get(f) : null);
                out.write(frame.array(), 0, frame.position());
            }
        });
    }

    // ---------------------------------------------------------------- layout shared by reader and writer

    static long frameBytes(int atoms, boolean unitCell) {
        return (unitCell ? 4 + 48 + 4 : 0) + 3 * (4 + 4L * atoms + 4);
    }

    static long lastStep(long startStep, long frames, long interval) {
        return startStep + frames * interval;
    }

    static ByteBuffer encodeHeader(int atoms, boolean unitCell, Timing timing, int frames, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(4 + HEADER_BYTES + 4 + 4 + 4 + 2 * 80 + 4 + 4 + 4 + 4).order(order);
        b.putInt(HEADER_BYTES).put("CORD".getBytes(StandardCharsets.US_ASCII));
        int[] icntrl = new int[20];
        icntrl[0] = frames;
        icntrl[1] = timing.startStep();
        icntrl[2] = timing.interval();
        icntrl[3] = (int) Math.min(Integer.MAX_VALUE, lastStep(timing.startStep(), frames, timing.interval()));
        icntrl[10] = unitCell ? 1 : 0;
        icntrl[19] = CHARMM_VERSION;
        for (int i = 0; i < 20; i++) {
            if (i == 9) {
                b.putFloat((float) (timing.timestepPs() / AKMA_PS));
            } else {
                b.putInt(icntrl[i]);
            }
        }
        b.putInt(HEADER_BYTES);
        // Two title lines make the header 276 bytes long, the layout OpenMM's append mode expects.
        b.putInt(4 + 2 * 80).putInt(2);
        b.put(title("Created by boltzmann4j"));
        b.put(title("Coordinates in Angstrom; unit cell a, cos(gamma), b, cos(beta), cos(alpha), c"));
        b.putInt(4 + 2 * 80);
        b.putInt(4).putInt(atoms).putInt(4);
        return b.flip();
    }

    private static byte[] title(String text) {
        byte[] line = new byte[80];
        java.util.Arrays.fill(line, (byte) ' ');
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, line, 0, Math.min(80, t.length));
        return line;
    }

    /** Appends one frame (coordinates from {@code xyz[offset..]}, nm) to {@code b}. */
    static void encodeFrame(ByteBuffer b, double[] xyz, int offset, int atoms, UnitCell cell) {
        if (cell != null) {
            b.putInt(48);
            b.putDouble(cell.a() * 10).putDouble(UnitCell.cosDegrees(cell.gamma()))
                    .putDouble(cell.b() * 10).putDouble(UnitCell.cosDegrees(cell.beta()))
                    .putDouble(UnitCell.cosDegrees(cell.alpha())).putDouble(cell.c() * 10);
            b.putInt(48);
        }
        for (int k = 0; k < 3; k++) {
            b.putInt(4 * atoms);
            for (int a = 0; a < atoms; a++) {
                b.putFloat((float) (xyz[offset + 3 * a + k] * 10));
            }
            b.putInt(4 * atoms);
        }
    }

    /** The parts of a header a reader or an appending writer needs. */
    record Layout(Header header, ByteOrder order, boolean charmm, long firstFrameOffset, long frameBytes) {

        static Layout read(FileChannel channel, String source) throws IOException {
            ByteBuffer first = ByteBuffer.allocate(4 + HEADER_BYTES + 4);
            int got = FileInput.readFully(channel, first, 0);
            if (got < 4) {
                throw new MolecularFileException(source, got == 0 ? "empty file, not a DCD file"
                        : "not a DCD file (too short)");
            }
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            int marker = first.order(order).getInt(0);
            if (marker != HEADER_BYTES) {
                if (Integer.reverseBytes(marker) == HEADER_BYTES) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (marker == 0 || first.order(ByteOrder.LITTLE_ENDIAN).getLong(0) == HEADER_BYTES) {
                    throw new MolecularFileException(source,
                            "DCD files with 8-byte record markers are not supported");
                } else {
                    throw new MolecularFileException(source, "not a DCD file (first record marker is " + marker
                            + ", expected " + HEADER_BYTES + ")");
                }
            }
            first.order(order);
            if (got < first.capacity()) {
                throw new MolecularFileException(source, "truncated in the DCD header");
            }
            String magic = new String(first.array(), 4, 4, StandardCharsets.US_ASCII);
            if (!magic.equals("CORD")) {
                throw new MolecularFileException(source, "not a coordinate DCD file (starts with '" + magic
                        + "', expected 'CORD')");
            }
            int[] icntrl = new int[20];
            for (int i = 0; i < 20; i++) {
                icntrl[i] = first.getInt(8 + 4 * i);
            }
            if (first.getInt(4 + HEADER_BYTES) != HEADER_BYTES) {
                throw new MolecularFileException(source, "bad DCD header (record markers "
                        + HEADER_BYTES + " and " + first.getInt(4 + HEADER_BYTES) + " differ)");
            }
            boolean charmm = icntrl[19] != 0;
            double delta = charmm ? first.getFloat(DELTA_OFFSET) : first.getDouble(DELTA_OFFSET);
            boolean unitCell = charmm && icntrl[10] != 0;
            if (icntrl[8] != 0) {
                throw new MolecularFileException(source, "DCD files with fixed atoms (" + icntrl[8]
                        + ") are not supported");
            }
            if (charmm && icntrl[11] != 0) {
                throw new MolecularFileException(source, "4-D DCD files are not supported");
            }
            long position = first.capacity();

            ByteBuffer titleLength = readRecordMarkerAndCount(channel, position, order, source, "title");
            int titleBytes = titleLength.getInt(0);
            int titleCount = titleLength.getInt(4);
            if (titleBytes < 4 || (titleBytes - 4) % 80 != 0 || titleCount != (titleBytes - 4) / 80) {
                throw new MolecularFileException(source, "bad DCD title record (" + titleBytes + " bytes, "
                        + titleCount + " titles)");
            }
            ByteBuffer titles = ByteBuffer.allocate(titleBytes - 4 + 4).order(order);
            if (FileInput.readFully(channel, titles, position + 8) < titles.capacity()) {
                throw new MolecularFileException(source, "truncated in the DCD header");
            }
            if (titles.getInt(titleBytes - 4) != titleBytes) {
                throw new MolecularFileException(source, "bad DCD title record (record markers differ)");
            }
            List<String> titleLines = new ArrayList<>();
            for (int t = 0; t < titleCount; t++) {
                titleLines.add(new String(titles.array(), 80 * t, 80, StandardCharsets.ISO_8859_1)
                        .replace('\0', ' ').strip());
            }
            position += 4 + titleBytes + 4;

            ByteBuffer atomsRecord = ByteBuffer.allocate(12).order(order);
            if (FileInput.readFully(channel, atomsRecord, position) < 12) {
                throw new MolecularFileException(source, "truncated in the DCD header");
            }
            if (atomsRecord.getInt(0) != 4 || atomsRecord.getInt(8) != 4) {
                throw new MolecularFileException(source, "bad DCD atom count record (markers "
                        + atomsRecord.getInt(0) + ", " + atomsRecord.getInt(8) + ", expected 4)");
            }
            int atoms = atomsRecord.getInt(4);
            if (atoms <= 0) {
                throw new MolecularFileException(source, "bad DCD atom count " + atoms);
            }
            position += 12;
            Header header = new Header(icntrl[0], atoms, icntrl[1], icntrl[2], icntrl[3], delta * AKMA_PS,
                    unitCell, titleLines);
            return new Layout(header, order, charmm, position, Dcd.frameBytes(atoms, unitCell));
        }

        private static ByteBuffer readRecordMarkerAndCount(FileChannel channel, long position, ByteOrder order,
                                                           String source, String what) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(8).order(order);
            if (FileInput.readFully(channel, b, position) < 8) {
                throw new MolecularFileException(source, "truncated in the DCD " + what + " record");
            }
            return b;
        }

        /** Number of whole frames the file holds after its header. */
        long completeFrames(long fileSize) {
            return Math.max(0, (fileSize - firstFrameOffset) / frameBytes);
        }

        long frameOffset(long frame) {
            return firstFrameOffset + frame * frameBytes;
        }
    }
}
