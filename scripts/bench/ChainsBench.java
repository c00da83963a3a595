// Java side of scripts/bench-chains: wall time of `bg hybrid --chains 2 --local langevin` (no flow
// moves, so no model is needed) with the chains in 2 threads against 1 thread (the two chains one
// after the other), after a warm-up in the same JVM, and whether both runs wrote identical
// trajectories and move logs (they must: results do not depend on the thread count). Prints JSON.
//
// Rounds alternate 1 and 2 threads; the best wall time of each is kept.
//
// usage: java ChainsBench.java system.xml start.pdb steps out_dir [rounds]
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.boltzmann4j.bg.io.Pdb;
import org.boltzmann4j.bg.sampling.HybridSampler;
import org.boltzmann4j.bg.sampling.HybridSettings;
import org.boltzmann4j.bg.sampling.LocalMove;

void main(String[] args) throws Exception {
    String xml = Files.readString(Path.of(args[0]));
    double[] start = Pdb.read(Path.of(args[1])).frames().frame(0);
    long steps = Long.parseLong(args[2]);
    Path out = Path.of(args[3]);
    HybridSettings settings = HybridSettings.defaults().withSteps(steps).withFlowEvery(0).withLocal(LocalMove.LANGEVIN).withChains(2)
            .withSaveEvery(1000).withSeed(1);
    HybridSampler.run(xml, start, null, List.of(), settings.withSteps(Math.min(steps, 2000)).withThreads(2), out.resolve("warmup"), false, null);
    // Process CPU time over wall time says how much the threads overlapped (2 at most), which a
    // machine busy with other work hides from the wall times alone.
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    double[] seconds = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY}, cpu = new double[2];
    int[] threads = {1, 2};
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 2; i++) {
            Path run = out.resolve("threads-" + threads[i] + "-" + r);
            long t0 = System.nanoTime(), c0 = os.getProcessCpuTime();
            HybridSampler.run(xml, start, null, List.of(), settings.withThreads(threads[i]), run, false, null);
            double wall = (System.nanoTime() - t0) / 1e9;
            if (wall < seconds[i]) {
                seconds[i] = wall;
                cpu[i] = (os.getProcessCpuTime() - c0) / 1e9;
            }
        }
    }
    boolean identical = true;
    for (String chain : List.of("chain-000", "chain-001"))
        for (String file : List.of("trajectory.dcd", "energies.npy", "moves.csv"))
            identical &= Arrays.equals(Files.readAllBytes(out.resolve("threads-1-0").resolve(chain).resolve(file)),
                    Files.readAllBytes(out.resolve("threads-2-0").resolve(chain).resolve(file)));
    System.out.printf("{\"benchmark\": \"hybrid-chains-in-threads\", \"system\": \"%s\", \"steps_per_chain\": %d, \"chains\": 2, "
            + "\"rounds\": %d, \"cores\": %d, \"seconds_one_thread\": %.3f, \"seconds_two_threads\": %.3f, \"two_threads_over_one\": %.3f, "
            + "\"target_at_most\": 0.6, \"cpu_over_wall_one_thread\": %.2f, \"cpu_over_wall_two_threads\": %.2f, "
            + "\"load_average_1min\": %.2f, \"identical_outputs\": %b}%n", Path.of(args[0]).getFileName(), steps, rounds,
            Runtime.getRuntime().availableProcessors(), seconds[0], seconds[1], seconds[1] / seconds[0], cpu[0] / seconds[0],
            cpu[1] / seconds[1], os.getSystemLoadAverage(), identical);
}
