package org.boltzmann4j.bg.sampling;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.boltzmann4j.bg.io.AtomicFile;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.DcdWriter;
import org.boltzmann4j.bg.io.MolecularFileException;
import org.boltzmann4j.bg.io.NpyAppender;

/**
 * The outputs of one hybrid chain, in {@code out/chain-NNN/}: trajectory.dcd (a frame every
 * saveEvery steps), energies.npy (kJ/mol of the saved frames) and moves.csv (a line per move:
 * step, move, accepted, du_kjmol, dlogq, then one column per {@link Observable}). On resume they
 * are cut back to what the checkpoint counted, so that they continue as the uninterrupted run's.
 */
final class ChainFiles implements Closeable {
    static final String TRAJECTORY = "trajectory.dcd";
    static final String ENERGIES = "energies.npy";
    static final String MOVES = "moves.csv";
    static final String MOVES_COLUMNS = "step,move,accepted,du_kjmol,dlogq";

    private final Path dir;
    private final List<Observable> observables;
    private final DcdWriter dcd;
    private final NpyAppender energies;
    private final BufferedWriter moves;
    private long movesLines;

    private ChainFiles(Path dir, List<Observable> observables, DcdWriter dcd, NpyAppender energies, long movesLines) throws IOException {
        this.dir = dir;
        this.observables = List.copyOf(observables);
        this.dcd = dcd;
        this.energies = energies;
        this.movesLines = movesLines;
        this.moves = Files.newBufferedWriter(dir.resolve(MOVES), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    static Path directory(Path out, int chain) {
        return out.resolve(String.format(Locale.ROOT, "chain-%03d", chain));
    }

    static String header(List<Observable> observables) {
        StringBuilder b = new StringBuilder(MOVES_COLUMNS);
        for (Observable o : observables) b.append(',').append(o.column());
        return b.toString();
    }

    /** New, empty outputs. */
    static ChainFiles create(Path dir, int atoms, HybridSettings s, List<Observable> observables) throws IOException {
        Files.createDirectories(dir);
        DcdWriter dcd = DcdWriter.create(dir.resolve(TRAJECTORY), atoms, false, new Dcd.Timing(s.saveEvery(), s.saveEvery(), s.dtPs()));
        NpyAppender energies = NpyAppender.create(dir.resolve(ENERGIES));
        AtomicFile.writeString(dir.resolve(MOVES), header(observables) + "\n");
        return new ChainFiles(dir, observables, dcd, energies, 0);
    }

    /** The outputs of a resumed chain, cut back to {@code frames} frames and {@code movesLines} moves. */
    static ChainFiles resume(Path dir, int atoms, List<Observable> observables, int frames, long movesLines) throws IOException {
        Path file = dir.resolve(MOVES);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().equals(header(observables)))
            throw new MolecularFileException(file, "has columns " + (lines.isEmpty() ? "none" : lines.getFirst()) + ", this run writes "
                    + header(observables));
        if (lines.size() < movesLines + 1) throw new MolecularFileException(file, "holds fewer moves than the checkpoint");
        AtomicFile.writeString(file, String.join("\n", lines.subList(0, (int) movesLines + 1)) + "\n");
        DcdWriter dcd = DcdWriter.append(dir.resolve(TRAJECTORY), atoms, frames);
        NpyAppender energies = NpyAppender.append(dir.resolve(ENERGIES), frames);
        return new ChainFiles(dir, observables, dcd, energies, movesLines);
    }

    /** A line of moves.csv; x is the configuration after the move. */
    void move(long step, String move, boolean accepted, double du, double dlogq, double[] x) throws IOException {
        StringBuilder line = new StringBuilder(64);
        line.append(step).append(',').append(move).append(',').append(accepted ? 1 : 0).append(',')
                .append(String.format(Locale.ROOT, "%.6f", du)).append(',');
        if (!Double.isNaN(dlogq)) line.append(String.format(Locale.ROOT, "%.6f", dlogq));
        for (Observable o : observables) line.append(',').append(String.format(Locale.ROOT, "%.6f", o.value().applyAsDouble(x)));
        moves.write(line.append('\n').toString());
        movesLines++;
    }

    /** A saved frame. */
    void frame(double[] x, double energyKjMol) throws IOException {
        dcd.write(x);
        energies.append(energyKjMol);
        moves.flush();
    }

    int frames() {
        return energies.rows();
    }

    long movesLines() {
        return movesLines;
    }

    /** Everything written reaches the files (before a checkpoint counts it). */
    void flush() throws IOException {
        moves.flush();
    }

    Path directory() {
        return dir;
    }

    /** A column of a chain's moves.csv, in move order (for observables computed after the run). */
    static double[] column(Path chainDir, String column) throws IOException {
        Path file = chainDir.resolve(MOVES);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new MolecularFileException(file, "is empty");
        List<String> names = List.of(lines.getFirst().split(",", -1));
        int k = names.indexOf(column);
        if (k < 0) throw new MolecularFileException(file, "has no column " + column + " (columns " + lines.getFirst() + ")");
        List<Double> values = new ArrayList<>(lines.size());
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            try {
                values.add(Double.parseDouble(cells[k]));
            } catch (RuntimeException e) {
                throw new MolecularFileException(file, "line " + (i + 1) + " has no number in column " + column);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public void close() throws IOException {
        try (NpyAppender e = energies; DcdWriter d = dcd; BufferedWriter m = moves) {
            // closes all three
        }
    }
}
