package org.boltzmann4j.bg.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.io.AtomicFile;

/**
 * A Slurm job array over a dataset's units of work, for clusters without Spark: array task i runs
 * {@code bg dataset peptide DIR --index i} (the same {@link PeptideSimulation} as every engine).
 * {@code --requeue} lets Slurm restart a task of a failed or preempted node; the task then resumes
 * from its checkpoint, and a finished peptide (DONE.json) returns at once, so submitting the
 * script again runs only what is left.
 */
public final class SlurmScript {
    public static final String FILE = "dataset.slurm";

    private SlurmScript() {}

    public static Path write(Dataset dataset, BgLauncher launcher, String nativeLibrary, double checkpointEverySeconds) throws IOException {
        Path dir = dataset.dir().toAbsolutePath();
        int n = dataset.sequences().size();
        String bg = launcher.shellCommand(nativeLibrary, List.of("dataset", "peptide", dir.toString(), "--index", "$SLURM_ARRAY_TASK_ID",
                "--checkpoint-every-s", Double.toString(checkpointEverySeconds)));
        String script = String.join("\n",
                "#!/bin/bash",
                "# Made by bg dataset md --emit slurm: one array task per peptide of " + dir + " (" + n + " peptides).",
                "# Submit with: sbatch " + dir.resolve(FILE) + "   (again after failures: finished peptides are skipped)",
                "#SBATCH --job-name=bg-dataset",
                "#SBATCH --array=0-" + (n - 1),
                "#SBATCH --ntasks=1",
                "#SBATCH --cpus-per-task=1",
                "#SBATCH --requeue",
                "#SBATCH --open-mode=append",
                "#SBATCH --output=" + dir.resolve("slurm") + "/%A_%a.out",
                "set -euo pipefail",
                "export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}",
                "exec " + bg,
                "");
        java.nio.file.Files.createDirectories(dir.resolve("slurm")); // Slurm opens --output before the script runs
        Path file = dir.resolve(FILE);
        AtomicFile.writeString(file, script);
        file.toFile().setExecutable(true);
        return file;
    }
}
