package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.BackboneDihedrals;
import org.boltzmann4j.bg.generator.FlowProposal;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.HybridSampler;
import org.boltzmann4j.bg.systems.MolecularSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "hybrid", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sample with a trained flow and MD together, keeping the Boltzmann distribution.",
                "Chains alternate local OpenMM moves (Langevin segments, or exact Metropolized HMC) with flow proposals accepted by",
                "Metropolis-Hastings, so that they jump between states.",
                "Per chain: OUT/chain-NNN/trajectory.dcd, energies.npy, moves.csv; OUT/summary.json with acceptance rates,",
                "phi-sign transitions and energy evaluations. Steps are MD steps. --resume continues a killed run."})
final class HybridCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "Trained model (bg train); without it, no flow moves (plain MD or HMC).")
    Path model;

    @Mixin SystemOptions systemOptions;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "MD steps per chain.")
    long steps;

    @Option(names = "--flow-every", defaultValue = "1000", paramLabel = "K", description = "MD steps between flow moves (default: ${DEFAULT-VALUE}; 0: none).")
    int flowEvery;

    @Option(names = "--local", defaultValue = "langevin", paramLabel = "langevin|hmc|none", description = "Local moves (default: ${DEFAULT-VALUE}).")
    String local;

    @Option(names = "--local-steps", defaultValue = "50", paramLabel = "L", description = "MD steps per local move: HMC trajectory length (default: ${DEFAULT-VALUE}).")
    int localSteps;

    @Option(names = "--dt-ps", defaultValue = "0.001", paramLabel = "PS", description = "Time step in ps (default: ${DEFAULT-VALUE}).")
    double dtPs;

    @Option(names = "--temperature-k", defaultValue = "300", paramLabel = "K", description = "Temperature in K (default: ${DEFAULT-VALUE}).")
    double temperatureK;

    @Option(names = "--friction-per-ps", defaultValue = "1", paramLabel = "GAMMA", description = "Langevin friction (default: ${DEFAULT-VALUE}).")
    double frictionPerPs;

    @Option(names = "--save-every", defaultValue = "1000", paramLabel = "K", description = "MD steps between saved frames (default: ${DEFAULT-VALUE}).")
    int saveEvery;

    @Option(names = "--chains", defaultValue = "2", paramLabel = "C", description = "Chains (default: ${DEFAULT-VALUE}).")
    int chains;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--platform", defaultValue = "Reference", paramLabel = "NAME", description = "OpenMM platform (default: ${DEFAULT-VALUE}).")
    String platform;

    @Option(names = "--property", paramLabel = "NAME=VALUE", description = "Platform property, repeatable.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Chains run in parallel (default: one per core).")
    int threads;

    @Option(names = "--checkpoint-every-s", defaultValue = "0", paramLabel = "SECONDS",
            description = "Minimum wall time between checkpoints, taken at saved frames (default: ${DEFAULT-VALUE} = at every one).")
    double checkpointEverySeconds;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint (same settings; --steps may grow).")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        HybridSampler.LocalMove move = switch (local) {
            case "langevin" -> HybridSampler.LocalMove.LANGEVIN;
            case "hmc" -> HybridSampler.LocalMove.HMC;
            case "none" -> HybridSampler.LocalMove.NONE;
            default -> throw new Main.UsageException("--local must be langevin, hmc or none, got " + local);
        };
        HybridSampler.Settings settings;
        try {
            settings = new HybridSampler.Settings(steps, flowEvery, move, localSteps, dtPs, temperatureK, frictionPerPs, saveEvery, chains, seed,
                    platform, properties, threads, checkpointEverySeconds);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (flowEvery > 0 && model == null) throw new Main.UsageException("flow moves (--flow-every " + flowEvery + ") need --model");
        if (!resume && HybridSampler.hasCheckpoint(out))
            throw new Main.UsageException(out + " already holds a run; use --resume to continue it or another --out");
        MolecularSystem molecular = systemOptions.molecular();
        Pdb.Structure structure = systemOptions.structure();
        String source = systemOptions.source();
        FlowProposal proposal = null;
        if (model != null) {
            MolecularModel loaded = MolecularModel.load(model);
            loaded.requireSameTopology(structure.topology(), source);
            if (Math.abs(loaded.temperatureK() - temperatureK) > 1e-9)
                System.err.printf("hybrid: note: the model was trained at %.1f K, sampling at %.1f K (still exact: only acceptance suffers)%n",
                        loaded.temperatureK(), temperatureK);
            proposal = new FlowProposal(loaded);
        }
        var pairs = BackboneDihedrals.pairs(structure.topology());
        int[] phi = pairs.isEmpty() ? null : pairs.getFirst().phi().atoms();
        try (Progress progress = new Progress("hybrid", steps, "steps")) {
            var result = HybridSampler.run(molecular.systemXml(), structure.frames().frame(0), proposal, phi, settings, out, resume,
                    (step, total, accepted, moves) -> progress.stepTo(step,
                            moves == 0 ? null : String.format(Locale.ROOT, "flow acceptance %.3f", (double) accepted / moves)));
            long transitions = result.chains().stream().mapToLong(HybridSampler.ChainSummary::phiTransitions).sum();
            System.err.printf("hybrid: %d chains x %d steps, %d phi transitions -> %s%n", chains, result.step(), transitions, out.resolve("summary.json"));
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("the start structure")) throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            throw e;
        }
        return 0;
    }
}
