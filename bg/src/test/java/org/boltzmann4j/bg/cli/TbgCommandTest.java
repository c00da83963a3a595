package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.boltzmann4j.bg.cli.CliRun.oneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.io.RunCheckpoint;
import org.boltzmann4j.bg.tbg.FlowMatchingTrainer;
import org.boltzmann4j.bg.tbg.PeptideSystemSettings;
import org.boltzmann4j.bg.tbg.TargetPeptide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bg tbg's usage and failures that need no trained network: one line, exit 2 for usage, 1 for failure, nothing written. */
class TbgCommandTest {
    @TempDir Path dir;


    @Test
    void helpAndMissingSubcommand() {
        assertEquals(0, bg("tbg", "--help").code());
        for (String sub : new String[] {"train", "sample", "score"}) assertEquals(0, bg("tbg", sub, "--help").code());
        oneLine(bg("tbg"), 2, "subcommand is required");
    }

    @Test
    void trainUsage() {
        Path out = dir.resolve("m");
        oneLine(bg("tbg", "train", "--out", out.toString()), 2, "--dataset");
        oneLine(bg("tbg", "train", "--dataset", "x", "--pdb", "a.pdb", "--frames", "f.dcd", "--out", out.toString()), 2, "mutually exclusive");
        oneLine(bg("tbg", "train", "--dataset", "x", "--width", "0", "--out", out.toString()), 2, "--width must be > 0, got 0");
        oneLine(bg("tbg", "train", "--dataset", "x", "--align", "mirror", "--out", out.toString()), 2, "--align must be");
        oneLine(bg("tbg", "train", "--dataset", "x", "--system", "aldp-implicit", "--out", out.toString()), 2, "--system and --temperature-k apply to --pdb");
        oneLine(bg("tbg", "train", "--pdb", "a.pdb", "--frames", "f.dcd", "--split", "s.json", "--out", out.toString()), 2, "--split applies to --dataset");
        assertFalse(Files.exists(out), "nothing written on bad usage");
    }

    @Test
    void trainFailuresNameTheFile() throws Exception {
        Path out = dir.resolve("m");
        oneLine(bg("tbg", "train", "--dataset", dir.resolve("nope").toString(), "--out", out.toString()), 1, "nope");
        oneLine(bg("tbg", "train", "--pdb", dir.resolve("a.pdb").toString(), "--frames", dir.resolve("f.dcd").toString(), "--out", out.toString()), 1, "a.pdb");
        oneLine(bg("tbg", "train", "--dataset", dir.toString(), "--resume", "--out", out.toString()), 1, "dataset.json");
    }

    @Test
    void aSecondRunIntoTheSameFolderNeedsResume() throws Exception {
        Path out = dir.resolve("m");
        try (RunCheckpoint c = RunCheckpoint.open(out, FlowMatchingTrainer.CHECKPOINT, "boltzmann4j-tbg-training", 1, true)) {
            c.write(c.header(), new byte[0], false);
        }
        oneLine(bg("tbg", "train", "--dataset", dir.toString(), "--out", out.toString()), 2, "use --resume");
    }

    @Test
    void sampleAndScoreUsageAndMissingModel() {
        Path out = dir.resolve("s");
        oneLine(bg("tbg", "sample", "--model", "m", "--n", "0", "--out", out.toString()), 2, "--n must be >= 1, got 0");
        oneLine(bg("tbg", "sample", "--model", "m", "--solver", "euler", "--out", out.toString()), 2, "--solver must be dopri5 or rk4");
        oneLine(bg("tbg", "sample", "--model", "m", "--sequence", "KS", "--pdb", "a.pdb", "--out", out.toString()), 2, "mutually exclusive");
        oneLine(bg("tbg", "sample", "--model", dir.resolve("none").toString(), "--sequence", "KS", "--out", out.toString()), 1, "no such model folder");
        oneLine(bg("tbg", "score", "--model", "m", "--sequence", "KS", "--coords", "c.dcd", "--out", "q.txt"), 2, "--out must name a .npy file");
        oneLine(bg("tbg", "score", "--model", dir.toString(), "--sequence", "KS", "--coords", "c.dcd", "--out", dir.resolve("q.npy").toString()), 1,
                "not a TBG model folder");
        assertFalse(Files.exists(out));
    }

    /** The sampled peptide is the one bg build makes with the model's settings: same topology, structure and System. */
    @Test
    void targetPeptideIsBgBuildsPeptide() throws Exception {
        Path out = dir.resolve("ks");
        CliRun run = bg("build", "--sequence", "KS", "--solvent", "gbsa-obc2", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        TargetPeptide p = TargetPeptide.build("KS", PeptideSystemSettings.defaults());
        Pdb.Structure built = Pdb.read(out.resolve("structure.pdb"));
        assertEquals(built.topology(), p.topology());
        double[] xyz = built.frames().frame(0);
        for (int i = 0; i < xyz.length; i++) assertEquals(xyz[i], p.reference()[i], 1e-3, "PDB precision");
        assertEquals(Files.readString(out.resolve("system.xml")), p.systemXml());
    }
}
