package org.boltzmann4j.bg.analysis;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark table of scripts/bench-tbg-*, from fixture runs laid out as the scripts lay them out. */
class BenchmarkTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private static ObjectNode fixture(String name) throws Exception {
        try (InputStream in = BenchmarkTableTest.class.getResourceAsStream("bench-table/" + name)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    /** A run folder: report/metrics.json (the fixture with ess and energy W2 replaced), samples/validity.json if given, seconds.json. */
    private Path run(String name, double ess, double energyW2, ObjectNode validity, String seconds) throws Exception {
        Path run = dir.resolve(name);
        Files.createDirectories(run.resolve("report"));
        ObjectNode m = fixture("IP-metrics.json");
        m.put("ess", ess).put("energy_w2_kjmol", energyW2);
        if (name.contains("warned")) m.putArray("warnings").add("only 12.0 effective samples (constructed)");
        Files.writeString(run.resolve("report/metrics.json"), m.toString());
        if (validity != null) {
            Files.createDirectories(run.resolve("samples"));
            Files.writeString(run.resolve("samples/validity.json"), validity.toString());
        }
        if (seconds != null) Files.writeString(run.resolve("seconds.json"), seconds);
        return run;
    }

    @Test
    void rowsMeansMarkdownAndPlotsFromFixtureRuns() throws Exception {
        ObjectNode validity = fixture("IP-validity.json");
        Path a = run("a", 0.04, 10, validity, "{\"train_steps\": 100, \"train_s\": 60, \"sample_s\": 30, \"evaluate_s\": 5}");
        Path b = run("b-warned", 0.02, 20, validity, "{\"train_steps\": 100, \"train_s\": 60, \"sample_s\": 50, \"evaluate_s\": 5}");
        Path c = run("c", 0.30, 4, null, "{\"train_steps\": 100, \"train_s\": 120}");
        Path a2 = run("a2", 0.08, 6, validity, "{\"train_steps\": 400, \"train_s\": 240, \"sample_s\": 30}");
        Path b2 = run("b2", 0.06, 8, validity, "{\"train_steps\": 400, \"train_s\": 240, \"sample_s\": 30}");
        var request = BenchmarkTable.parse("--out", dir.resolve("table").toString(), "--title", "fixture", "--budget", "md_ns=40",
                "--budget", "dataset=/data/x", "--row", "stage=100,method=tbg,peptide=IP,dir=" + a, "--row", "stage=100,method=tbg,peptide=KS,dir=" + b,
                "--row", "stage=100,method=ic-bg,peptide=IP,dir=" + c, "--row", "stage=400,method=tbg,peptide=IP,dir=" + a2,
                "--row", "stage=400,method=tbg,peptide=KS,dir=" + b2);
        ObjectNode table = BenchmarkTable.write(request);

        assertEquals(40, table.path("budget").path("md_ns").asDouble());
        assertEquals("/data/x", table.path("budget").path("dataset").asText());
        assertEquals(5, table.path("rows").size());
        JsonNode first = table.path("rows").get(0);
        assertEquals(0.04, first.path("ess").asDouble());
        assertEquals(validity.path("valid_fraction").asDouble(), first.path("valid_fraction").asDouble());
        assertEquals(40200, first.path("function_evaluations").asDouble());
        assertEquals(1000, first.path("n_samples").asDouble());
        assertEquals(fixture("IP-metrics.json").path("ess_normalized_top0.2pct_removed").asDouble(), first.path("ess_top0.2pct_removed").asDouble());
        assertTrue(table.path("rows").get(2).path("valid_fraction").isNull(), "no validity.json: no valid fraction");
        assertEquals(1, table.path("rows").get(1).path("warnings").asInt());

        // means per (stage, method): tbg at 100 steps over IP and KS
        JsonNode mean = table.path("means").get(0);
        assertEquals("100", mean.path("stage").asText());
        assertEquals("tbg", mean.path("method").asText());
        assertEquals(2, mean.path("peptides").asInt());
        assertEquals(0.03, mean.path("ess").asDouble(), 1e-15);
        assertEquals(15, mean.path("energy_w2_kjmol").asDouble(), 1e-12);
        assertEquals(40, mean.path("sample_s").asDouble(), 1e-12);
        // a number missing in one of the group's rows makes its mean null, not a mean over some
        JsonNode secondStage = table.path("means").get(2);
        assertEquals("400", secondStage.path("stage").asText());
        assertTrue(secondStage.path("evaluate_s").isNull());
        assertEquals(0.07, secondStage.path("ess").asDouble(), 1e-15);

        String md = Files.readString(dir.resolve("table/table.md"));
        assertTrue(md.contains("| IP | tbg | 0.0800 |"), md); // the last stage's rows
        assertFalse(md.contains("| IP | tbg | 0.0400 |"), md);
        assertTrue(md.contains("| **mean of 2** | tbg | 0.0700 |"), md);
        assertTrue(md.contains("| 100 | tbg | 60 | 0.0300 |"), md); // the curve over stages
        assertTrue(md.contains("- md_ns: 40.0"), md);
        assertEquals(JSON.readTree(dir.resolve("table/table.json").toFile()), table);
        for (String png : List.of("ess-per-peptide.png", "ess-curve.png"))
            assertNotNull(javax.imageio.ImageIO.read(dir.resolve("table").resolve(png).toFile()), png);
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("unknown argument --rows", assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.parse("--rows", "x")).getMessage());
        assertEquals("--out needs a value", assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.parse("--out")).getMessage());
        assertEquals("at least one --row is required",
                assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.parse("--out", "o", "--title", "t")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.parse("--out", "o", "--title", "t", "--row", "stage=1,method=m,dir=d"))
                .getMessage().contains("peptide"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.parse("--out", "o", "--title", "t", "--budget", "novalue"))
                .getMessage().startsWith("--budget must be KEY=VALUE"));
        var missing = BenchmarkTable.parse("--out", dir.toString(), "--title", "t", "--row", "stage=1,method=m,peptide=p,dir=" + dir.resolve("none"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.build(missing)).getMessage().contains("metrics.json: no such file"));
    }

    @Test
    void aRunThatKeptNoSampleIsARowWithItsValidityAndNoMetrics() throws Exception {
        Path none = dir.resolve("none-kept");
        Files.createDirectories(none.resolve("samples"));
        Files.writeString(none.resolve("samples/validity.json"), "{\"drawn\": 20, \"kept\": 0, \"valid_fraction\": 0.0, \"chirality_correct_fraction\": 0.5}");
        var request = BenchmarkTable.parse("--out", dir.resolve("t0").toString(), "--title", "t", "--row", "stage=3,method=tbg,peptide=AK,dir=" + none);
        JsonNode row = BenchmarkTable.build(request).path("rows").get(0);
        assertEquals(0.0, row.path("valid_fraction").asDouble());
        assertEquals(20, row.path("drawn").asInt());
        assertTrue(row.path("ess").isNull(), "no samples: no ESS");
        Files.writeString(none.resolve("samples/validity.json"), "{\"drawn\": 20, \"kept\": 4, \"valid_fraction\": 0.2}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchmarkTable.build(request)).getMessage().contains("metrics.json: no such file"),
                "kept samples but no evaluation is an error");
    }
}
