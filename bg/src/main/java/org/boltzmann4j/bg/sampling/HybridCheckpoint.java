package org.boltzmann4j.bg.sampling;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.io.RunCheckpoint;

/**
 * The hybrid run's checkpoint ({@link RunCheckpoint} {@code checkpoint.b4j}): a header with the
 * run's progress and the settings a resume must repeat, and a body with each chain's state
 * ({@link Chain#writeState}).
 */
final class HybridCheckpoint implements Closeable {
    static final String NAME = "checkpoint.b4j";
    static final String FORMAT = "boltzmann4j-hybrid-checkpoint";
    static final int VERSION = 1;

    private final RunCheckpoint file;
    private final HybridSettings s;
    private final int atoms;

    private HybridCheckpoint(RunCheckpoint file, HybridSettings settings, int atoms) {
        this.file = file;
        this.s = settings;
        this.atoms = atoms;
    }

    static HybridCheckpoint open(Path out, HybridSettings settings, int atoms, boolean fresh) throws IOException {
        return new HybridCheckpoint(RunCheckpoint.open(out, NAME, FORMAT, VERSION, fresh), settings, atoms);
    }

    static boolean exists(Path out) throws IOException {
        return RunCheckpoint.exists(out, NAME);
    }

    /** Writes the chains at {@code step}; their files are flushed first, so the counts it records are on disk. */
    void write(long step, long flowRound, List<Chain> chains, boolean durable) throws IOException {
        for (Chain chain : chains) chain.files.flush();
        ObjectNode header = file.header().put("step", step).put("flow_round", flowRound).put("chains", s.chains())
                .put("atoms", atoms).put("seed", s.seed()).put("local", s.local().name()).put("local_steps", s.localSteps())
                .put("flow_every", s.flowEvery()).put("save_every", s.saveEvery()).put("dt_ps", s.dtPs()).put("temperature_k", s.temperatureK());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            for (Chain chain : chains) chain.writeState(data);
        }
        file.write(header, bytes.toByteArray(), durable);
    }

    /** The restored progress: step, flow round, and per chain (frames, moves lines) to cut its files back to. */
    record Progress(long step, long flowRound, long[][] fileLengths) {}

    /** Restores every chain's state from the newest checkpoint; settings that differ are one clear error. */
    static Progress restore(Path out, HybridSettings s, int atoms, List<Chain> chains) throws IOException {
        RunCheckpoint.Saved saved = RunCheckpoint.read(out, NAME, FORMAT, VERSION);
        saved.requireSame("atoms", "atoms", atoms);
        saved.requireSame("chains", "--chains", s.chains());
        saved.requireSame("seed", "--seed", s.seed());
        saved.requireSame("local", "--local", s.local().name());
        saved.requireSame("local_steps", "--local-steps", s.localSteps());
        saved.requireSame("flow_every", "--flow-every", s.flowEvery());
        saved.requireSame("save_every", "--save-every", s.saveEvery());
        saved.requireSame("dt_ps", "--dt-ps", s.dtPs());
        saved.requireSame("temperature_k", "--temperature-k", s.temperatureK());
        long[][] lengths = new long[chains.size()][];
        try (DataInputStream data = saved.bodyStream()) {
            for (Chain chain : chains) lengths[chain.index] = chain.readState(data);
        } catch (IOException | RuntimeException e) {
            throw saved.corrupt(e);
        }
        return new Progress(saved.header().path("step").asLong(), saved.header().path("flow_round").asLong(), lengths);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
