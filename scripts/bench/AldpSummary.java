// Summary of scripts/bench-aldp, run by the java source launcher with bg's jars on the class path:
// reads each seed's demo.json (budget) and report/metrics.json, and prints one JSON line with every
// run, the mean, sample standard deviation, minimum and maximum of each metric over the seeds, and
// the targets (ESS >= 0.3 on 10^5 samples with no weights dropped; |dF - reference| <= 0.3 kT),
// judged per run and on the mean.
//
// usage: java AldpSummary.java REFERENCE.json|- SEED=DIR [SEED=DIR ...]
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

static final ObjectMapper JSON = new ObjectMapper();

void main(String[] args) throws Exception {
    JsonNode reference = args[0].equals("-") || !Files.exists(Path.of(args[0])) ? null : JSON.readTree(Path.of(args[0]).toFile());
    Double refDf = reference == null ? null : reference.path("delta_f_kt").asDouble();
    // metric name -> where it is in one run (null when the run has no value, e.g. an unbounded dF)
    Map<String, Function<JsonNode, JsonNode>> metrics = new LinkedHashMap<>();
    metrics.put("ess", r -> r.path("metrics").path("ess"));
    metrics.put("nll_nats", r -> r.path("metrics").path("nll_nats"));
    metrics.put("energy_w1_kjmol", r -> r.path("metrics").path("energy_w1_kjmol"));
    metrics.put("phi_kl", r -> r.path("metrics").path("phi_kl"));
    metrics.put("psi_kl", r -> r.path("metrics").path("psi_kl"));
    metrics.put("delta_f_reweighted_kt", r -> r.path("metrics").path("delta_f_kt").path("reweighted").path("value"));
    metrics.put("delta_f_flow_kt", r -> r.path("metrics").path("delta_f_kt").path("flow").path("value"));
    metrics.put("delta_f_error_kt", r -> r.path("delta_f_error_kt"));
    metrics.put("total_energy_evaluations", r -> r.path("budget").path("total_energy_evaluations"));
    metrics.put("total_wall_seconds", r -> r.path("budget").path("total_wall_seconds"));

    ObjectNode result = JSON.createObjectNode();
    result.put("benchmark", "aldp-implicit-300k");
    ArrayNode runs = result.putArray("runs");
    for (int i = 1; i < args.length; i++) {
        String[] seedDir = args[i].split("=", 2);
        Path dir = Path.of(seedDir[1]);
        ObjectNode run = JSON.createObjectNode();
        run.put("seed", Integer.parseInt(seedDir[0]));
        run.set("budget", JSON.readTree(dir.resolve("demo.json").toFile()));
        JsonNode m = JSON.readTree(dir.resolve("report").resolve("metrics.json").toFile());
        run.set("metrics", m);
        JsonNode df = m.path("delta_f_kt").path("reweighted").path("value");
        if (refDf == null || !df.isNumber()) run.putNull("delta_f_error_kt");
        else run.put("delta_f_error_kt", df.asDouble() - refDf);
        ObjectNode targets = run.putObject("targets");
        targets.put("ess_met", m.path("ess").asDouble() >= 0.3);
        if (refDf == null) targets.putNull("delta_f_within_0_3_kt");
        else targets.put("delta_f_within_0_3_kt", df.isNumber() && Math.abs(df.asDouble() - refDf) <= 0.3);
        runs.add(run);
    }
    ObjectNode summary = result.putObject("summary");
    for (var e : metrics.entrySet()) {
        double[] v = new double[runs.size()];
        int n = 0;
        for (JsonNode run : runs) {
            JsonNode x = e.getValue().apply(run);
            if (x.isNumber()) v[n++] = x.asDouble();
        }
        ObjectNode s = summary.putObject(e.getKey());
        s.put("runs_with_value", n);
        if (n == 0) {
            s.putNull("mean");
            s.putNull("sd");
            continue;
        }
        double mean = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            mean += v[k] / n;
            min = Math.min(min, v[k]);
            max = Math.max(max, v[k]);
        }
        double ss = 0;
        for (int k = 0; k < n; k++) ss += (v[k] - mean) * (v[k] - mean);
        s.put("mean", mean);
        if (n > 1) s.put("sd", Math.sqrt(ss / (n - 1))); // sample standard deviation over the seeds
        else s.putNull("sd");
        s.put("min", min).put("max", max);
    }
    if (reference != null) {
        result.put("reference_delta_f_kt", refDf);
        result.set("reference_uncertainty_kt", reference.path("uncertainty_kt"));
    } else {
        result.putNull("reference_delta_f_kt");
    }
    ObjectNode targets = result.putObject("targets");
    targets.put("ess_min", 0.3);
    targets.put("ess_mean_met", summary.path("ess").path("mean").asDouble() >= 0.3);
    targets.put("ess_met_runs", count(runs, "ess_met"));
    JsonNode meanError = summary.path("delta_f_error_kt").path("mean");
    if (reference == null) targets.putNull("delta_f_mean_within_0_3_kt");
    else targets.put("delta_f_mean_within_0_3_kt", meanError.isNumber() && Math.abs(meanError.asDouble()) <= 0.3);
    targets.put("delta_f_within_0_3_kt_runs", count(runs, "delta_f_within_0_3_kt"));
    targets.put("runs", runs.size());
    ObjectNode machine = result.putObject("machine");
    machine.put("cpus", Runtime.getRuntime().availableProcessors());
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    System.out.println(JSON.writeValueAsString(result));
}

static int count(ArrayNode runs, String target) {
    int n = 0;
    for (JsonNode run : runs) if (run.path("targets").path(target).asBoolean(false)) n++;
    return n;
}
