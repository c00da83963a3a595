/**
 * Whole jobs as one library call: {@link org.boltzmann4j.bg.pipeline.AldpPipeline} runs the
 * product's main job (MD replicas, training, sampling, reweighting, evaluation) from a {@link
 * org.boltzmann4j.bg.pipeline.PipelinePlan}; its MD replicas run through the same library call as
 * {@code bg md --replicas} (sampling.MolecularDynamics.runReplicas, threads in one process). A package of its own
 * because a pipeline composes sampling, training, generator and analysis: placed in any of them,
 * it would make that package import the others, against the one direction of dependencies.
 *
 * <pre>
 *   var result = AldpPipeline.run(PipelinePlan.quick().withSeed(2), Path.of("demo"), AldpPipeline.Listener.SILENT);
 * </pre>
 */
package org.boltzmann4j.bg.pipeline;
