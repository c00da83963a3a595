/**
 * The {@code bg} command line (picocli): a thin layer where each command is a library call.
 * GNU-style long options with units in their names, {@code --help} everywhere, exit code 0/1/2,
 * one line on stderr for errors, outputs written atomically.
 */
package org.boltzmann4j.bg.cli;
