// Driver of scripts/bench-energy, run by the java source launcher with the bindings on the class
// path: microseconds per energy+force evaluation of one configuration of the bundled systems
// (Reference platform), measured back to back in interleaved rounds (C++, Java, Python, ...) so
// that a noisy machine slows all of them alike; the best round of each is kept. Prints one JSON
// object per system.
//
//   cpp_us               raw C++ loop over OpenMM (native/build/bench_energy_cpp) through ContextImpl:
//                        the cheapest way to get energies and forces out of OpenMM, the physical limit
//   cpp_public_api_us    the same loop through the public API (setPositions + getState)
//   java_us              boltzmann4j's Java API on one thread: the batch call (all configurations in
//                        one call, the API's way to evaluate N configurations)
//   java_single_call_us  the same with one configuration per call (the per-call overhead shows)
//   java_pool_us         per configuration, a batch on the ContextPool (BENCH_THREADS contexts)
//   python_us            OpenMM Python, the usual way (positions and results as unit Quantities)
//   python_fast_us       OpenMM Python, the fastest of the ways in scripts/bench/bench_energy.py
//                        (plain arrays in nm, no unit arithmetic per call); null without Python/OpenMM
//
// usage: java EnergyBench.java ROOT PYTHON|- ROUNDS REPEATS THREADS CONFIGS PYTHON_CONFIGS
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.boltzmann4j.openmm.Context;
import org.boltzmann4j.openmm.ContextPool;
import org.boltzmann4j.openmm.OpenMMSystem;

static final String PLATFORM = "Reference";

void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String python = args[1].equals("-") ? null : args[1];
    int rounds = Integer.parseInt(args[2]), repeats = Integer.parseInt(args[3]), threads = Integer.parseInt(args[4]);
    int configs = Integer.parseInt(args[5]), pythonConfigs = Integer.parseInt(args[6]);
    Path systems = root.resolve("bg/src/main/resources/org/boltzmann4j/bg/systems");
    Path reference = root.resolve("bg/src/test/resources/reference/energies");
    for (String name : List.of("aldp-vacuum", "aldp-implicit")) {
        Path xml = systems.resolve(name + ".xml");
        double[] base = readNpy(reference.resolve(name + "-positions.npy"));
        // the reference configurations repeated, so that each timing lasts long enough
        int atoms = atoms(xml);
        double[] x = new double[configs * 3 * atoms];
        for (int i = 0; i < x.length; i++) x[i] = base[i % base.length];
        Path bin = Files.createTempFile("bench-energy-", ".bin");
        Path pyBin = Files.createTempFile("bench-energy-py-", ".bin");
        try {
            write(bin, x, x.length);
            write(pyBin, x, Math.min(x.length, pythonConfigs * 3 * atoms));
            Map<String, Double> best = new LinkedHashMap<>();
            String pythonVariants = null, fastVariant = null, openmmVersion = null;
            try (OpenMMSystem system = OpenMMSystem.load(xml);
                    Context context = Context.forEnergies(system, PLATFORM, Map.of());
                    ContextPool pool = new ContextPool(system, PLATFORM, Map.of(), threads)) {
                for (int r = 0; r < rounds; r++) {
                    String[] cpp = run(List.of(root.resolve("native/build/bench_energy_cpp").toString(), xml.toString(), bin.toString(),
                            Integer.toString(configs), Integer.toString(repeats), PLATFORM)).trim().split("\\s+");
                    keepBest(best, "cpp_public_api_us", Double.parseDouble(cpp[0]));
                    keepBest(best, "cpp_us", Double.parseDouble(cpp[1]));
                    javaRound(system, context, pool, x, configs, repeats, best);
                    if (python != null) {
                        String out = run(List.of(python, root.resolve("scripts/bench/bench_energy.py").toString(), xml.toString(), pyBin.toString(),
                                Integer.toString(Math.min(configs, pythonConfigs)), Integer.toString(repeats), PLATFORM));
                        String line = out.strip().lines().reduce((a, b) -> b).orElseThrow();
                        keepBest(best, "python_us", number(line, "python_us"));
                        double fast = number(line, "python_fast_us");
                        if (fast < best.getOrDefault("python_fast_us", Double.MAX_VALUE)) {
                            fastVariant = text(line, "python_fast_variant");
                            pythonVariants = object(line, "python_variants_us");
                        }
                        keepBest(best, "python_fast_us", fast);
                        openmmVersion = text(line, "openmm");
                    }
                }
                System.out.println(json(name, system.numParticles(), configs, pool.threads(), best, fastVariant, pythonVariants, openmmVersion));
            }
        } finally {
            Files.deleteIfExists(bin);
            Files.deleteIfExists(pyBin);
        }
    }
}

