package org.boltzmann4j.bg.training;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.boltzmann4j.bg.energy.CountingEnergy;
import org.boltzmann4j.bg.energy.OpenMMEnergy;
import org.boltzmann4j.bg.energy.RegularizedEnergy;
import org.boltzmann4j.bg.generator.BoltzmannGenerator;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;
import org.boltzmann4j.bg.tensor.Batches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Trains a {@link MolecularModel} against its OpenMM System: by example (maximum likelihood on
 * MD frames), by energy (reverse KL with OpenMM energies and forces), mixed (by example
 * throughout, the energy term ramped in over the middle third of the run, as in Noé et al. 2019),
 * or by FAB (the alpha = 2 divergence with AIS and a replay buffer, {@link FabLoss}; no data).
 * Parameters and optimizer state go to {@code out/parameters.zip} every {@link Plan#checkpointInterval()}
 * steps, from which a killed run resumes bit-identically; model.json records how it was trained,
 * including the number of OpenMM energy evaluations spent.
 */
public final class MolecularTraining {
    private MolecularTraining() {}

    /**
     * How a molecular model is trained. Start from {@link #defaults()} (or {@link #quick()}) and
     * change what differs with the withers; the evaluation and checkpoint intervals follow from
     * the number of steps.
     *
     * @param by "example", "energy", "mixed" or "fab"
     * @param learningRate peak learning rate of the cosine schedule (warm-up over the first tenth,
     *     at most 200 steps; decay to a hundredth)
     * @param seed seed of the data split, the batches and the latent samples
     * @param energyWeight weight of the reverse KL term relative to maximum likelihood in "mixed"
     * @param energyCutoffKjMol energies above it are continued log-linearly for the energy loss
     * @param clipNorm maximum global gradient norm
     * @param essSamples flow samples whose ESS is reported at each evaluation (OpenMM evaluations
     *     too; 0 for none)
     */
    public record Plan(String by, int steps, int batchSize, double learningRate, long seed, double energyWeight,
            double energyCutoffKjMol, double clipNorm, int essSamples) {
        public static final String DEFAULT_BY = "example";
        public static final int DEFAULT_STEPS = 5000;
        /** Steps of the quick preset. */
        public static final int QUICK_STEPS = 1000;
        public static final int DEFAULT_BATCH_SIZE = 256;
        public static final double DEFAULT_LEARNING_RATE = 1e-3;
        public static final long DEFAULT_SEED = 1;
        public static final double DEFAULT_ENERGY_WEIGHT = 0.1;
        public static final double DEFAULT_ENERGY_CUTOFF_KJMOL = 1e3;
        public static final double DEFAULT_CLIP_NORM = 100;
        public static final int DEFAULT_ESS_SAMPLES = 512;

        public Plan {
            if (!"example".equals(by) && !"energy".equals(by) && !"mixed".equals(by) && !"fab".equals(by))
                throw new IllegalArgumentException("--by must be example, energy, mixed or fab, got " + by);
            if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
            if (batchSize < 2) throw new IllegalArgumentException("--batch must be >= 2, got " + batchSize);
            if (!(learningRate > 0)) throw new IllegalArgumentException("--learning-rate must be > 0, got " + learningRate);
            if (!(energyWeight >= 0)) throw new IllegalArgumentException("--energy-weight must be >= 0, got " + energyWeight);
            if (!(energyCutoffKjMol > 0)) throw new IllegalArgumentException("energy cutoff must be > 0 kJ/mol, got " + energyCutoffKjMol);
            if (!(clipNorm > 0)) throw new IllegalArgumentException("clip norm must be > 0, got " + clipNorm);
            if (essSamples < 0) throw new IllegalArgumentException("ESS samples must be >= 0, got " + essSamples);
        }

        /** By example, 5000 steps of 256, learning rate 1e-3, seed 1, clip norm 100, 512 ESS samples per evaluation. */
        public static Plan defaults() {
            return new Plan(DEFAULT_BY, DEFAULT_STEPS, DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE, DEFAULT_SEED, DEFAULT_ENERGY_WEIGHT,
                    DEFAULT_ENERGY_CUTOFF_KJMOL, DEFAULT_CLIP_NORM, DEFAULT_ESS_SAMPLES);
        }

        /** The defaults with the quick preset's 1000 steps. */
        public static Plan quick() {
            return defaults().withSteps(QUICK_STEPS);
        }

        public Plan withBy(String value) {
            return new Plan(value, steps, batchSize, learningRate, seed, energyWeight, energyCutoffKjMol, clipNorm, essSamples);
        }

        public Plan withSteps(int value) {
            return new Plan(by, value, batchSize, learningRate, seed, energyWeight, energyCutoffKjMol, clipNorm, essSamples);
        }

        public Plan withBatchSize(int value) {
            return new Plan(by, steps, value, learningRate, seed, energyWeight, energyCutoffKjMol, clipNorm, essSamples);
        }

        public Plan withLearningRate(double value) {
            return new Plan(by, steps, batchSize, value, seed, energyWeight, energyCutoffKjMol, clipNorm, essSamples);
        }

        public Plan withSeed(long value) {
            return new Plan(by, steps, batchSize, learningRate, value, energyWeight, energyCutoffKjMol, clipNorm, essSamples);
        }

        public Plan withEnergyWeight(double value) {
            return new Plan(by, steps, batchSize, learningRate, seed, value, energyCutoffKjMol, clipNorm, essSamples);
        }

        public Plan withEnergyCutoffKjMol(double value) {
            return new Plan(by, steps, batchSize, learningRate, seed, energyWeight, value, clipNorm, essSamples);
        }

        public Plan withClipNorm(double value) {
            return new Plan(by, steps, batchSize, learningRate, seed, energyWeight, energyCutoffKjMol, value, essSamples);
        }

        public Plan withEssSamples(int value) {
            return new Plan(by, steps, batchSize, learningRate, seed, energyWeight, energyCutoffKjMol, clipNorm, value);
        }

        /** Held-out NLL and ESS every tenth of the run, at most every 250 steps. */
        public int evaluationInterval() {
            return Math.max(1, Math.min(250, steps / 10));
        }

        /** A checkpoint every quarter of the run, at most every 500 steps. */
        public int checkpointInterval() {
            return Math.max(1, Math.min(500, steps / 4));
        }

        public boolean needsData() {
            return !by.equals("energy") && !by.equals("fab");
        }

        public boolean needsEnergy() {
            return !by.equals("example") || essSamples > 0;
        }

        TrainingConfig config(Path checkpoint) {
            Schedule example, energy;
            switch (by) {
                case "example" -> {
                    example = Schedule.constant(1);
                    energy = Schedule.constant(0);
                }
                case "energy" -> {
                    example = Schedule.constant(0);
                    energy = Schedule.constant(1);
                }
                case "fab" -> { // the FabLoss draws its own samples
                    example = Schedule.constant(0);
                    energy = Schedule.constant(0);
                }
                default -> {
                    example = Schedule.constant(1);
                    energy = Schedule.ramp(steps / 3, 2L * steps / 3, 0, energyWeight);
                }
            }
            return TrainingConfig.defaults().withSteps(steps).withBatchSize(batchSize)
                    .withLearningRate(Schedule.cosine(learningRate, Math.min(200, steps / 10), steps, learningRate / 100))
                    .withClipNorm(clipNorm).withWeights(example, energy, Schedule.constant(0)).withSeed(seed).withHeldOutFraction(needsData() ? 0.1 : 0)
                    .withEvaluationInterval(evaluationInterval()).withEssSamples(essSamples).withCheckpoint(checkpoint, checkpointInterval());
        }
    }

    /**
     * Training data from MD files (.dcd, .npy in nm, .pdb), joined in the order given; each must
     * hold frames of {@code atoms} atoms ({@code source} names the structure in the message).
     */
    public static Frames readData(List<Path> files, int atoms, String source) throws IOException {
        List<Frames> parts = new ArrayList<>();
        for (Path file : files) {
            Frames part = Coordinates.load(file);
            if (part.frames() == 0) throw new IllegalArgumentException(file + ": no frames");
            if (part.atoms() != atoms) throw new IllegalArgumentException(file + ": " + part.atoms() + " atoms per frame, " + source + " has " + atoms);
            parts.add(part);
        }
        return Frames.concat(parts);
    }

    /** The energy evaluations spent and the last progress report. */
    public record Result(long energyEvaluations, double seconds, Trainer.Progress last) {}

    /**
     * Trains the model and saves it into {@code out} (model.json, system.xml, structure.pdb,
     * parameters.zip).
     *
     * @param data MD frames (nm) for training by example; null for training by energy only
     * @param resume continue from out/parameters.zip instead of starting anew
     */
    public static Result train(MolecularModel model, Frames data, Plan plan, String platform, int threads, Path out, boolean resume,
            Trainer.Listener listener) throws IOException {
        return train(model, data, plan, FabLoss.Settings.defaults(), platform, threads, out, resume, listener, null);
    }

    /** A report of a FAB run: the trainer's progress, the latest AIS batch and the energy evaluations so far (earlier runs of a resumed one included). */
    @FunctionalInterface
    public interface FabListener {
        void report(Trainer.Progress progress, FabLoss.Status status, long energyEvaluations);
    }

    /**
     * As {@link #train(MolecularModel, Frames, Plan, String, int, Path, boolean, Trainer.Listener)}, with the
     * settings of {@code --by fab} (AIS towards p^2/q in the flow's latent space, its circular torsions
     * wrapped, and the replay buffer; see {@link FabLoss}) and a listener of FAB's progress (or null).
     */
    public static Result train(MolecularModel model, Frames data, Plan plan, FabLoss.Settings fab, String platform, int threads, Path out,
            boolean resume, Trainer.Listener listener, FabListener fabListener) throws IOException {
        if (plan.needsData() && (data == null || data.frames() < 10))
            throw new IllegalArgumentException("training " + (plan.by().equals("mixed") ? "mixed" : "by example") + " needs MD frames (at least 10), got "
                    + (data == null ? "none" : data.frames()));
        if (data != null && data.atoms() != model.atoms())
            throw new IllegalArgumentException("the data have " + data.atoms() + " atoms, the system " + model.atoms());
        Files.createDirectories(out);
        model.save(out);
        Path checkpoint = out.resolve(MolecularModel.PARAMETERS);
        long start = System.nanoTime();
        try (OpenMMEnergy openmm = new OpenMMEnergy(model.systemXml(), platform, Map.of(), threads)) {
            CountingEnergy counted = new CountingEnergy(RegularizedEnergy.of(openmm, plan.energyCutoffKjMol()));
            BoltzmannGenerator generator = model.generator(counted);
            INDArray x = plan.needsData() ? Batches.matrix(data.xyz(), data.frames(), 3 * data.atoms(), DataType.DOUBLE) : null;
            Trainer trainer = resume ? Trainer.resume(checkpoint, generator, x)
                    : plan.by().equals("fab") ? new Trainer(generator, null, plan.config(checkpoint),
                            new FabLoss(generator, model.built().circular(), fab, plan.batchSize(), plan.seed()))
                    : new Trainer(generator, x, plan.config(checkpoint));
            if (listener != null) trainer.addListener(listener);
            long before = resume ? model.training().path("energy_evaluations").asLong(0) : 0;
            if (fabListener != null && trainer.loss() instanceof FabLoss f)
                trainer.addListener(p -> fabListener.report(p, f.status(), before + counted.evaluations()));
            Trainer.Progress last = trainer.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            long previous = resume ? model.training().path("energy_evaluations").asLong(0) : 0;
            var info = model.training();
            info.put("by", plan.by()).put("steps", plan.steps()).put("batch_size", plan.batchSize()).put("learning_rate", plan.learningRate())
                    .put("seed", plan.seed()).put("energy_weight", plan.by().equals("mixed") ? plan.energyWeight() : plan.by().equals("energy") ? 1 : 0)
                    .put("energy_cutoff_kjmol", plan.energyCutoffKjMol()).put("platform", platform)
                    .put("energy_evaluations", previous + counted.evaluations())
                    .put("data_frames", data == null ? 0 : data.frames())
                    .put("wall_seconds", (resume ? model.training().path("wall_seconds").asDouble(0) : 0) + seconds);
            if (trainer.loss() instanceof FabLoss f) {
                info.set("fab", f.settings().toJson());
                if (Double.isFinite(f.status().aisEss())) info.put("fab_ais_ess", f.status().aisEss());
            }
            if (last != null) {
                if (Double.isFinite(last.heldOutNll())) info.put("held_out_nll_nats", last.heldOutNll());
                if (Double.isFinite(last.ess())) info.put("ess", last.ess());
            }
            model.save(out);
            return new Result(counted.evaluations(), seconds, last);
        }
    }
}
