package org.boltzmann4j.bg.cli;

import static org.boltzmann4j.bg.cli.CliRun.bg;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to bg dataset: one line, exit 2 (usage) or 1, nothing written or lost. The engine's own cases are in bg/spark. */
class DatasetCommandTest {
    @TempDir Path tmp;


    @Test
    void unknownResidueIsOneLineAndWritesNothing() {
        Path out = tmp.resolve("ds");
        CliRun r = bg("dataset", "md", "--sequences", "KS,AB,GG", "--out", out.toString(), "--emit", "slurm");
        assertEquals(2, r.code());
        assertEquals("bg dataset md: --sequences: unknown residue 'B' in AB (one-letter codes ACDEFGHIKLMNPQRSTVWY)\n", r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void duplicatedSequenceIsRefused() {
        Path out = tmp.resolve("ds");
        CliRun r = bg("dataset", "md", "--sequences", "KS,GG,KS", "--out", out.toString(), "--emit", "slurm");
        assertEquals(2, r.code());
        assertEquals("bg dataset md: --sequences: KS is listed twice\n", r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void otherSettingsIntoTheSameFolderAreRefusedNamingTheSetting() throws Exception {
        Path out = tmp.resolve("ds");
        assertEquals(0, bg("dataset", "md", "--sequences", "KS,GG", "--ns", "1", "--out", out.toString(), "--emit", "slurm").code());
        String before = Files.readString(out.resolve("dataset.json"));
        CliRun r = bg("dataset", "md", "--sequences", "KS", "--ns", "2", "--out", out.toString(), "--emit", "slurm");
        assertEquals(2, r.code());
        assertEquals("bg dataset md: " + out.resolve("dataset.json") + " holds a dataset made with other settings: --ns 2.0 (the dataset has 1.0); use another --out\n",
                r.err());
        assertEquals(before, Files.readString(out.resolve("dataset.json")));
    }

    @Test
    void withoutAnEngineOnTheClassPathItSaysHowToGetOne() {
        // the core module's tests run without bg/spark, as every bg command but dataset does
        Path out = tmp.resolve("ds");
        CliRun r = bg("dataset", "md", "--sequences", "KS", "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("bg dataset md: no dataset engine on the class path: run bg dataset md as scripts/bg dataset md"), r.err());
        assertEquals(1, r.err().lines().count());
        assertFalse(Files.exists(out));
    }

    @Test
    void theSlurmArrayTaskRunsThePeptideFromBuildToDoneAndThenSkipsIt() throws Exception {
        // what an array task of dataset.slurm runs: bg build and bg md as child processes of this JVM's class path
        Path out = tmp.resolve("ds");
        assertEquals(0, bg("dataset", "md", "--sequences", "GG,AT", "--ns", "0.0005", "--save-every-ps", "0.1", "--equilibrate-ps", "0.2",
                "--out", out.toString(), "--emit", "slurm").code());
        assertTrue(Files.readString(out.resolve("dataset.slurm")).contains("'dataset' 'peptide'"));
        CliRun r = bg("dataset", "peptide", out.toString(), "--index", "1");
        assertEquals(0, r.code(), r.err());
        Path at = out.resolve("AT");
        for (String f : new String[] {"structure.pdb", "system.xml", "topology.json", "trajectory.dcd", "energies.npy", "log.csv", "DONE.json"})
            assertTrue(Files.isRegularFile(at.resolve(f)), f);
        assertEquals(5, org.boltzmann4j.bg.io.Npy.read(at.resolve("energies.npy")).asDoubles().length);
        assertFalse(Files.exists(out.resolve("GG")));
        String done = Files.readString(at.resolve("DONE.json"));
        assertTrue(done.contains("\"md\" : " + org.boltzmann4j.bg.dataset.PeptideSeeds.seed(1, "AT", "md")), done);
        String log = Files.readString(at.resolve("task.log"));
        assertEquals(0, bg("dataset", "peptide", out.toString(), "AT").code());
        assertEquals(log, Files.readString(at.resolve("task.log")), "a done peptide ran again");
        assertEquals(done, Files.readString(at.resolve("DONE.json")));
    }

    @Test
    void aPeptideKilledBeforeItsFirstCheckpointOrWithItsCheckpointLostRunsItsMdAnew() throws Exception {
        // a run killed before its first checkpoint leaves both slots empty (never written, not corrupt);
        // a power cut can leave them written but torn: neither can resume, both must finish the peptide
        Path out = tmp.resolve("ds");
        assertEquals(0, bg("dataset", "md", "--sequences", "AT", "--ns", "0.0005", "--save-every-ps", "0.1", "--equilibrate-ps", "0.2",
                "--out", out.toString(), "--emit", "slurm").code());
        Path at = out.resolve("AT");
        assertEquals(0, bg("dataset", "peptide", out.toString(), "AT").code());
        byte[] trajectory = Files.readAllBytes(at.resolve("trajectory.dcd"));
        byte[][] lost = {new byte[0], "B4JSLOT1 torn record".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
        for (byte[] slot : lost) {
            Files.delete(at.resolve("DONE.json"));
            Files.write(at.resolve("checkpoint.b4j.a"), slot);
            Files.write(at.resolve("checkpoint.b4j.b"), slot);
            Files.write(at.resolve("trajectory.dcd"), new byte[100]); // what the killed run left
            CliRun r = bg("dataset", "peptide", out.toString(), "AT");
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.isRegularFile(at.resolve("DONE.json")));
            assertEquals(5, org.boltzmann4j.bg.io.Npy.read(at.resolve("energies.npy")).asDoubles().length);
            assertTrue(java.util.Arrays.equals(trajectory, Files.readAllBytes(at.resolve("trajectory.dcd"))),
                    "the MD run anew from its seed is the same trajectory on the Reference platform");
            String log = Files.readString(at.resolve("task.log"));
            String last = log.substring(log.lastIndexOf("bg md "));
            assertFalse(last.lines().findFirst().orElseThrow().contains("--resume"), last);
            assertEquals(slot.length > 0, log.contains("holds no intact record; this MD stage starts anew"), log);
        }
    }

    @Test
    void statusAndSplitOfAFreshDataset() throws Exception {
        Path out = tmp.resolve("ds");
        assertEquals(0, bg("dataset", "md", "--sequences", "KS,GG,AT,AD", "--out", out.toString(), "--emit", "slurm").code());
        assertEquals(0, bg("dataset", "status", out.toString()).code());
        assertEquals(0, bg("dataset", "split", out.toString(), "--test", "1", "--validation", "1", "--seed", "3").code());
        assertTrue(Files.readString(out.resolve("split.json")).contains("\"train\""));
        CliRun bad = bg("dataset", "split", out.toString(), "--test", "4");
        assertEquals(2, bad.code());
        assertEquals(1, bad.err().lines().count());
        CliRun none = bg("dataset", "status", tmp.resolve("nothing").toString());
        assertEquals(1, none.code());
        assertEquals(1, none.err().lines().count());
    }
}
