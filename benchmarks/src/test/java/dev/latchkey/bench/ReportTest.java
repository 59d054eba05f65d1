package dev.latchkey.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.bench.Report.Metric;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The formatting and ratio arithmetic of the report; no benchmark runs here. */
class ReportTest {

    private static Report sample() {
        Report r = new Report(List.of("lua-jedis", "redisson", "redisson-fenced"), Map.of("cpu", "test"), "java -jar benchmarks.jar --quick");
        r.floorP50 = 50;
        r.floorP99 = 90;
        r.floorRuns.addAll(List.of(50.0, 70.0));
        r.hopP50 = 100;
        r.put("lua-jedis", Metric.S1_P50, 110); // 1.10 × 2 RTT
        r.put("lua-jedis", Metric.S1_PAIRS, 9_000);
        r.put("redisson", Metric.S1_PAIRS, 6_000);
        r.put("lua-jedis", Metric.S3_P99, 500);
        r.put("redisson", Metric.S3_P99, 1_000);
        r.put("lua-jedis", Metric.S4_P50, 200); // 4 RTT
        r.put("lua-jedis", Metric.S5_HELD, 120);
        r.put("redisson-fenced", Metric.S5_HELD, 240);
        return r;
    }

    @Test
    void numbersKeepThreeSignificantFiguresAndThousandsSeparators() {
        assertEquals("12,346", Report.fmt(12_345.6));
        assertEquals("123", Report.fmt(123.4));
        assertEquals("12.3", Report.fmt(12.34));
        assertEquals("1.23", Report.fmt(1.234));
        assertEquals("0.0123", Report.fmt(0.01234));
        assertEquals("0", Report.fmt(0));
        assertEquals("–", Report.fmt(Double.NaN));
        assertEquals("1.50×", Report.fmtRatio(1.5));
        assertEquals("–", Report.fmtRatio(Double.POSITIVE_INFINITY));
    }

    @Test
    void ratiosAreTakenAgainstRedissonAndTheFloor() {
        Report.Ratio lua = new Report.Ratio(sample(), "lua-jedis");
        assertEquals(1.5, lua.vsBaseline(Metric.S1_PAIRS), 1e-9);
        assertEquals(1.1, lua.s1VsTwoRtt(), 1e-9);
        assertEquals(4, lua.s4VsRtt(), 1e-9);
        assertEquals(1, lua.s4VsNotified(), 1e-9); // 200 µs = 2 × 50 + 100
        assertEquals(200.0 / 150, lua.s4VsDirect(), 1e-9); // 1 RTT + 1 hop = 150 µs
        assertEquals(0.5, lua.vsFenced(), 1e-9);
        assertTrue(Double.isNaN(lua.vsBaseline(Metric.S2_T8)), "missing values stay missing");
    }

    @Test
    void targetTableSaysMetOrMissedWithTheMeasuredRatio() {
        String tables = sample().ratioTables();
        assertTrue(tables.contains("| S1 p50 ≤ 1.15 × 2 RTT | 1.10× ✅ met |"), tables);
        assertTrue(tables.contains("| S1 pairs/s ≥ 1.4 × Redisson | 1.50× ✅ met |"), tables);
        assertTrue(tables.contains("| S3 p99 wait ≤ ⅓ × Redisson | 0.500× ❌ missed |"), tables);
        assertTrue(tables.contains("| S4 handoff p50 ≤ 1.3 × (1 RTT + 1 pub/sub hop) | 1.33× ❌ missed |"), tables);
        assertTrue(tables.contains("| S5 bytes/held lock ≤ Redisson RFencedLock | 0.500× ✅ met |"), tables);
        assertTrue(tables.contains("| S5 Redis bytes per held lock ÷ Redisson RFencedLock ↓ | 0.500× |"), tables);
        assertTrue(tables.contains("| S4 handoff p50 ÷ (1 RTT + 1 pub/sub hop) ↓ | 1.33× | – |"), tables);
        assertTrue(tables.contains("| S2 8 threads ≥ 3 × Redisson | – |"), tables);
        assertTrue(tables.contains("| S1 p50 ÷ 2 RTT ↓ | 1.10× | – |"), tables);
        assertTrue(tables.contains("| S4 handoff p50 ÷ (2 RTT + 1 pub/sub hop) ↓ | 1.00× | – |"), tables);
    }

