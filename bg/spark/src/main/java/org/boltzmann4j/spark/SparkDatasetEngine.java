package org.boltzmann4j.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.boltzmann4j.bg.dataset.BgLauncher;
import org.boltzmann4j.bg.dataset.DatasetEngine;
import org.boltzmann4j.bg.dataset.PeptideResult;
import org.boltzmann4j.bg.dataset.PeptideSimulation;
import org.boltzmann4j.bg.dataset.ShardScoring;

/**
 * One Spark task per peptide over an RDD of {@link PeptideSimulation}s (one partition each).
 *
 * <ul>
 *   <li>Retries: {@code local[N]} becomes {@code local[N,F]} (Spark's local mode retries only
 *       so), a cluster gets {@code spark.task.maxFailures = F}; speculation stays off (two attempts
 *       of one MD would write the same folder). A task's last attempt reports a failure as a
 *       result instead of throwing, so that one bad peptide does not abort the others.
 *   <li>The native bridge is shipped with {@code addFile} and found on each executor with
 *       {@link SparkFiles#get}; OpenMM must be installed on the nodes (LD_LIBRARY_PATH and
 *       OPENMM_PLUGIN_DIR are passed as {@code spark.executorEnv.*}).
 *   <li>Executors run the core's class path and this module's jar ({@code
 *       spark.executor.extraClassPath}), as the MD child processes do: boltzmann4j must be
 *       installed on a disk every node sees, like the dataset folder.
 *   <li>Executors get {@code --enable-native-access} and {@code --sun-misc-unsafe-memory-access}
 *       ({@code spark.executor.extraJavaOptions}); Spark adds its own {@code --add-opens}.
 * </ul>
 */
public final class SparkDatasetEngine implements DatasetEngine {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,(\\d+))?\\])?");

    @Override
    public String name() {
        return "Apache Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    @Override
    public void check(Job job) throws IOException {
        checkReachable(job.master());
    }

    @Override
    public List<PeptideResult> simulate(Job job, List<PeptideSimulation> simulations) throws Exception {
        if (simulations.isEmpty()) return List.of();
        checkReachable(job.master());
        SparkConf conf = conf(job);
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            spark.setLogLevel("WARN");
            String nativeName = null;
            if (job.nativeLibrary() != null) {
                spark.addFile(job.nativeLibrary());
                nativeName = Path.of(job.nativeLibrary()).getFileName().toString();
            }
            spark.setJobDescription("bg dataset md: " + simulations.size() + " peptides");
            return spark.parallelize(simulations, simulations.size()).map(new PeptideTask(nativeName, job.maxFailures())).collect();
        }
    }

    @Override
    public List<ShardScoring.Result> score(Job job, List<ShardScoring> shards) throws Exception {
        if (shards.isEmpty()) return List.of();
        checkReachable(job.master());
        try (JavaSparkContext spark = new JavaSparkContext(conf(job).setAppName("bg dataset score"))) {
            spark.setLogLevel("WARN");
            String nativeName = null;
            if (job.nativeLibrary() != null) {
                spark.addFile(job.nativeLibrary());
                nativeName = Path.of(job.nativeLibrary()).getFileName().toString();
            }
            int slices = Math.min(shards.size(), spark.defaultParallelism());
            String nativeFile = nativeName;
            // one partition per worker slot: its shards share one Context per System
            return spark.parallelize(shards, slices).mapPartitions((java.util.Iterator<ShardScoring> part) -> {
                if (nativeFile != null && System.getProperty("boltzmann4j.native") == null)
                    System.setProperty("boltzmann4j.native", SparkFiles.get(nativeFile));
                List<ShardScoring> mine = new ArrayList<>();
                part.forEachRemaining(mine::add);
                return ShardScoring.scoreAll(mine).iterator();
            }).collect();
        }
    }

    /** The configuration of a job: the same for every master but for the retry setting of local mode. */
    static SparkConf conf(Job job) throws IOException {
        String master = job.master();
        Matcher local = LOCAL.matcher(master);
        SparkConf conf = new SparkConf().setAppName("bg dataset md").set("spark.speculation", "false").set("spark.ui.enabled", "false")
                .set("spark.locality.wait", "0s").set("spark.task.maxFailures", Integer.toString(job.maxFailures()))
                .set("spark.executor.extraJavaOptions", "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xss4m");
        if (local.matches()) {
            String threads = local.group(1) != null ? local.group(1) : "1";
            conf.setMaster("local[" + threads + "," + job.maxFailures() + "]");
        } else {
            conf.setMaster(master);
            conf.set("spark.executor.extraClassPath", executorClassPath(job.launcher()));
        }
        if (System.getenv("SPARK_LOCAL_IP") == null && (local.matches() || master.startsWith("spark://127.0.0.1") || master.startsWith("spark://localhost"))) {
            // a machine-local run listens on the loopback interface only
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        job.executorEnv().forEach((k, v) -> conf.setExecutorEnv(k, v));
        return conf;
    }

    /**
     * Fails fast, naming the URL, when no standalone master answers (Spark itself retries for a
     * minute and then leaves the job waiting); YARN and Kubernetes URLs are Spark's to check.
     */
    static void checkReachable(String master) throws IOException {
        if (!master.startsWith("spark://")) return;
        IOException last = null;
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = colon > 0 ? hostPort.substring(0, colon) : hostPort;
            int port;
            try {
                port = colon > 0 ? Integer.parseInt(hostPort.substring(colon + 1)) : 7077;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--engine " + master + ": bad port in " + hostPort);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 5000);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("--engine " + master + ": no Spark master answers there (" + last.getMessage() + ")", last);
    }

    /**
     * The executors' class path: this module and the core's class path (the one the MD processes
     * run), less the core's older Jackson and SLF4J, which would shadow Spark's own. The entries
     * name files on a disk every node sees, like the dataset.
     */
    static String executorClassPath(BgLauncher launcher) throws IOException {
        List<String> entries = new ArrayList<>();
        try {
            entries.add(Path.of(SparkDatasetEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        for (String entry : launcher.classPathEntries()) {
            List<Path> files = new ArrayList<>();
            if (entry.endsWith("/*")) {
                Path dir = Path.of(entry.substring(0, entry.length() - 2));
                if (Files.isDirectory(dir)) try (Stream<Path> list = Files.list(dir)) {
                    list.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(files::add);
                }
            } else {
                files.add(Path.of(entry));
            }
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (!SHADOWED.matcher(name).matches() && !entries.contains(f.toString())) entries.add(f.toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static final Pattern SHADOWED = Pattern.compile("(jackson-(core|databind|annotations)|slf4j-api|slf4j-nop|scala-library|spark-.*)-[0-9].*\\.jar");

    /** What a Spark task does with one peptide. */
    record PeptideTask(String nativeName, int maxFailures) implements Function<PeptideSimulation, PeptideResult> {
        @Override
        public PeptideResult call(PeptideSimulation simulation) throws Exception {
            String nativeLibrary = nativeName != null ? SparkFiles.get(nativeName) : null;
            TaskContext task = TaskContext.get();
            try {
                return simulation.run(nativeLibrary);
            } catch (Exception e) {
                if (task != null && task.attemptNumber() + 1 < maxFailures) throw e;
                return PeptideResult.failed(simulation.sequence(), e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }
}
