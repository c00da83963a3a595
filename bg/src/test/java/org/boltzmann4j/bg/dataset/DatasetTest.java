package org.boltzmann4j.bg.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
    @TempDir Path tmp;

    @Test
    void seedsAreSha256OfDatasetSeedSequenceAndStage() {
        // expected values from Python: 1 + int.from_bytes(hashlib.sha256(
        //   f"boltzmann4j-dataset/1\n{seed}\n{sequence}\n{stage}".encode()).digest()[:8], "big") % 2147483647
        assertEquals(623063246, PeptideSeeds.seed(1, "KS", "md"));
        assertEquals(1779763170, PeptideSeeds.seed(1, "AA", "build"));
        assertEquals(1458537598, PeptideSeeds.seed(42, "ACE-ALA-NME", "equilibrate"));
        PeptideSeeds ks = PeptideSeeds.of(1, "KS");
        assertEquals(623063246, ks.md());
        assertNotEquals(ks.md(), ks.equilibrate());
        assertNotEquals(ks, PeptideSeeds.of(2, "KS"));
        assertNotEquals(ks, PeptideSeeds.of(1, "SK"));
    }

    @Test
    void sequencesAreCheckedWithOneLineNamingTheResidue() throws Exception {
        assertEquals(List.of("KS", "AT", "ACE-ALA-NME"), Sequences.parse("ks, AT,ACE-ALA-NME"));
        var unknown = assertThrows(IllegalArgumentException.class, () -> Sequences.parse("KS,AX"));
        assertEquals("--sequences: unknown residue 'X' in AX (one-letter codes ACDEFGHIKLMNPQRSTVWY)", unknown.getMessage());
        var twice = assertThrows(IllegalArgumentException.class, () -> Sequences.parse("KS,AT,ks"));
        assertEquals("--sequences: KS is listed twice", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sequences.parse("AAAAAAAAAAA"));
        assertThrows(IllegalArgumentException.class, () -> Sequences.parse("ACE-ALA-XYZ"));
        assertThrows(IllegalArgumentException.class, () -> Sequences.parse("NME-ALA"));
        Path file = tmp.resolve("seqs.txt");
        Files.writeString(file, "# dipeptides\nKS\n\nAT  # second\nAZ\n");
        var line = assertThrows(IllegalArgumentException.class, () -> Sequences.parse(file.toString()));
        assertTrue(line.getMessage().startsWith(file + " line 5: unknown residue 'Z'"), line.getMessage());
        // a missing file is named as one, under the option given, not read as a sequence of its letters
        Path missing = tmp.resolve("no-such.txt");
        var none = assertThrows(IllegalArgumentException.class, () -> Sequences.parse(missing.toString(), "--test"));
        assertEquals("--test " + missing + ": no such file", none.getMessage());
        var here = assertThrows(IllegalArgumentException.class, () -> Sequences.parse("test.txt", "--test"));
        assertEquals("--test test.txt: no such file", here.getMessage());
        var folder = assertThrows(IllegalArgumentException.class, () -> Sequences.parse(tmp.toString(), "--test"));
        assertEquals("--test " + tmp + ": a folder, not a file of sequences", folder.getMessage());
        var named = assertThrows(IllegalArgumentException.class, () -> Sequences.parse("KS,AX", "--test"));
        assertTrue(named.getMessage().startsWith("--test: unknown residue 'X'"), named.getMessage());
    }

    @Test
    void settingsDefaultsAreTheIssuesAndDifferencesNameTheOption() {
        DatasetSettings d = DatasetSettings.defaults();
        assertEquals("amber14-all", d.forcefield());
        assertEquals("gbsa-obc2", d.solvent());
        assertEquals("nocutoff", d.nonbonded());
        assertEquals(310, d.temperatureK());
        assertEquals(1, d.frictionPerPs());
        assertEquals(5_000_000, d.steps());
        assertEquals(1000, d.saveEverySteps());
        assertEquals(50_000, d.equilibrateSteps());
        assertNull(d.firstDifference(DatasetSettings.fromJson(d.toJson())));
        assertEquals("--ns 5.0 (the dataset has 10.0)", d.firstDifference(d.withNs(10)));
        assertEquals("--solvent gbsa-obc2 (the dataset has obc1)", d.firstDifference(d.withSolvent("obc1")));
        var bad = assertThrows(IllegalArgumentException.class, () -> d.withSaveEveryPs(0.0015));
        assertTrue(bad.getMessage().startsWith("--save-every-ps must be a whole number of --dt-ps steps"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withTermini("open"));
    }

    @Test
    void datasetRefusesOtherSettingsAndAddsSequences() throws Exception {
        DatasetSettings s = DatasetSettings.defaults().withNs(0.01);
        Dataset.create(tmp, s, List.of("KS", "AT"));
        String before = Files.readString(tmp.resolve(Dataset.FILE));
        var refused = assertThrows(IllegalArgumentException.class, () -> Dataset.create(tmp, s.withTemperatureK(300), List.of("KS")));
        assertEquals(tmp.resolve(Dataset.FILE) + " holds a dataset made with other settings: --temperature-k 300.0 (the dataset has 310.0); use another --out",
                refused.getMessage());
        assertEquals(before, Files.readString(tmp.resolve(Dataset.FILE)));
        Dataset more = Dataset.create(tmp, s, List.of("GG", "KS"));
        assertEquals(List.of("KS", "AT", "GG"), more.sequences());
        Dataset read = Dataset.read(tmp);
        assertEquals(more.sequences(), read.sequences());
        assertEquals(s, read.settings());
        assertEquals(3, read.pending(BgLauncher.current(), 60).size());
        assertEquals("pending", read.status("KS").state());
    }

    @Test
    void splitDependsOnSeedAndSetOnlyAndIsDisjoint() throws Exception {
        List<String> all = new ArrayList<>();
        for (char a : "ACDEFGHIKL".toCharArray()) for (char b : "MNPQ".toCharArray()) all.add("" + a + b);
        Dataset one = Dataset.create(tmp.resolve("one"), DatasetSettings.defaults(), all);
        List<String> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new java.util.Random(3));
        Dataset two = Dataset.create(tmp.resolve("two"), DatasetSettings.defaults(), shuffled);
        Dataset.Split a = one.split(5, 3, 7), b = two.split(5, 3, 7);
        assertEquals(new HashSet<>(a.test()), new HashSet<>(b.test()));
        assertEquals(new HashSet<>(a.validation()), new HashSet<>(b.validation()));
        assertEquals(5, a.test().size());
        assertEquals(3, a.validation().size());
        assertEquals(all.size() - 8, a.train().size());
        Set<String> union = new HashSet<>(a.train());
        union.addAll(a.validation());
        union.addAll(a.test());
        assertEquals(new HashSet<>(all), union);
        assertNotEquals(new HashSet<>(a.test()), new HashSet<>(one.split(5, 3, 8).test()));
        assertThrows(IllegalArgumentException.class, () -> one.split(40, 0, 1));
        Path file = one.writeSplit(a, "test");
        assertTrue(Files.readString(file).contains("\"test\" : [ \"" + a.test().getFirst() + "\""), Files.readString(file));
    }

    @Test
    void slurmScriptIsAJobArrayOverTheUnitOfWorkWithRequeue() throws Exception {
        Dataset d = Dataset.create(tmp, DatasetSettings.defaults(), List.of("KS", "AT", "GG"));
        Path script = SlurmScript.write(d, new BgLauncher(BgLauncher.JVM_FLAGS, "/opt/bg/lib/*"), "/opt/bg/libboltzmann4j_openmm.so", 60);
        String text = Files.readString(script);
        assertTrue(text.contains("#SBATCH --array=0-2\n"), text);
        assertTrue(text.contains("#SBATCH --requeue\n"), text);
        assertTrue(text.contains("'-cp' '/opt/bg/lib/*' 'org.boltzmann4j.bg.cli.Main' 'dataset' 'peptide' '" + tmp.toAbsolutePath() + "' '--index' $SLURM_ARRAY_TASK_ID"), text);
        assertTrue(text.contains("'-Dboltzmann4j.native=/opt/bg/libboltzmann4j_openmm.so'"), text);
        assertTrue(Files.isDirectory(tmp.resolve("slurm")));
    }
}
