// Helpers of scripts/bench-tbg-aldp and scripts/bench-tbg-transfer, run by the java source launcher
// with bg's jar and its dependencies on the class path (no Python needed):
//
//   java TbgBench.java concat OUT.npy IN.dcd [IN.dcd ...]     frames of several trajectories as one (frames, atoms, 3) .npy
//   java TbgBench.java test-sequences SPLIT.json              the split's test sequences, one per line
//   java TbgBench.java train-count SPLIT.json                 how many train sequences the split has
//   java TbgBench.java temperature DATASET_DIR                the dataset's MD temperature (K)
//   java TbgBench.java get FILE.json KEY[.KEY...]             a value of a JSON file
//   java TbgBench.java demo-seconds DEMO_DIR                  DEMO_DIR/seconds.json from its demo.json; prints its MD wall seconds
//   java TbgBench.java table --targets aldp|transfer [--reference-df FILE.json] BENCHMARK_TABLE_ARGS...
//        writes table.json, table.md and the plots (org.boltzmann4j.bg.analysis.BenchmarkTable: --out, --title,
//        --budget KEY=VALUE, --row stage=S,method=M,peptide=P,dir=RUN) and prints one JSON line: the table's
//        means of the last stage and each target judged on them (issue 13's Benchmarks).
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.boltzmann4j.bg.analysis.BenchmarkTable;
import org.boltzmann4j.bg.io.Coordinates;
import org.boltzmann4j.bg.io.Frames;

static final ObjectMapper JSON = new ObjectMapper();

void main(String[] args) throws Exception {
    if (args.length == 0) fail("usage: TbgBench.java concat|test-sequences|train-count|temperature|table ...");
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
        case "concat" -> {
            if (rest.length < 2) fail("concat OUT.npy IN...");
            List<Frames> parts = new ArrayList<>();
            for (int i = 1; i < rest.length; i++) parts.add(Coordinates.load(Path.of(rest[i])));
            Coordinates.save(Path.of(rest[0]), Frames.concat(parts));
        }
        case "test-sequences" -> JSON.readTree(Path.of(rest[0]).toFile()).path("test").forEach(s -> System.out.println(s.asText()));
        case "train-count" -> System.out.println(JSON.readTree(Path.of(rest[0]).toFile()).path("train").size());
        case "temperature" -> {
            JsonNode t = JSON.readTree(Path.of(rest[0]).resolve("dataset.json").toFile()).path("settings").path("temperature_k");
            if (!t.isNumber()) fail(rest[0] + "/dataset.json: no settings.temperature_k");
            System.out.println(t.asDouble());
        }
        case "demo-seconds" -> {
            Path demo = Path.of(rest[0]);
            JsonNode d = JSON.readTree(demo.resolve("demo.json").toFile());
            ObjectNode seconds = JSON.createObjectNode();
            seconds.put("train_steps", d.path("train_steps").asDouble()).put("train_s", d.path("train_wall_seconds").asDouble())
                    .put("sample_s", d.path("sample_wall_seconds").asDouble());
            java.nio.file.Files.writeString(demo.resolve("seconds.json"), seconds + "\n");
            System.out.println(d.path("md_wall_seconds").asDouble());
        }
        case "get" -> {
            JsonNode v = JSON.readTree(Path.of(rest[0]).toFile());
            for (String key : rest[1].split("\\.")) v = v.path(key);
            if (v.isMissingNode()) fail(rest[0] + ": no key " + rest[1]);
            System.out.println(v.isContainerNode() ? v.toString() : v.asText());
        }
        case "table" -> table(rest);
        default -> fail("unknown helper " + args[0]);
    }
}

void table(String[] args) throws Exception {
    String targets = null;
    Path referenceDf = null;
    List<String> pass = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--targets") && i + 1 < args.length) targets = args[++i];
        else if (args[i].equals("--reference-df") && i + 1 < args.length) referenceDf = Path.of(args[++i]);
        else pass.add(args[i]);
    }
    if (targets == null || !List.of("aldp", "transfer").contains(targets)) fail("table: --targets aldp|transfer is required");
    ObjectNode table = BenchmarkTable.write(BenchmarkTable.parse(pass.toArray(String[]::new)));
    String last = table.path("rows").get(table.path("rows").size() - 1).path("stage").asText();
    ObjectNode out = JSON.createObjectNode();
    out.put("bench", "tbg-" + targets).put("table", pass.get(pass.indexOf("--out") + 1) + "/table.md").put("stage", last);
    ObjectNode means = out.putObject("means");
    for (JsonNode m : table.path("means")) if (m.path("stage").asText().equals(last)) means.set(m.path("method").asText(), m);
    out.set("budget", table.path("budget"));
    ObjectNode judged = out.putObject("targets");
    JsonNode tbg = means.path("tbg");
    if (targets.equals("aldp")) {
        judged.put("ess_normalized_min", 0.05).put("samples_min", 2000).put("delta_f_within_kt", 0.3);
        judged.put("ess_met", tbg.path("ess").asDouble(0) >= 0.05 && tbg.path("n_samples").asDouble(0) >= 2000);
        if (referenceDf != null && java.nio.file.Files.isRegularFile(referenceDf)) {
            double ref = JSON.readTree(referenceDf.toFile()).path("delta_f_kt").asDouble();
            judged.put("delta_f_reference_kt", ref);
            JsonNode df = tbg.path("delta_f_reweighted_kt");
            if (df.isNumber()) {
                judged.put("delta_f_error_kt", df.asDouble() - ref).put("delta_f_met", Math.abs(df.asDouble() - ref) <= 0.3);
            } else {
                judged.putNull("delta_f_error_kt").put("delta_f_met", false); // a state without weight: dF unbounded
            }
        }
    } else {
        judged.put("mean_ess_normalized_min", 0.02).put("valid_fraction_min", 0.95).put("samples_min_each", 1000).put("test_peptides_min", 3)
                .put("train_peptides_min", 30);
        int peptides = tbg.path("peptides").asInt(0);
        double minSamples = Double.POSITIVE_INFINITY, minValid = Double.POSITIVE_INFINITY;
        for (JsonNode r : table.path("rows")) {
            if (!r.path("stage").asText().equals(last) || !r.path("method").asText().equals("tbg")) continue;
            minSamples = Math.min(minSamples, r.path("n_samples").asDouble(0));
            minValid = Math.min(minValid, r.path("valid_fraction").isNumber() ? r.path("valid_fraction").asDouble() : 0);
        }
        double train = table.path("budget").path("train_peptides").asDouble(0);
        judged.put("ess_met", tbg.path("ess").asDouble(0) >= 0.02).put("valid_met", minValid >= 0.95).put("samples_met", minSamples >= 1000)
                .put("peptides_met", peptides >= 3 && train >= 30);
    }
    System.out.println(out);
}

void fail(String message) {
    System.err.println("TbgBench: " + message);
    System.exit(2);
}
