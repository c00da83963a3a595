/**
 * Whole jobs as one library call: {@link org.boltzmann4j.bg.pipeline.AldpPipeline} runs the
 * product's main job (MD replicas, training, sampling, reweighting, evaluation) from a {@link
 * org.boltzmann4j.bg.pipeline.PipelinePlan}, and {@link org.boltzmann4j.bg.pipeline.MdReplicas}
 * runs independent MD replicas for it and for {@code bg md --replicas}. A package of its own
 * because a pipeline composes sampling, training, generator and analysis: placed in any of them,
 * it would make that package import the others, against the one direction of dependencies.
 *
 * <pre>
 *   var result = AldpPipeline.run(PipelinePlan.quick().withSeed(2), Path.of("demo"), AldpPipeline.Listener.SILENT);
 * </pre>
 */
package org.boltzmann4j.bg.pipeline;
