/**
 * Datasets of many peptides: MD of each sequence (build, minimise, equilibrate, Langevin MD) as
 * one resumable unit of work ({@link org.boltzmann4j.bg.dataset.PeptideSimulation}), the dataset
 * folder and its dataset.json ({@link org.boltzmann4j.bg.dataset.Dataset}), seeds that depend on
 * the sequence only ({@link org.boltzmann4j.bg.dataset.PeptideSeeds}), train / validation / test
 * splits, and the engines that run the units of work: any {@link
 * org.boltzmann4j.bg.dataset.DatasetEngine} found on the class path (Apache Spark, in the
 * optional boltzmann4j-spark module), or Slurm job arrays ({@link
 * org.boltzmann4j.bg.dataset.SlurmScript}).
 *
 * <p>A unit of work runs {@code bg build} and {@code bg md} as child processes and knows them only
 * through their command lines and the files they write: a native crash stays in the child, and a
 * retried task starts from a clean process. (Reproducibility alone would not need it any more:
 * since the native layer gives each Context its own Langevin generator, MD in threads of one JVM is
 * reproducible by seed too.)
 */
package org.boltzmann4j.bg.dataset;
