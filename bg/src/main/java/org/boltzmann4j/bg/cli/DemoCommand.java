package org.boltzmann4j.bg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.pipeline.AldpPipeline;
import org.boltzmann4j.bg.pipeline.PipelinePlan;
import org.boltzmann4j.bg.training.MolecularTraining;
import org.boltzmann4j.bg.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the main job: a Boltzmann generator for alanine dipeptide from end to end.",
                "On the bundled aldp-implicit at 300 K, it runs independent MD replicas (--train-replicas to train on, default 1, and one "
                        + "held out as the reference), trains the flow (by example; --by mixed or energy adds OpenMM forces), draws and "
                        + "reweights samples, evaluates them against the held-out MD and writes everything under --out: md/, model/, samples/, "
                        + "report/ (metrics.json, PNG plots, report.md) and demo.json (the budget spent). A killed run continues its MD when "
                        + "started again with the same --out. About 10 minutes on 2 cores; --quick about 2; scripts/bench-aldp (3 training "
                        + "replicas, a larger flow) about 25. From Java: AldpPipeline.run(PipelinePlan, out, listener)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A first look: " + PipelinePlan.QUICK_MD_PS + " ps of MD per replica, " + PipelinePlan.QUICK_TRAIN_STEPS
            + " training steps, " + PipelinePlan.QUICK_SAMPLES + " samples.")
    boolean quick;

    @Option(names = "--preset", defaultValue = "quick", paramLabel = "quick|standard",
            description = "Flow size (default: ${DEFAULT-VALUE}: 4 couplings of width 64; standard: 8 of width 256, which overfits the "
                    + "demo's correlated MD frames: its held-out NLL rose from -214.7 to -196 over 3000 steps in our run).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: a new demo-<time> folder here).")
    Path out;

    @Option(names = "--train-replicas", defaultValue = "1", paramLabel = "K",
            description = "MD replicas to train on (default: ${DEFAULT-VALUE}); one more is run and held out as the reference.")
    int trainReplicas;

    @Mixin FlowSizeOptions flowSize;

    @Option(names = "--md-ps", paramLabel = "PS", description = "MD length per replica in ps, a frame every 0.1 ps (default: " + PipelinePlan.DEFAULT_MD_PS
            + ", quick: " + PipelinePlan.QUICK_MD_PS + ").")
    Integer mdPs;

    @Option(names = "--train-steps", paramLabel = "N", description = "Training steps (default: " + PipelinePlan.DEFAULT_TRAIN_STEPS + ", quick: "
            + PipelinePlan.QUICK_TRAIN_STEPS + ").")
    Integer trainSteps;

    @Option(names = "--by", defaultValue = MolecularTraining.Plan.DEFAULT_BY, paramLabel = "example|energy|mixed",
            description = "How to train (default: ${DEFAULT-VALUE}; mixed did not beat it at this budget in our runs).")
    String by;

    @Option(names = "--samples", paramLabel = "N", description = "Flow samples to draw and evaluate (default: " + PipelinePlan.DEFAULT_SAMPLES + ", quick: "
            + PipelinePlan.QUICK_SAMPLES + ").")
    Integer samples;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of MD, training and sampling (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "OpenMM contexts evaluating in parallel, and MD replicas running at once (default: one per core).")
    int threads;

    @Override
    public Integer call() throws Exception {
        PipelinePlan plan;
        Path dir = out != null ? out : Path.of("demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            plan = (quick ? PipelinePlan.quick() : PipelinePlan.defaults()).withSeed(seed).withFlow(flowSize.architecture(preset, "internal", seed))
                    .withTrainReplicas(trainReplicas).withThreads(threads);
            plan = plan.withTraining(plan.training().withBy(by));
            if (mdPs != null) plan = plan.withMdPs(mdPs);
            if (trainSteps != null) plan = plan.withTraining(plan.training().withSteps(trainSteps));
            if (samples != null) plan = plan.withSamples(samples);
            AldpPipeline.requireUnfinished(dir);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        AldpPipeline.Result result;
        try (ProgressListener listener = new ProgressListener(plan)) {
            result = AldpPipeline.run(plan, dir, listener);
        }
        JsonNode m = result.report().metrics();
        JsonNode df = m.path("delta_f_kt");
        System.out.printf("Alanine dipeptide Boltzmann generator (aldp-implicit, 300 K), %.0f s%n", result.budget().totalWallSeconds());
        System.out.printf("  normalised ESS      %.4f of %d samples (no weights dropped)%n", result.ess(), plan.samples());
        System.out.printf("  NLL of held-out MD  %.2f nats%n", result.nllNats());
        System.out.printf("  energy W1           %.2f kJ/mol (MD vs reweighted flow)%n", m.path("energy_w1_kjmol").asDouble());
        System.out.printf("  KL phi / psi        %.4f / %.4f%n", m.path("phi_kl").asDouble(), m.path("psi_kl").asDouble());
        System.out.printf("  dF(phi>0 vs phi<0)  MD %s, flow %s, reweighted %s kT%n", value(df.path("md")), value(df.path("flow")), value(df.path("reweighted")));
        System.out.println("Report: " + result.reportFile());
        return 0;
    }

    private static String value(JsonNode d) {
        return d.path("value").isNull() || d.path("value").isMissingNode() ? "unbounded" : String.format("%.2f", d.path("value").asDouble());
    }

    /** The pipeline's progress as the command line shows it: a line per stage, a bar for the MD replicas, bars for training and sampling. */
    private static final class ProgressListener implements AldpPipeline.Listener, AutoCloseable {
        private final PipelinePlan plan;
        private Progress bar;

        ProgressListener(PipelinePlan plan) {
            this.plan = plan;
        }

        @Override
        public void stage(AldpPipeline.Stage stage, String description) {
            close();
            System.err.printf("demo: [%d/4] %s%n", stage.ordinal() + 1, description);
            if (stage == AldpPipeline.Stage.TRAINING) bar = new Progress("train", plan.training().steps(), "steps");
            if (stage == AldpPipeline.Stage.SAMPLING) bar = new Progress("sample", plan.samples(), "samples");
        }

        @Override
        public void md(long done, long total, int replica, double nsPerDay) {
            if (bar == null) bar = new Progress("md", total, "steps");
            bar.stepTo(done, String.format("replica %d at %.0f ns/day", replica, nsPerDay));
        }

        @Override
        public void training(Trainer.Progress p) {
            bar.stepTo(p.step(), String.format("loss %.3f, held-out NLL %.2f, ESS %.3f", p.meanLoss(), p.heldOutNll(), p.ess()));
        }

        @Override
        public void sampled(int done, int total) {
            bar.stepTo(done);
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
            bar = null;
        }
    }
}
