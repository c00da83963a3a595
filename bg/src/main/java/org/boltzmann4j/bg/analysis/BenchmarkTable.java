package org.boltzmann4j.bg.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.boltzmann4j.bg.io.AtomicFile;

/**
 * The table of a generator benchmark (scripts/bench-tbg-aldp, scripts/bench-tbg-transfer): one
 * row per evaluated run (a peptide, a method, a training stage), built from the files the
 * commands leave: RUN/report/metrics.json ({@code bg evaluate} or {@code bg demo}),
 * RUN/samples/validity.json ({@code bg tbg sample}; absent for the internal-coordinate BG, whose
 * samples are all valid by construction) and RUN/seconds.json (what the script timed:
 * {@code train_steps}, {@code train_s}, {@code sample_s}, {@code evaluate_s}), and the mean over
 * the peptides of each (stage, method). Writes table.json, table.md and plots (ESS per peptide;
 * ESS against training time when there are several stages).
 *
 * <p>Arguments ({@link #parse}): {@code --out DIR --title TEXT [--budget KEY=VALUE]...
 * --row stage=S,method=M,peptide=P,dir=RUN...}; a value that parses as a number is a number in
 * the budget.
 */
public final class BenchmarkTable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The numbers a row carries, by key, in the order of the table (each from metrics.json unless said). */
    static final List<String> NUMBERS = List.of("ess", "ess_top0.2pct_removed", "ess_effective_samples", "energy_w2_kjmol", "energy_w2_raw_kjmol",
            "torus_w2_rad", "torus_w2_raw_rad", "nll_nats", "delta_f_reweighted_kt", "delta_f_md_kt", "valid_fraction", "chirality_correct_fraction",
            "n_samples", "drawn", "function_evaluations", "train_steps", "train_s", "sample_s", "evaluate_s", "warnings");

    /** One run to tabulate. */
    public record Row(String stage, String method, String peptide, Path dir) {
        public Row {
            for (String[] f : new String[][] {{"stage", stage}, {"method", method}, {"peptide", peptide}})
                if (f[1] == null || f[1].isBlank()) throw new IllegalArgumentException("--row needs " + f[0] + "=...");
            if (dir == null) throw new IllegalArgumentException("--row needs dir=...");
        }
    }

    /** What the arguments ask for. */
    public record Request(Path out, String title, Map<String, String> budget, List<Row> rows) {
        public Request {
            if (out == null) throw new IllegalArgumentException("--out is required");
            if (title == null) throw new IllegalArgumentException("--title is required");
            if (rows.isEmpty()) throw new IllegalArgumentException("at least one --row is required");
            budget = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(budget)); // in the order given
            rows = List.copyOf(rows);
        }
    }

    private BenchmarkTable() {}

    /** Parses the arguments; IllegalArgumentException names the bad one. */
    public static Request parse(String... args) {
        Path out = null;
        String title = null;
        Map<String, String> budget = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!List.of("--out", "--title", "--budget", "--row").contains(a)) throw new IllegalArgumentException("unknown argument " + a);
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--out" -> out = Path.of(v);
                case "--title" -> title = v;
                case "--budget" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("--budget must be KEY=VALUE, got '" + v + "'");
                    budget.put(v.substring(0, eq), v.substring(eq + 1));
                }
                default -> {
                    Map<String, String> f = new LinkedHashMap<>();
                    for (String part : v.split(",")) {
                        int eq = part.indexOf('=');
                        if (eq < 1) throw new IllegalArgumentException("--row must be stage=S,method=M,peptide=P,dir=D, got '" + v + "'");
                        String key = part.substring(0, eq);
                        if (!List.of("stage", "method", "peptide", "dir").contains(key)) throw new IllegalArgumentException("--row: unknown field " + key);
                        f.put(key, part.substring(eq + 1));
                    }
                    rows.add(new Row(f.get("stage"), f.get("method"), f.get("peptide"), f.containsKey("dir") ? Path.of(f.get("dir")) : null));
                }
            }
        }
        return new Request(out, title, budget, rows);
    }

    /** Reads every row's files and builds table.json's content. */
    public static ObjectNode build(Request request) throws IOException {
        ObjectNode table = JSON.createObjectNode();
        table.put("title", request.title());
        ObjectNode budget = table.putObject("budget");
        for (var e : request.budget().entrySet()) {
            try {
                budget.put(e.getKey(), Double.parseDouble(e.getValue()));
            } catch (NumberFormatException notANumber) {
                budget.put(e.getKey(), e.getValue());
            }
        }
        ArrayNode rows = table.putArray("rows");
        Map<String, List<ObjectNode>> groups = new LinkedHashMap<>();
        for (Row r : request.rows()) {
            ObjectNode row = read(r);
            rows.add(row);
            groups.computeIfAbsent(r.stage() + "\u0000" + r.method(), k -> new ArrayList<>()).add(row);
        }
        ArrayNode means = table.putArray("means");
        for (List<ObjectNode> g : groups.values()) {
            ObjectNode mean = means.addObject();
            mean.put("stage", g.getFirst().path("stage").asText()).put("method", g.getFirst().path("method").asText()).put("peptides", g.size());
            for (String key : NUMBERS) {
                double s = 0;
                int n = 0;
                for (ObjectNode row : g) {
                    if (row.path(key).isNumber()) {
                        s += row.path(key).asDouble();
                        n++;
                    }
                }
                if (n == g.size()) mean.put(key, s / n);
                else mean.putNull(key); // a mean over some peptides only would hide which
            }
        }
        table.put("ess_note", "ess: normalised Kish ESS of all samples, nothing dropped; ess_top0.2pct_removed: the largest ceil(0.002 N) log-weights "
                + "removed first (the clipped figure some papers report, for comparison only)");
        return table;
    }

    private static ObjectNode read(Row r) throws IOException {
        ObjectNode row = JSON.createObjectNode();
        row.put("stage", r.stage()).put("method", r.method()).put("peptide", r.peptide()).put("dir", r.dir().toString());
        Path metricsFile = r.dir().resolve("report").resolve("metrics.json");
        Path validityFile = r.dir().resolve("samples").resolve("validity.json");
        JsonNode m;
        if (Files.isRegularFile(metricsFile)) {
            m = JSON.readTree(metricsFile.toFile());
        } else if (Files.isRegularFile(validityFile) && JSON.readTree(validityFile.toFile()).path("kept").asLong(-1) == 0) {
            m = JSON.createObjectNode(); // every draw was dropped: nothing to evaluate, the validity row says so
        } else {
            throw new IllegalArgumentException(metricsFile + ": no such file (the run's bg evaluate report)");
        }
        copy(row, "ess", m.path("ess"));
        copy(row, "ess_top0.2pct_removed", m.path("ess_normalized_top0.2pct_removed"));
        copy(row, "ess_effective_samples", m.path("ess_effective_samples"));
        copy(row, "energy_w2_kjmol", m.path("energy_w2_kjmol"));
        copy(row, "energy_w2_raw_kjmol", m.path("energy_w2_raw_kjmol"));
        copy(row, "torus_w2_rad", m.path("torus_w2_rad"));
        copy(row, "torus_w2_raw_rad", m.path("torus_w2_raw_rad"));
        copy(row, "nll_nats", m.path("nll_nats"));
        copy(row, "delta_f_reweighted_kt", m.path("delta_f_kt").path("reweighted").path("value"));
        copy(row, "delta_f_md_kt", m.path("delta_f_kt").path("md").path("value"));
        copy(row, "n_samples", m.path("n_samples"));
        if (Files.isRegularFile(validityFile)) {
            JsonNode v = JSON.readTree(validityFile.toFile());
            copy(row, "valid_fraction", v.path("valid_fraction"));
            copy(row, "chirality_correct_fraction", v.path("chirality_correct_fraction"));
            copy(row, "drawn", v.path("drawn"));
            copy(row, "function_evaluations", v.path("solver").path("function_evaluations"));
        } else {
            for (String k : List.of("valid_fraction", "chirality_correct_fraction", "drawn", "function_evaluations")) row.putNull(k);
        }
        Path secondsFile = r.dir().resolve("seconds.json");
        JsonNode t = Files.isRegularFile(secondsFile) ? JSON.readTree(secondsFile.toFile()) : JSON.createObjectNode();
        for (String k : List.of("train_steps", "train_s", "sample_s", "evaluate_s")) copy(row, k, t.path(k));
        row.put("warnings", m.path("warnings").size());
        ArrayNode w = row.putArray("warning_texts");
        m.path("warnings").forEach(w::add);
        return row;
    }

    private static void copy(ObjectNode row, String key, JsonNode value) {
        if (value.isNumber() && Double.isFinite(value.asDouble())) row.put(key, value.asDouble());
        else row.putNull(key);
    }

    /** table.md: the rows of the last stage and their means, the curve over stages, the budget, the warnings. */
    public static String markdown(ObjectNode table) {
        StringBuilder md = new StringBuilder("# ").append(table.path("title").asText()).append("\n\n");
        String last = lastStage(table);
        md.append("Stage ").append(last).append(" (training steps). ESS: normalised Kish ESS, no weights dropped; ESS-0.2%: the top 0.2 % of log "
                + "weights removed first (clipped, as some papers report; for comparison only). E-W2: energy Wasserstein-2, MD vs reweighted (raw); "
                + "T-W2: torus Wasserstein-2 of (phi, psi), MD vs resampled by weight (raw).\n\n");
        md.append("| peptide | method | ESS | ESS-0.2% | E-W2 kJ/mol (raw) | T-W2 rad (raw) | valid | chirality ok | samples | train s | sample s | warnings |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : table.path("rows")) if (r.path("stage").asText().equals(last)) line(md, r.path("peptide").asText(), r);
        for (JsonNode r : table.path("means")) if (r.path("stage").asText().equals(last)) line(md, "**mean of " + r.path("peptides").asInt() + "**", r);
        List<String> stages = stages(table);
        if (stages.size() > 1) {
            md.append("\nAgainst training (means over peptides):\n\n| stage (steps) | method | train s | ESS | ESS-0.2% | E-W2 | T-W2 |\n|---|---|---|---|---|---|---|\n");
            for (JsonNode r : table.path("means")) {
                md.append("| ").append(r.path("stage").asText()).append(" | ").append(r.path("method").asText()).append(" | ").append(f(r.path("train_s"), "%.0f"))
                        .append(" | ").append(f(r.path("ess"), "%.4f")).append(" | ").append(f(r.path("ess_top0.2pct_removed"), "%.4f")).append(" | ")
                        .append(f(r.path("energy_w2_kjmol"), "%.2f")).append(" | ").append(f(r.path("torus_w2_rad"), "%.3f")).append(" |\n");
            }
        }
        md.append("\nBudget:\n\n");
        table.path("budget").properties().forEach(e -> md.append("- ").append(e.getKey()).append(": ").append(e.getValue().asText()).append("\n"));
        boolean any = false;
        for (JsonNode r : table.path("rows")) {
            if (!r.path("stage").asText().equals(last) || r.path("warnings").asInt() == 0) continue;
            if (!any) md.append("\nWarnings of bg evaluate:\n\n");
            any = true;
            for (JsonNode w : r.path("warning_texts")) md.append("- ").append(r.path("peptide").asText()).append(" (").append(r.path("method").asText())
                    .append("): ").append(w.asText()).append("\n");
        }
        md.append("\n![ESS per peptide](ess-per-peptide.png)\n");
        if (stages.size() > 1) md.append("\n![ESS against training time](ess-curve.png)\n");
        return md.toString();
    }

    private static void line(StringBuilder md, String name, JsonNode r) {
        md.append("| ").append(name).append(" | ").append(r.path("method").asText()).append(" | ").append(f(r.path("ess"), "%.4f")).append(" | ")
                .append(f(r.path("ess_top0.2pct_removed"), "%.4f")).append(" | ").append(f(r.path("energy_w2_kjmol"), "%.2f")).append(" (")
                .append(f(r.path("energy_w2_raw_kjmol"), "%.2f")).append(") | ").append(f(r.path("torus_w2_rad"), "%.3f")).append(" (")
                .append(f(r.path("torus_w2_raw_rad"), "%.3f")).append(") | ").append(f(r.path("valid_fraction"), "%.3f")).append(" | ")
                .append(f(r.path("chirality_correct_fraction"), "%.3f")).append(" | ").append(f(r.path("n_samples"), "%.0f")).append(" | ")
                .append(f(r.path("train_s"), "%.0f")).append(" | ").append(f(r.path("sample_s"), "%.0f")).append(" | ").append(f(r.path("warnings"), "%.0f"))
                .append(" |\n");
    }

    private static String f(JsonNode v, String format) {
        return v.isNumber() ? String.format(Locale.ROOT, format, v.asDouble()) : "-";
    }

    private static List<String> stages(ObjectNode table) {
        List<String> s = new ArrayList<>();
        for (JsonNode r : table.path("rows")) if (!s.contains(r.path("stage").asText())) s.add(r.path("stage").asText());
        return s;
    }

    private static String lastStage(ObjectNode table) {
        return stages(table).getLast();
    }

    /** The plots by file name: ESS of each peptide at the last stage, both ways; mean ESS against training seconds when there are stages. */
    public static Map<String, byte[]> plots(ObjectNode table) {
        Map<String, byte[]> plots = new LinkedHashMap<>();
        String last = lastStage(table);
        Map<String, List<double[]>> byMethod = new LinkedHashMap<>(), clipped = new LinkedHashMap<>();
        List<String> peptides = new ArrayList<>();
        for (JsonNode r : table.path("rows")) {
            if (!r.path("stage").asText().equals(last)) continue;
            String p = r.path("peptide").asText();
            if (!peptides.contains(p)) peptides.add(p);
            double x = peptides.indexOf(p) + 1;
            byMethod.computeIfAbsent(r.path("method").asText(), k -> new ArrayList<>()).add(new double[] {x, r.path("ess").asDouble(Double.NaN)});
            clipped.computeIfAbsent(r.path("method").asText(), k -> new ArrayList<>()).add(new double[] {x, r.path("ess_top0.2pct_removed").asDouble(Double.NaN)});
        }
        List<Plots.Series> series = new ArrayList<>();
        for (var e : byMethod.entrySet()) series.add(series(e.getKey() + ", ESS", e.getValue()));
        for (var e : clipped.entrySet()) series.add(series(e.getKey() + ", ESS top 0.2 % removed", e.getValue()));
        plots.put("ess-per-peptide.png", Plots.points("Normalised ESS per peptide (" + String.join(" ", peptides) + ")", "peptide (order of table.md)",
                "normalised ESS", series));
        if (stages(table).size() > 1) {
            Map<String, List<double[]>> curve = new LinkedHashMap<>();
            for (JsonNode r : table.path("means")) {
                if (!r.path("train_s").isNumber()) continue;
                curve.computeIfAbsent(r.path("method").asText(), k -> new ArrayList<>())
                        .add(new double[] {r.path("train_s").asDouble() / 60, r.path("ess").asDouble(Double.NaN)});
            }
            List<Plots.Series> c = new ArrayList<>();
            for (var e : curve.entrySet()) c.add(series(e.getKey() + ", mean ESS", e.getValue()));
            if (!c.isEmpty()) plots.put("ess-curve.png", Plots.points("Mean normalised ESS against training time", "training (min)", "normalised ESS", c));
        }
        return plots;
    }

    private static Plots.Series series(String name, List<double[]> points) {
        double[] x = new double[points.size()], y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return new Plots.Series(name, x, y);
    }

    /** Builds the table and writes table.json, table.md and the plots into the request's folder; returns the table. */
    public static ObjectNode write(Request request) throws IOException {
        ObjectNode table = build(request);
        Map<String, byte[]> plots = plots(table);
        String md = markdown(table);
        Files.createDirectories(request.out());
        for (var p : plots.entrySet()) Plots.write(request.out().resolve(p.getKey()), p.getValue());
        AtomicFile.writeBytes(request.out().resolve("table.md"), md.getBytes(StandardCharsets.UTF_8));
        AtomicFile.writeString(request.out().resolve("table.json"), JSON.writeValueAsString(table) + "\n");
        return table;
    }
}
