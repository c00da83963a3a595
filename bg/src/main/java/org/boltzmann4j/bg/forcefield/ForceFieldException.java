package org.boltzmann4j.bg.forcefield;

/**
 * A force field that cannot be read, or a topology it cannot parameterise. The message is one
 * line that names the file, or the residue and its atoms, and says what is wrong, so the command
 * line can print it as is.
 */
public final class ForceFieldException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ForceFieldException(String message) {
        super(message);
    }

    public ForceFieldException(String message, Throwable cause) {
        super(message, cause);
    }
}
