package org.boltzmann4j.openmm;

/** A failure reported by OpenMM or by the native bridge, carrying the native message. */
public class OpenMMException extends RuntimeException {
    public OpenMMException(String message) {
        super(message);
    }

    public OpenMMException(String message, Throwable cause) {
        super(message, cause);
    }
}
