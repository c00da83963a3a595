package org.boltzmann4j.bg.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A molecular file (NumPy, PDB, DCD) that cannot be read or written as asked.
 *
 * <p>The message always starts with the file, as the user named it, and then says what is wrong
 * with it, so the command line can print it as its one line on stderr:
 * {@code "run/trajectory.dcd: truncated at frame 13 of 20 (12 complete frames)"}.
 */
public final class MolecularFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /**
     * @param source the file, or a part of one such as {@code "data.npz[x.npy]"}
     * @param problem what is wrong, without the file name
     */
    public MolecularFileException(String source, String problem) {
        this(source, problem, null);
    }

    public MolecularFileException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    public MolecularFileException(Path file, String problem) {
        this(file.toString(), problem, null);
    }

    public MolecularFileException(Path file, String problem, Throwable cause) {
        this(file.toString(), problem, cause);
    }

    /** The file (or part of a file) the problem is in. */
    public String source() {
        return source;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
