package org.boltzmann4j.bg.dataset;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Runs units of work on many cores or machines. The core knows engines only through this
 * interface, found with {@link ServiceLoader}: the Spark engine lives in the optional
 * boltzmann4j-spark module (bg/spark), which only {@code scripts/bg dataset} puts on the class
 * path, so the core jar and every other command stay free of Spark's 230 MB of jars.
 */
public interface DatasetEngine {

    /**
     * Where and how to run.
     *
     * @param master {@code local[N]}, {@code spark://HOST:PORT}, {@code yarn}, {@code k8s://...}
     * @param maxFailures attempts per task before it counts as failed
     * @param nativeLibrary the native bridge on this machine, shipped to the workers
     * @param executorEnv environment of the workers' processes (LD_LIBRARY_PATH for OpenMM)
     * @param launcher boltzmann4j's core as the workers run it (its class path)
     */
    record Job(String master, int maxFailures, String nativeLibrary, Map<String, String> executorEnv, BgLauncher launcher) {
        public Job {
            if (maxFailures < 1) throw new IllegalArgumentException("--max-failures must be >= 1, got " + maxFailures);
            executorEnv = Map.copyOf(executorEnv);
        }
    }

    /**
     * Runs every simulation as one task, each retried up to {@code maxFailures} times (resuming
     * from its checkpoint); returns one result per simulation, in their order, a task that failed
     * every attempt as {@link PeptideResult#failed}. Throws only when the engine itself cannot
     * run (for example, no master at the URL).
     */
    List<PeptideResult> simulate(Job job, List<PeptideSimulation> simulations) throws Exception;

    /**
     * Scores the shards on all workers, each worker's share with one Context per System
     * ({@link ShardScoring#scoreAll}); returns a result per shard, in their order.
     */
    List<ShardScoring.Result> score(Job job, List<ShardScoring> shards) throws Exception;

    /**
     * Checks, before anything is written, that the engine can run this job (for example, that a
     * master answers at the URL); throws with a one-line message when not.
     */
    default void check(Job job) throws Exception {}

    /** A short name for messages ("Apache Spark 4.2.0"). */
    String name();

    /** The engine on the class path; the message says how to get one when there is none. */
    static DatasetEngine load() {
        return ServiceLoader.load(DatasetEngine.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "no dataset engine on the class path: run bg dataset md as scripts/bg dataset md ... (it builds bg/spark and adds Apache Spark),"
                        + " or use --emit slurm"));
    }
}
