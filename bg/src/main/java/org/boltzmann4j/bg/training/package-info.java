/**
 * Training Boltzmann generators: by example (maximum likelihood on samples, {@link
 * org.boltzmann4j.bg.training.MaximumLikelihood}), by energy (reverse KL towards exp(-U/kT),
 * {@link org.boltzmann4j.bg.training.ReverseKl}, and the mass-covering forward KL estimated on the
 * flow's own reweighted samples, {@link org.boltzmann4j.bg.training.ReweightedForwardKl}, which
 * keeps minor modes that reverse KL alone loses), mixed with weights that follow a {@link
 * org.boltzmann4j.bg.training.Schedule} ({@link org.boltzmann4j.bg.training.MixedLoss}), as in
 * Noé et al. 2019; the {@link org.boltzmann4j.bg.training.Adam} optimizer with learning-rate
 * schedules and global gradient-norm clipping; seeded minibatches with a held-out split; and a
 * {@link org.boltzmann4j.bg.training.Trainer} whose runs resume bit for bit from a checkpoint
 * ({@link org.boltzmann4j.bg.training.TrainingCheckpoint}: the parameters, optimizer state and
 * data split, in the run-checkpoint container that MD and hybrid runs use,
 * {@link org.boltzmann4j.bg.io.RunCheckpoint}). A model's parameters are a separate {@link
 * org.boltzmann4j.bg.flow.ParameterArchive}, written before each checkpoint by a checkpoint hook,
 * so that a generator loads them without importing this package.
 *
 * <p>Losses have hand-written gradients: each pushes dL/d(output) and dL/d(logDet) through a
 * flow's {@code Transform.Pass}, which accumulates dL/dθ into the parameters, and then release
 * the pass ({@code Transform.Pass.release}) so that its native intermediates are freed at once.
 * The training data are held once (the caller's array); minibatches are gathered into one reused
 * buffer.
 *
 * <pre>
 *   BoltzmannGenerator bg = new BoltzmannGenerator(base, flow, energy, kT);
 *   TrainingConfig config = TrainingConfig.defaults().withSteps(5000).withBatchSize(256)
 *           .withLearningRate(Schedule.cosine(1e-3, 100, 5000, 1e-5)).withClipNorm(100)
 *           .withWeights(Schedule.constant(1), Schedule.ramp(2000, 4000, 0, 0.1), Schedule.constant(0))
 *           .withCheckpoint(Path.of("run/checkpoint"), 500).withEssSamples(1000).withSeed(1);
 *   new Trainer(bg, samples, config).addListener(p -&gt; System.out.println(p)).run();
 *   // later: Trainer.resume(Path.of("run/checkpoint"), freshlyBuiltBg, samples).run();
 * </pre>
 */
package org.boltzmann4j.bg.training;
