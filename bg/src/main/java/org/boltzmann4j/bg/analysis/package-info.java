/**
 * Analysis of samples and of generators, the quantities the Boltzmann-generator literature
 * reports: importance weights and Kish effective sample sizes ({@link org.boltzmann4j.bg.analysis.KishEss},
 * {@link org.boltzmann4j.bg.analysis.SampleWeights}); backbone dihedrals found from a peptide's
 * topology ({@link org.boltzmann4j.bg.analysis.BackboneDihedrals},
 * {@link org.boltzmann4j.bg.analysis.Dihedral}); weighted histograms on the line and on the
 * (phi, psi) torus with free energies -ln p in kT; the populations of phi &lt;= 0 and phi &gt; 0,
 * dF between them with bootstrap intervals, and core-set transition counts
 * ({@link org.boltzmann4j.bg.analysis.PhiStates}); integrated autocorrelation times with Sokal's
 * window ({@link org.boltzmann4j.bg.analysis.AutocorrelationTime}); the metrics for comparing two
 * sample sets, KL of dihedral histograms and Wasserstein-1 and -2 of energies
 * ({@link org.boltzmann4j.bg.analysis.DistributionMetrics}), the torus Wasserstein-2 of (phi, psi)
 * by exact assignment ({@link org.boltzmann4j.bg.analysis.TorusWasserstein},
 * {@link org.boltzmann4j.bg.analysis.LinearAssignment}); PNG plots
 * ({@link org.boltzmann4j.bg.analysis.Plots}); the whole report behind {@code bg analyze}
 * ({@link org.boltzmann4j.bg.analysis.BackboneAnalysis}) and behind {@code bg evaluate}
 * ({@link org.boltzmann4j.bg.analysis.GeneratorEvaluation}, with its
 * {@link org.boltzmann4j.bg.analysis.EvaluationWarnings}); and the table of the generator
 * benchmarks ({@link org.boltzmann4j.bg.analysis.BenchmarkTable}).
 *
 * <p>Conventions: angles in radians on (-pi, pi] (degrees only on plots and in CSV/JSON keys
 * that say deg); free energies in kT unless a name says kjmol; weights are non-negative and of
 * any scale, null meaning equal weights, and come from log-weights by subtracting their maximum
 * before exponentiating.
 */
package org.boltzmann4j.bg.analysis;
