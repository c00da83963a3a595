package org.boltzmann4j.bg.cli;

import org.boltzmann4j.bg.generator.FlowArchitecture;
import picocli.CommandLine.Option;

/** --couplings, --hidden and --bins: a preset's flow with its size overridden, shared by train and demo. */
final class FlowSizeOptions {
    @Option(names = "--couplings", paramLabel = "N", description = "Spline coupling layers (default: from the preset).")
    Integer couplings;

    @Option(names = "--hidden", paramLabel = "W[,W...]", split = ",",
            description = "Hidden layer widths of each conditioner network (default: from the preset).")
    int[] hidden;

    @Option(names = "--bins", paramLabel = "K", description = "Spline bins per coordinate (default: from the preset).")
    Integer bins;

    /** The flow of {@code preset} (quick or standard) with the sizes given on the command line. */
    FlowArchitecture architecture(String preset, String coordinates, long seed) {
        if (!preset.equals("quick") && !preset.equals("standard"))
            throw new Main.UsageException("--preset must be quick or standard, got " + preset);
        FlowArchitecture base = preset.equals("quick") ? FlowArchitecture.quick(coordinates, seed) : FlowArchitecture.standard(coordinates, seed);
        try {
            return new FlowArchitecture(coordinates, couplings != null ? couplings : base.couplings(), bins != null ? bins : base.bins(),
                    hidden != null ? hidden : base.hidden(), base.splineBound(), seed);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException("--couplings/--hidden/--bins: " + e.getMessage());
        }
    }
}
