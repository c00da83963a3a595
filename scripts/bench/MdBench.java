// Java side of scripts/bench-md: steady-state throughput of a `bg md` run through the library
// (MolecularDynamics.run at bg md's defaults: dynamics, DCD, energies, log, checkpoints by wall time),
// timed from the first saved frame to the last, as the Python side is, so that neither side's
// set-up (System, Context, files) counts; after a warm-up run in the same JVM. Prints JSON.
//
// usage: java MdBench.java system.xml start.pdb steps save_every out_dir
import java.nio.file.Files;
import java.nio.file.Path;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.MdSettings;
import org.boltzmann4j.bg.sampling.MolecularDynamics;

void main(String[] args) throws Exception {
    String xml = Files.readString(Path.of(args[0]));
    var structure = Pdb.read(Path.of(args[1]));
    long steps = Long.parseLong(args[2]);
    int saveEvery = Integer.parseInt(args[3]);
    Path out = Path.of(args[4]);
    // A short warm-up run first: class loading, JIT and plugin loading are not MD throughput.
    MdSettings warmup = MdSettings.defaults().withSteps(100L * saveEvery).withSaveEvery(saveEvery).withSeed(2);
    MolecularDynamics.run(xml, structure.topology(), structure.frames().frame(0), warmup, out.resolveSibling(out.getFileName() + "-warmup"), false,
            (step, total, u, t, speed) -> {});
    MdSettings settings = MdSettings.defaults().withSteps(steps).withSaveEvery(saveEvery).withSeed(1);
    // Wall time, and the MD thread's CPU time (the listener runs on it), which other jobs on a
    // shared machine disturb less.
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long[] first = {0, 0}, last = {0, 0};
    var result = MolecularDynamics.run(xml, structure.topology(), structure.frames().frame(0), settings, out, false,
            (step, total, u, t, speed) -> {
                if (step == saveEvery) {
                    first[0] = System.nanoTime();
                    first[1] = threads.getCurrentThreadCpuTime();
                }
                last[0] = System.nanoTime();
                last[1] = threads.getCurrentThreadCpuTime();
            });
    double seconds = (last[0] - first[0]) / 1e9, cpu = (last[1] - first[1]) / 1e9;
    long timed = steps - saveEvery;
    System.out.printf("{\"ns_per_day\": %.3f, \"seconds\": %.4f, \"ns_per_cpu_day\": %.3f, \"frames\": %d}%n",
            timed * 0.001 / 1000 / (seconds / 86400), seconds, timed * 0.001 / 1000 / (cpu / 86400), result.frames());
}