    @Test
    void aVerdictAtTheLimitShowsEnoughDigitsToTellMetFromMissed() {
        Report.Target t = Report.LUA_TARGETS.get(0); // S1 p50 ≤ 1.15 × 2 RTT
        assertEquals("1.1512× ❌ missed", t.verdict(1.15123));
        assertEquals("1.15× ✅ met", t.verdict(1.15));
        assertEquals("1.10× ✅ met", t.verdict(1.1));
        assertEquals("1.3996× ❌ missed", Report.LUA_TARGETS.get(1).verdict(1.3996)); // ≥ 1.4 × Redisson
    }

    @Test
    void markdownTableHasARightAlignedColumnPerBackend() {
        assertEquals("| a | b |\n|---|---:|\n| x | 1 |\n", Report.table(List.of("a", "b"), List.of(List.of("x", "1"))));
    }

    @Test
    void jsonCarriesValuesRatiosAndNullForMissing() throws Exception {
        JsonNode json = new ObjectMapper().readTree(sample().json());
        assertEquals(9000, json.at("/results/lua-jedis/s1_pairs_per_s").asDouble());
        assertEquals(1.5, json.at("/ratios/lua-jedis/s1_pairs_per_s_vs_redisson").asDouble());
        assertEquals(0.5, json.at("/ratios/lua-jedis/s5_bytes_per_held_lock_vs_redisson_fenced").asDouble());
        assertTrue(json.at("/results/lua-jedis/s2_8t_pairs_per_s").isNull(), "missing values are null");
        assertEquals("{\"p50_us\":50,\"p99_us\":90,\"p50_us_of_each_run\":[50,70],\"pubsub_hop_p50_us\":100}", json.get("floor").toString());
        assertEquals("test", json.at("/machine/cpu").asText());
        assertTrue(json.at("/ratios/lua-jedis/s5_bytes_per_name_after_release_vs_redisson").isMissingNode(), "no ratio against a near-zero residual");
    }

    @Test
    void svgHasAPanelPerChartedMetric() {
        String svg = sample().svg();
        assertTrue(svg.startsWith("<svg"), svg);
        for (Metric m : Report.CHARTED) {
            assertTrue(svg.contains(m.label.replace("&", "&amp;")), m.label);
        }
    }

    @Test
    void generatedSectionIsReplacedAndHandWrittenTextKept() {
        String doc = "# Title\n\nintro\n\n" + BenchmarkRunner.BEGIN + "\nold\n" + BenchmarkRunner.END + "\n\n## Analysis\n";
        String spliced = BenchmarkRunner.splice(doc, BenchmarkRunner.BEGIN + "\nnew\n" + BenchmarkRunner.END);
        assertEquals("# Title\n\nintro\n\n" + BenchmarkRunner.BEGIN + "\nnew\n" + BenchmarkRunner.END + "\n\n## Analysis\n", spliced);
        assertTrue(BenchmarkRunner.splice("", "G").startsWith("# Latchkey benchmarks\n\nG"));
    }

    @Test
    void percentilesComeFromAnHdrHistogram() {
        Histogram h = new Histogram(3);
        for (long v = 1; v <= 10; v++) {
            h.recordValue(v);
        }
        assertEquals(5, BenchmarkRunner.percentile(h, 50));
        assertEquals(10, BenchmarkRunner.percentile(h, 99));
        assertTrue(Double.isNaN(BenchmarkRunner.percentile(new Histogram(3), 50)));
    }
}
