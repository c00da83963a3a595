package org.boltzmann4j.bg.sampling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.io.AtomicFile;

/**
 * {@code out/summary.json} of a hybrid run: the settings that shape it, acceptance rates and
 * energy evaluations per chain and in all. What a caller computes from the chains' outputs
 * afterwards (phi transitions, say) joins it with {@link #withCounts}.
 */
public final class HybridSummary {
    public static final String FILE = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode root;
    private final List<HybridSampler.ChainSummary> chains;

    HybridSummary(HybridSettings s, HybridSampler.Result result) {
        this.chains = result.chains();
        root = JSON.createObjectNode();
        root.put("steps", result.step()).put("chains", s.chains()).put("local", s.local().label())
                .put("local_steps", s.localSteps()).put("flow_every", s.flowEvery()).put("temperature_k", s.temperatureK())
                .put("dt_ps", s.dtPs());
        long evaluations = 0, flowMoves = 0, flowAccepted = 0, localMoves = 0, localAccepted = 0;
        ArrayNode list = root.putArray("per_chain");
        for (HybridSampler.ChainSummary c : chains) {
            list.addObject().put("chain", c.chain()).put("local_moves", c.localMoves()).put("local_acceptance", rate(c.localAccepted(), c.localMoves()))
                    .put("flow_moves", c.flowMoves()).put("flow_acceptance", rate(c.flowAccepted(), c.flowMoves()))
                    .put("energy_evaluations", c.energyEvaluations()).put("frames", c.frames());
            evaluations += c.energyEvaluations();
            flowMoves += c.flowMoves();
            flowAccepted += c.flowAccepted();
            localMoves += c.localMoves();
            localAccepted += c.localAccepted();
        }
        root.put("energy_evaluations", evaluations).put("flow_moves", flowMoves).put("flow_acceptance", rate(flowAccepted, flowMoves))
                .put("local_moves", localMoves).put("local_acceptance", rate(localAccepted, localMoves));
    }

    /** The summary of a finished run (as {@link HybridSampler#run} wrote it). */
    public static HybridSummary of(HybridSettings settings, HybridSampler.Result result) {
        return new HybridSummary(settings, result);
    }

    /**
     * Adds a count per chain (into each per_chain entry) and its total, with the total per 10^6
     * energy evaluations ({@code NAME_per_million_evaluations}), the rate at which sampling
     * methods are compared.
     */
    public HybridSummary withCounts(String name, long[] perChain) {
        if (perChain.length != chains.size()) throw new IllegalArgumentException(perChain.length + " counts for " + chains.size() + " chains");
        long total = 0;
        for (int c = 0; c < perChain.length; c++) {
            ((ObjectNode) root.path("per_chain").get(c)).put(name, perChain[c]);
            total += perChain[c];
        }
        long evaluations = root.path("energy_evaluations").asLong();
        root.put(name, total).put(name + "_per_million_evaluations", evaluations == 0 ? 0 : total * 1e6 / evaluations);
        return this;
    }

    /** Adds a number describing how something was computed (a core-set margin, say). */
    public HybridSummary with(String name, double value) {
        root.put(name, value);
        return this;
    }

    public HybridSummary with(String name, long value) {
        root.put(name, value);
        return this;
    }

    public ObjectNode json() {
        return root.deepCopy();
    }

    /** Writes {@code out/summary.json} atomically. */
    public void write(Path out) throws IOException {
        AtomicFile.writeString(out.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static double rate(long accepted, long total) {
        return total == 0 ? 0 : (double) accepted / total;
    }
}
