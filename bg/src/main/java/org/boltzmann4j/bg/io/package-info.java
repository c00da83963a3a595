/**
 * Molecular files: NumPy arrays (.npy, .npz), structures (PDB), trajectories (DCD), and
 * {@link org.boltzmann4j.bg.io.Coordinates} to load configurations from any of them.
 *
 * <p>Every output here must open in Python with numpy or mdtraj without conversion, and every
 * write is atomic ({@link org.boltzmann4j.bg.io.AtomicFile}, which other packages use for their
 * outputs too). Coordinates are nm and float64 in memory, flat in C order (frames, atoms, 3)
 * ({@link org.boltzmann4j.bg.io.Frames}); PDB and DCD store Angstrom, which is converted at the
 * file boundary. Read errors are {@link org.boltzmann4j.bg.io.MolecularFileException}s whose
 * message starts with the file and says what is wrong with it. Pure Java: no ND4J here.
 */
package org.boltzmann4j.bg.io;
