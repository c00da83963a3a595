package org.boltzmann4j.bg.cli;

import picocli.CommandLine.Option;

/** --platform and --threads, shared by the commands that evaluate OpenMM energies on a context pool. */
final class EnergyOptions {
    @Option(names = "--platform", defaultValue = "Reference", paramLabel = "NAME",
            description = "OpenMM platform for energies (default: ${DEFAULT-VALUE}, double precision and the fastest for small molecules; see 'bg platforms').")
    String platform;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "OpenMM contexts evaluating in parallel (default: one per core).")
    private int threads;

    /** The thread count; a negative one is bad usage. */
    int threads() {
        if (threads < 0) throw new Main.UsageException("--threads must be >= 0, got " + threads);
        return threads;
    }
}
