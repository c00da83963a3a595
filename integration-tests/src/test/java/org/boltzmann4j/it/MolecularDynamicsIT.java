package org.boltzmann4j.it;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.boltzmann4j.bg.io.Dcd;
import org.boltzmann4j.bg.io.Npy;
import org.boltzmann4j.bg.sampling.MdSettings;
import org.boltzmann4j.bg.sampling.MolecularDynamics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bg md} on the bundled alanine dipeptide in implicit solvent, against real OpenMM. */
class MolecularDynamicsIT {
    @TempDir Path dir;

    /**
     * 100 ps at 300 K: the mean kinetic temperature agrees with 300 K within four standard errors,
     * the standard error estimated by block averaging (10 blocks of 5 ps, much longer than the
     * ~1 ps correlation time of the kinetic energy at friction 1/ps); and energies.npy equals
     * {@code bg energy} on the saved DCD frames up to the DCD's float32 rounding.
     */
    @Test
    void hundredPicosecondsAtThreeHundredKelvin() throws Exception {
        Path run = dir.resolve("run");
        Cli.Run md = Cli.bg("md", "--system", "aldp-implicit", "--steps", "100000", "--save-every", "100", "--seed", "11",
                "--out", run.toString());
        assertEquals(0, md.code(), md.err());
        List<String> log = Files.readAllLines(run.resolve("log.csv"), StandardCharsets.UTF_8);
        assertEquals("step,time_ps,potential_kjmol,kinetic_kjmol,temperature_k,speed_ns_per_day", log.getFirst());
        assertEquals(1001, log.size());
        double[] t = log.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[4])).toArray();
        // Blocks of 10 ps: shorter ones are correlated through the slow exchange between kinetic and
        // potential energy, and their spread underestimates the standard error (with 5 ps blocks of
        // 50 ps, 30 seeds scattered by 5.75 K against a mean block standard error of 3.7 K).
        int blocks = 10, per = t.length / blocks;
        double[] means = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < per; i++) means[b] += t[b * per + i] / per;
        }
        double mean = java.util.Arrays.stream(means).average().orElseThrow();
        double var = java.util.Arrays.stream(means).map(m -> (m - mean) * (m - mean)).sum() / (blocks - 1);
        double stderr = Math.sqrt(var / blocks);
        assertTrue(Math.abs(mean - 300) < 4 * stderr, "mean T " + mean + " K, standard error " + stderr);
        assertTrue(stderr < 10, "standard error " + stderr + " K is too large to test anything");

        Path energies = dir.resolve("rescored.npy");
        Cli.Run score = Cli.bg("energy", "--system", "aldp-implicit", "--coords", run.resolve("trajectory.dcd").toString(),
                "--out", energies.toString(), "--forces", dir.resolve("forces.npy").toString());
        assertEquals(0, score.code(), score.err());
        double[] saved = Npy.read(run.resolve("energies.npy")).asDoubles();
        double[] rescored = Npy.read(energies).asDoubles();
        double[] forces = Npy.read(dir.resolve("forces.npy")).asDoubles();
        double[] xyz = Dcd.read(run.resolve("trajectory.dcd")).frames().xyz();
        assertEquals(1000, saved.length);
        assertEquals(saved.length, rescored.length);
        for (int f = 0; f < saved.length; f++) {
            // |dU| <= sum |F_k| |dx_k| to first order; dx_k is at most half an ulp of the float32
            // Angstrom value the DCD stores. Factor 2 for the second-order terms.
            double bound = 0;
            for (int k = 0; k < 66; k++) bound += Math.abs(forces[f * 66 + k]) * Math.ulp((float) (xyz[f * 66 + k] * 10)) / 20;
            assertEquals(saved[f], rescored[f], 2 * bound + 1e-9, "frame " + f);
        }
    }

    /**
     * A run killed mid-way and resumed ends with the trajectory an uninterrupted run makes: the
     * Reference platform's checkpoint holds its random state. The kill comes when the run says a
     * checkpoint with at least 10 frames is on disk (its "checkpoint at step" line), not after a
     * sleep; checkpoints are taken at every saved frame here so that the run stops mid-way.
     */
    @Test
    void killedRunResumesExactly() throws Exception {
        Path whole = dir.resolve("whole"), killed = dir.resolve("killed");
        String[] args = {"md", "--system", "aldp-vacuum", "--steps", "30000", "--save-every", "500", "--seed", "5", "--checkpoint-every-s", "0"};
        Cli.Run reference = Cli.bg(concat(args, "--out", whole.toString()));
        assertEquals(0, reference.code(), reference.err());

        Process child = Cli.startPiped(concat(args, "--out", killed.toString()));
        StringBuilder childLog = new StringBuilder();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("md: checkpoint at step (\\d+), (\\d+) frames");
        int signalled = -1;
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = lines.readLine()) != null; ) {
                childLog.append(l).append('\n');
                var m = line.matcher(l);
                if (m.find() && Integer.parseInt(m.group(2)) >= 10) {
                    signalled = Integer.parseInt(m.group(2));
                    child.destroyForcibly();
                    break;
                }
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertTrue(signalled >= 10, "the run never signalled a checkpoint of 10 frames: " + childLog);
        long[] progress = MolecularDynamics.checkpointProgress(killed);
        assertTrue(progress[0] >= signalled && progress[0] < 60, "killed after " + progress[0] + " frames: " + childLog);

        Cli.Run resumed = Cli.bg(concat(args, "--out", killed.toString(), "--resume"));
        assertEquals(0, resumed.code(), resumed.err());
        var a = Dcd.read(whole.resolve("trajectory.dcd"));
        var b = Dcd.read(killed.resolve("trajectory.dcd"));
        assertEquals(60, b.header().frames());
        assertEquals(60, b.frames().frames());
        assertArrayEquals(a.frames().xyz(), b.frames().xyz(), 0.0);
        assertArrayEquals(Npy.read(whole.resolve("energies.npy")).asDoubles(), Npy.read(killed.resolve("energies.npy")).asDoubles(), 0.0);
        List<String> log = Files.readAllLines(killed.resolve("log.csv"));
        assertEquals(61, log.size());
        for (int i = 1; i <= 60; i++) assertEquals(Long.toString(500L * i), log.get(i).split(",")[0], "log line " + i);
        assertEquals(Files.readString(whole.resolve("final.pdb")), Files.readString(killed.resolve("final.pdb")));

        // a finished run can be extended
        Cli.Run extended = Cli.bg("md", "--system", "aldp-vacuum", "--steps", "31000", "--save-every", "500", "--seed", "5",
                "--out", killed.toString(), "--resume");
        assertEquals(0, extended.code(), extended.err());
        assertEquals(62, Dcd.read(killed.resolve("trajectory.dcd")).frames().frames());
        // settings must match
        Cli.Run changed = Cli.bg("md", "--system", "aldp-vacuum", "--steps", "32000", "--save-every", "500", "--seed", "6",
                "--out", killed.toString(), "--resume");
        assertEquals(1, changed.code());
        assertEquals(1, changed.lines().size(), changed.err());
        assertTrue(changed.err().contains("--seed 5, not 6"), changed.err());
    }

    @Test
    void sameSeedSameTrajectoryAndReplicas() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b"), r = dir.resolve("r");
        String[] args = {"md", "--system", "aldp-vacuum", "--steps", "2000", "--save-every", "200", "--seed", "9"};
        assertEquals(0, Cli.bg(concat(args, "--out", a.toString())).code());
        assertEquals(0, Cli.bg(concat(args, "--out", b.toString())).code());
        assertArrayEquals(Files.readAllBytes(a.resolve("trajectory.dcd")), Files.readAllBytes(b.resolve("trajectory.dcd")));
        Cli.Run replicas = Cli.bg(concat(args, "--out", r.toString(), "--replicas", "2"));
        assertEquals(0, replicas.code(), replicas.err());
        assertEquals(List.of("replica-000", "replica-001"), Cli.files(r));
        assertArrayEquals(Dcd.read(a.resolve("trajectory.dcd")).frames().xyz(), Dcd.read(r.resolve("replica-000/trajectory.dcd")).frames().xyz(), 0.0);
        assertFalse(java.util.Arrays.equals(Dcd.read(r.resolve("replica-000/trajectory.dcd")).frames().xyz(),
                Dcd.read(r.resolve("replica-001/trajectory.dcd")).frames().xyz()));
        // replicas run in threads of one process: the same replicas whatever the thread count
        Path serial = dir.resolve("serial");
        Cli.Run one = Cli.bg(concat(args, "--out", serial.toString(), "--replicas", "2", "--parallel", "1"));
        assertEquals(0, one.code(), one.err());
        for (String replica : List.of("replica-000", "replica-001"))
            for (String file : List.of("trajectory.dcd", "energies.npy", "final.pdb"))
                assertArrayEquals(Files.readAllBytes(r.resolve(replica).resolve(file)), Files.readAllBytes(serial.resolve(replica).resolve(file)),
                        replica + "/" + file + ", 2 threads vs 1");
    }

    @Test
    void badInputGivesOneLineAndNoOutput() throws Exception {
        Path out = dir.resolve("out");
        Cli.Run negative = Cli.bg("md", "--system", "aldp-vacuum", "--steps", "-5", "--out", out.toString());
        assertEquals(2, negative.code());
        assertEquals(1, negative.lines().size(), negative.err());
        assertTrue(negative.err().contains("--steps must be >= 0"), negative.err());

        Cli.Run unknown = Cli.bg("md", "--system", "aldp-wet", "--steps", "10", "--out", out.toString());
        assertEquals(1, unknown.code());
        assertEquals(1, unknown.lines().size(), unknown.err());
        assertTrue(unknown.err().contains("aldp-wet"), unknown.err());

        Path pro = Files.writeString(dir.resolve("pro.pdb"), new String(
                getClass().getResourceAsStream("/org/boltzmann4j/bg/systems/pro-dipeptide-vacuum.pdb").readAllBytes(), StandardCharsets.UTF_8));
        Cli.Run atoms = Cli.bg("md", "--system", "aldp-vacuum", "--pdb", pro.toString(), "--steps", "10", "--out", out.toString());
        assertEquals(1, atoms.code());
        assertEquals(1, atoms.lines().size(), atoms.err());
        assertTrue(atoms.err().contains("pro.pdb: the structure has 26 atoms, the System has 22"), atoms.err());

        Cli.Run noRun = Cli.bg("md", "--system", "aldp-vacuum", "--steps", "10", "--out", out.toString(), "--resume");
        assertEquals(1, noRun.code());
        assertTrue(noRun.err().contains("no checkpoint to resume from"), noRun.err());
        assertEquals(List.of(), Cli.files(out));

        Path truncated = dir.resolve("cut.dcd");
        byte[] dcd = getClass().getResourceAsStream("/org/boltzmann4j/bg/systems/aldp-implicit-md.dcd").readAllBytes();
        Files.write(truncated, java.util.Arrays.copyOf(dcd, dcd.length - 100));
        Cli.Run cut = Cli.bg("energy", "--system", "aldp-implicit", "--coords", truncated.toString(), "--out", dir.resolve("e.npy").toString());
        assertEquals(1, cut.code());
        assertEquals(1, cut.lines().size(), cut.err());
        assertTrue(cut.err().contains("cut.dcd") && cut.err().contains("truncated"), cut.err());
        assertFalse(Files.exists(dir.resolve("e.npy")));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