void javaRound(OpenMMSystem system, Context context, ContextPool pool, double[] x, int n, int repeats, Map<String, Double> best) {
    int p = system.numParticles();
    double[] e = new double[n], f = new double[n * p * 3];
    double[] one = new double[p * 3], e1 = new double[1], f1 = new double[p * 3];
    for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        for (int c = 0; c < n; c++) { // one configuration per call, as the C++ loop and Python do
            System.arraycopy(x, c * p * 3, one, 0, p * 3);
            context.evaluate(one, 1, e1, f1);
        }
        keepBest(best, "java_single_call_us", (System.nanoTime() - t0) / 1e3 / n);
        long tb = System.nanoTime();
        context.evaluate(x, n, e, f);
        keepBest(best, "java_us", (System.nanoTime() - tb) / 1e3 / n);
        long t1 = System.nanoTime();
        pool.evaluate(x, n, e, f);
        keepBest(best, "java_pool_us", (System.nanoTime() - t1) / 1e3 / n);
    }
}

static void keepBest(Map<String, Double> best, String key, double value) {
    best.merge(key, value, Math::min);
}

static String json(String name, int atoms, int configs, int threads, Map<String, Double> b, String fastVariant, String variants, String openmm) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("system", quote(name));
    out.put("platform", quote(PLATFORM));
    out.put("atoms", Integer.toString(atoms));
    out.put("configurations", Integer.toString(configs));
    out.put("threads", Integer.toString(threads));
    for (String k : List.of("cpp_us", "cpp_public_api_us", "java_us", "java_single_call_us", "java_pool_us", "python_us", "python_fast_us"))
        out.put(k, fmt(b.get(k), 3));
    out.put("python_fast_variant", fastVariant == null ? "null" : quote(fastVariant));
    out.put("python_variants_us", variants == null ? "null" : variants);
    out.put("java_vs_cpp", fmt(b.get("cpp_us") / b.get("java_us"), 4));
    out.put("java_single_call_vs_cpp", fmt(b.get("cpp_us") / b.get("java_single_call_us"), 4));
    out.put("pool_speedup", fmt(b.get("java_us") / b.get("java_pool_us"), 3));
    // Python's own distance from the C++ limit bounds what any binding can gain over it
    out.put("python_vs_cpp_bound", ratio(b.get("python_us"), b.get("cpp_us")));
    out.put("python_fast_vs_cpp_bound", ratio(b.get("python_fast_us"), b.get("cpp_us")));
    out.put("java_vs_python", ratio(b.get("python_us"), b.get("java_us")));
    out.put("java_vs_python_fast", ratio(b.get("python_fast_us"), b.get("java_us")));
    out.put("openmm", openmm == null ? "null" : quote(openmm));
    StringBuilder s = new StringBuilder("{");
    out.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(quote(k)).append(": ").append(v));
    return s.append("}").toString();
}

static String ratio(Double a, Double b) {
    return a == null || b == null ? "null" : fmt(a / b, 3);
}

static String fmt(Double v, int digits) {
    return v == null ? "null" : String.format(Locale.ROOT, "%." + digits + "f", v);
}

static String quote(String s) {
    return "\"" + s + "\"";
}

static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE+]+)").matcher(json);
    if (!m.find()) throw new IllegalStateException("bench_energy.py printed no " + key + ": " + json);
    return Double.parseDouble(m.group(1));
}

static String text(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
    if (!m.find()) throw new IllegalStateException("bench_energy.py printed no " + key + ": " + json);
    return m.group(1);
}

static String object(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": (\\{[^}]*\\})").matcher(json);
    if (!m.find()) throw new IllegalStateException("bench_energy.py printed no " + key + ": " + json);
    return m.group(1);
}

/** Runs a command; its stderr passes through, a non-zero exit fails the bench. */
static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0) throw new IllegalStateException(String.join(" ", command) + " exited with " + code);
    return out;
}

static int atoms(Path xml) throws IOException {
    try (OpenMMSystem system = OpenMMSystem.load(xml)) {
        return system.numParticles();
    }
}

/** A little-endian float64 C-order .npy file's values (the committed reference positions). */
static double[] readNpy(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int major = b.get(6);
    int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
    int start = (major == 1 ? 10 : 12) + headerLength;
    String header = new String(b.array(), major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
    if (!header.contains("'<f8'") || header.contains("'fortran_order': True"))
        throw new IOException(file + ": expected little-endian float64 in C order, header " + header.strip());
    double[] x = new double[(b.capacity() - start) / 8];
    b.position(start);
    b.asDoubleBuffer().get(x);
    return x;
}

static void write(Path file, double[] x, int count) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(x, 0, count);
    Files.write(file, b.array());
}
