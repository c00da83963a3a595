package org.boltzmann4j.bg.cli;

import org.boltzmann4j.bg.generator.FlowArchitecture;
import picocli.CommandLine.Option;

/** --transformer, --couplings, --hidden and --bins: a preset's flow with its kind and size overridden, shared by train and demo. */
final class FlowSizeOptions {
    @Option(names = "--transformer", defaultValue = FlowArchitecture.SPLINE, paramLabel = "spline|realnvp",
            description = "Coupling layers (default: ${DEFAULT-VALUE}: rational-quadratic splines; realnvp: affine couplings, bgflow's basic flow, "
                    + "with circular splines on the circular torsions).")
    String transformer;

    @Option(names = "--couplings", paramLabel = "N", description = "Coupling layers (default: from the preset).")
    Integer couplings;

    @Option(names = "--hidden", paramLabel = "W[,W...]", split = ",",
            description = "Hidden layer widths of each conditioner network (default: from the preset).")
    int[] hidden;

    @Option(names = "--bins", paramLabel = "K", description = "Spline bins per coordinate (realnvp: per circular torsion; default: from the preset).")
    Integer bins;

    /** The flow of {@code preset} (quick or standard) with the kind and sizes given on the command line. */
    FlowArchitecture architecture(String preset, String coordinates, long seed) {
        if (!preset.equals("quick") && !preset.equals("standard"))
            throw new Main.UsageException("--preset must be quick or standard, got " + preset);
        try {
            FlowArchitecture a = preset.equals("quick") ? FlowArchitecture.quick(coordinates, seed) : FlowArchitecture.standard(coordinates, seed);
            a = a.withTransformer(transformer);
            if (couplings != null) a = a.withCouplings(couplings);
            if (bins != null) a = a.withBins(bins);
            if (hidden != null) a = a.withHidden(hidden);
            return a;
        } catch (IllegalArgumentException e) {
            throw new Main.UsageException(e.getMessage());
        }
    }
}
