/**
 * The one boundary of the array currency. Batches cross every interface of the library (flow,
 * coordinates, energy, training, generator, sampling) as ND4J {@code INDArray}s: float64 or
 * float32, row-major (n, d) matrices and length-n vectors. Hand-written kernels read and write the
 * array's own native memory through the views of {@link org.boltzmann4j.bg.tensor.Batches}
 * (no copy into a Java array and back); OpenMM reads a batch's memory directly through a
 * {@code MemorySegment} over it. Copies into and out of Java arrays happen only at the edges
 * (files, command line), through the conversions in the same class.
 */
package org.boltzmann4j.bg.tensor;
