package org.boltzmann4j.bg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.boltzmann4j.bg.analysis.BackboneDihedrals;
import org.boltzmann4j.bg.generator.FlowProposal;
import org.boltzmann4j.bg.generator.MolecularModel;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.coordinates.DihedralAngle;
import org.boltzmann4j.bg.analysis.PhiStates;
import org.boltzmann4j.bg.sampling.HybridSampler;
import org.boltzmann4j.bg.sampling.HybridSettings;
import org.boltzmann4j.bg.sampling.HybridSummary;
import org.boltzmann4j.bg.sampling.LocalMove;
import org.boltzmann4j.bg.sampling.Observable;
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
    @Option(names = "--model", paramLabel = "DIR", description = "Trained model (bg train); without it or --tbg-model, no flow moves (plain MD or HMC).")
    Path model;

    @Option(names = "--tbg-model", paramLabel = "DIR", description = "Or a transferable model (bg tbg train) as the flow, for this --pdb's peptide"
            + " (dopri5, atol = rtol = 1e-4; mirror-image draws mirrored, diastereomer draws rejected and counted in summary.json;"
            + " log q of draws and of current states by the same backward integration, one row per solve: detailed balance holds"
            + " to the solver's tolerance, not exactly).")
    Path tbgModel;

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

    @Option(names = "--checkpoint-every-s", defaultValue = "60", paramLabel = "SECONDS",
            description = {"Wall time between checkpoints, taken at the next saved frame (default: ${DEFAULT-VALUE}; 0: at every saved frame).",
                    "A kill loses at most this much wall time plus one --save-every interval."})
    double checkpointEverySeconds;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint (same settings; --steps may grow).")
    boolean resume;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        HybridSettings settings;
        try {
            settings = HybridSettings.defaults().withSteps(steps).withFlowEvery(flowEvery).withLocal(LocalMove.of(local))
                    .withLocalSteps(localSteps).withDtPs(dtPs).withTemperatureK(temperatureK).withFrictionPerPs(frictionPerPs)
                    .withSaveEvery(saveEvery).withChains(chains).withSeed(seed).withPlatform(platform).withProperties(properties)
                    .withThreads(threads).withCheckpointEverySeconds(checkpointEverySeconds);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
        if (model != null && tbgModel != null) throw new Main.UsageException("--model and --tbg-model are mutually exclusive");
        if (flowEvery > 0 && model == null && tbgModel == null)
            throw new Main.UsageException("flow moves (--flow-every " + flowEvery + ") need --model or --tbg-model");
        if (!resume && HybridSampler.hasCheckpoint(out))
            throw new Main.UsageException(out + " already holds a run; use --resume to continue it or another --out");
        MolecularSystem molecular = systemOptions.molecular();
        Pdb.Structure structure = systemOptions.structure();
        String source = systemOptions.source();
        org.boltzmann4j.bg.sampling.Proposal proposal = null;
        if (model != null) {
            MolecularModel loaded = MolecularModel.load(model);
            loaded.requireSameTopology(structure.topology(), source);
            if (Math.abs(loaded.temperatureK() - temperatureK) > 1e-9)
                System.err.printf("hybrid: note: the model was trained at %.1f K, sampling at %.1f K (still exact: only acceptance suffers)%n",
                        loaded.temperatureK(), temperatureK);
            proposal = new FlowProposal(loaded);
        }
        if (tbgModel != null) proposal = TbgCommand.proposal(tbgModel, molecular, structure, source, temperatureK);
        // phi of the first residue, recorded after every move; its core-set transitions are counted afterwards (analysis/PhiStates).
        var pairs = BackboneDihedrals.pairs(structure.topology());
        List<Observable> observables = new ArrayList<>();
        if (!pairs.isEmpty()) {
            int[] a = pairs.getFirst().phi().atoms();
            observables.add(new Observable(PHI_COLUMN, x -> DihedralAngle.of(x, 3 * a[0], 3 * a[1], 3 * a[2], 3 * a[3])));
        }
        try (Progress progress = new Progress("hybrid", steps, "steps")) {
            var result = HybridSampler.run(molecular.systemXml(), structure.frames().frame(0), proposal, observables, settings, out, resume,
                    (step, total, accepted, moves) -> progress.stepTo(step,
                            moves == 0 ? null : String.format(Locale.ROOT, "flow acceptance %.3f", (double) accepted / moves)));
            HybridSummary summary = HybridSummary.of(settings, result);
            if (proposal instanceof org.boltzmann4j.bg.tbg.TbgProposal tbg) // this process's draws (a resumed run counts from the resume)
                summary = summary.with("tbg_draws", tbg.drawn()).with("tbg_dropped_chirality", tbg.droppedChirality());
            if (observables.isEmpty()) {
                summary.write(out);
                System.err.printf("hybrid: %d chains x %d steps -> %s%n", chains, result.step(), out.resolve(HybridSummary.FILE));
            } else {
                long[] transitions = new long[chains];
                for (int c = 0; c < chains; c++)
                    transitions[c] = PhiStates.transitions(HybridSampler.movesColumn(out, c, PHI_COLUMN), Math.toRadians(PHI_CORE_MARGIN_DEG));
                summary.withCounts("phi_transitions", transitions)
                        .with("phi_transition_core_margin_deg", PHI_CORE_MARGIN_DEG).write(out);
                System.err.printf("hybrid: %d chains x %d steps, %d phi transitions -> %s%n", chains, result.step(),
                        java.util.Arrays.stream(transitions).sum(), out.resolve(HybridSummary.FILE));
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("the start structure")) throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            throw e;
        }
        return 0;
    }

    private static final String PHI_COLUMN = "phi_rad";
    /** Core sets of phi transitions: 20 degrees from phi = 0 and +-180 ({@link PhiStates#transitions}). */
    private static final long PHI_CORE_MARGIN_DEG = 20;
}
