package dev.latchkey.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What one run measured, and its renderings: Markdown tables (absolute numbers, ratios against
 * Redisson and the floor, the lock-redis-lua targets), JSON and an SVG bar chart. A missing value
 * (backend absent or failed) is {@code NaN} and shows as "–". Not thread-safe; filled by one thread.
 */
final class Report {

    static final String BASELINE = "redisson";
    /** Redisson's fencing lock, measured in S5 only: the peer that keeps a fencing counter too. */
    static final String FENCED = "redisson-fenced";

    /** What is reported per backend; {@code higherIsBetter} only labels the direction. */
    enum Metric {
        S1_PAIRS("s1_pairs_per_s", "S1 one name, 1 thread: pairs/s", true),
        S1_P50("s1_p50_us", "S1 pair latency p50, µs", false),
        S1_P99("s1_p99_us", "S1 pair latency p99, µs", false),
        S2_T1("s2_1t_pairs_per_s", "S2 distinct names, 1 thread: pairs/s", true),
        S2_T8("s2_8t_pairs_per_s", "S2 distinct names, 8 threads: pairs/s", true),
        S2_T32("s2_32t_pairs_per_s", "S2 distinct names, 32 threads: pairs/s", true),
        S3_RATE("s3_acquisitions_per_s", "S3 one name, 8 threads: acquisitions/s", true),
        S3_P99("s3_p99_wait_us", "S3 p99 wait (acquire called → released), µs", false),
        S4_P50("s4_handoff_p50_us", "S4 handoff between 2 JVMs p50, µs", false),
        S4_P99("s4_handoff_p99_us", "S4 handoff between 2 JVMs p99, µs", false),
        S5_HELD("s5_bytes_per_held_lock", "S5 Redis bytes per held lock", false),
        S5_LEFT("s5_bytes_per_name_after_release", "S5 Redis bytes per name after release", false);

        final String key;
        final String label;
        final boolean higherIsBetter;

        Metric(String key, String label, boolean higherIsBetter) {
            this.key = key;
            this.label = label;
            this.higherIsBetter = higherIsBetter;
        }
    }

    /** A goal for lock-redis-lua: {@code ratio(report, backend) ≤ limit} (or ≥ when {@code atLeast}). */
    record Target(String text, ToDoubleFunction<Ratio> ratio, double limit, boolean atLeast) {
        String verdict(double value) {
            if (Double.isNaN(value)) {
                return "–";
            }
            boolean met = atLeast ? value >= limit : value <= limit;
            String shown = fmtRatio(value);
            if (!met && shown.equals(fmtRatio(limit))) { // "1.15× missed" would puzzle: it is 1.1512×
                shown = String.format(Locale.ROOT, "%.4f×", value);
            }
            return shown + (met ? " ✅ met" : " ❌ missed");
        }
    }

    /** The ratios one backend's numbers give, against Redisson and the floor. */
    record Ratio(Report report, String backend) {
        double vsBaseline(Metric m) {
            return report.get(backend, m) / report.get(BASELINE, m);
        }

        /** S1 p50 as a multiple of two raw round trips. */
        double s1VsTwoRtt() {
            return report.get(backend, Metric.S1_P50) / (2 * report.floorP50);
        }

        /** S4 p50 handoff as a multiple of the best a notified handoff can do: 2 RTT and one hop. */
        double s4VsNotified() {
            return report.get(backend, Metric.S4_P50) / (2 * report.floorP50 + report.hopP50);
        }

        /** S4 p50 handoff as a multiple of the best a direct handoff can do: the release's round trip and one hop. */
        double s4VsDirect() {
            return report.get(backend, Metric.S4_P50) / (report.floorP50 + report.hopP50);
        }

        /** S4 p50 handoff as a multiple of one raw round trip. */
        double s4VsRtt() {
            return report.get(backend, Metric.S4_P50) / report.floorP50;
        }

        /** S5 bytes per held lock against Redisson's RFencedLock. */
        double vsFenced() {
            return report.get(backend, Metric.S5_HELD) / report.get(FENCED, Metric.S5_HELD);
        }

        /** S1 p50 against lua-jedis's. */
        double s1VsJedis() {
            return report.get(backend, Metric.S1_P50) / report.get("lua-jedis", Metric.S1_P50);
        }
    }

    static final List<Target> LUA_TARGETS = List.of(
            new Target("S1 p50 ≤ 1.15 × 2 RTT", Ratio::s1VsTwoRtt, 1.15, false),
            new Target("S1 pairs/s ≥ 1.4 × Redisson", r -> r.vsBaseline(Metric.S1_PAIRS), 1.4, true),
            new Target("S1 p50 ≤ 1.5 × lua-jedis", Ratio::s1VsJedis, 1.5, false),
            new Target("S2 8 threads ≥ 3 × Redisson", r -> r.vsBaseline(Metric.S2_T8), 3, true),
            new Target("S3 acquisitions/s ≥ 5 × Redisson", r -> r.vsBaseline(Metric.S3_RATE), 5, true),
            new Target("S3 p99 wait ≤ ⅓ × Redisson", r -> r.vsBaseline(Metric.S3_P99), 1.0 / 3, false),
            new Target("S4 handoff p50 ≤ 1.3 × (1 RTT + 1 pub/sub hop)", Ratio::s4VsDirect, 1.3, false),
            new Target("S5 bytes/held lock ≤ Redisson RFencedLock", Ratio::vsFenced, 1, false));

    /** Metrics compared with Redisson: all but the residual memory, which is about zero for Redisson. */
    static final List<Metric> RATIOED = Arrays.stream(Metric.values()).filter(m -> m != Metric.S5_LEFT).toList();

    /** Metrics drawn in the chart, S1 to S4. */
    static final List<Metric> CHARTED = List.of(Metric.S1_PAIRS, Metric.S1_P50, Metric.S2_T1, Metric.S2_T8,
            Metric.S2_T32, Metric.S3_RATE, Metric.S3_P99, Metric.S4_P50);

    final List<String> backends;
    final Map<String, String> machine;
    final String command;
    double floorP50 = Double.NaN;
    double floorP99 = Double.NaN;
    /** The p50 of one pub/sub notification to a thread that slept as long as S4's settle time (µs). */
    double hopP50 = Double.NaN;
    /** The p50 of every floor measurement of the run; {@link #floorP50} is the lowest. */
    final List<Double> floorRuns = new ArrayList<>();
    private final Map<String, Map<Metric, Double>> values = new LinkedHashMap<>();

    Report(List<String> backends, Map<String, String> machine, String command) {
        this.backends = List.copyOf(backends);
        this.machine = new LinkedHashMap<>(machine);
        this.command = command;
        backends.forEach(b -> values.put(b, new EnumMap<>(Metric.class)));
    }

    void put(String backend, Metric metric, double value) {
        values.get(backend).put(metric, value);
    }

    double get(String backend, Metric metric) {
        Map<Metric, Double> row = values.get(backend);
        return row == null ? Double.NaN : row.getOrDefault(metric, Double.NaN);
    }

    // ---------------------------------------------------------------- Markdown

    /** Machine, command, floor, and the three tables. */
    String markdown(String chartFile) {
        StringBuilder md = new StringBuilder();
        machine.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n');
        md.append("Command:\n\n```\n").append(command).append("\n```\n\n");
        md.append("Floor (one raw round trip, Jedis `PING` on one connection): p50 ").append(fmt(floorP50))
                .append(" µs, p99 ").append(fmt(floorP99)).append(" µs; 2 RTT = ").append(fmt(2 * floorP50))
                .append(" µs. The lowest of ").append(floorRuns.size()).append(" measurements spread over the run (p50s: ")
                .append(floorRuns.stream().map(Report::fmt).collect(Collectors.joining(", "))).append(" µs).")
                .append(" A pub/sub notification (`PUBLISH` until a subscriber thread that slept 2 ms, as an S4 waiter")
                .append(" does, has it) takes ").append(fmt(hopP50)).append(" µs at p50 (\"pub/sub hop\").")
                .append("\n\n### Absolute numbers\n\n").append(absoluteTable())
                .append("\n– = not measured (backend not on the class path, not applicable, or failed: see the console).\n\n")
                .append(ratioTables());
        if (chartFile != null) {
            md.append("\n![S1–S4 bar chart](").append(chartFile).append(")\n");
        }
        return md.toString();
    }

    String absoluteTable() {
        List<String> header = new ArrayList<>(List.of("metric"));
        header.addAll(backends);
        List<List<String>> rows = new ArrayList<>();
        for (Metric m : Metric.values()) {
            List<String> row = new ArrayList<>(List.of(m.label + (m.higherIsBetter ? " ↑" : " ↓")));
            backends.forEach(b -> row.add(fmt(get(b, m))));
            rows.add(row);
        }
        return table(header, rows);
    }

    /** The ratio table (against Redisson and the floor) and the lock-redis-lua targets. */
    String ratioTables() {
        List<String> others = backends.stream().filter(b -> !b.equals(BASELINE) && !b.equals(FENCED)).toList();
        List<String> header = new ArrayList<>(List.of("ratio"));
        header.addAll(others);
        List<List<String>> rows = new ArrayList<>();
        for (Metric m : RATIOED) {
            List<String> row = new ArrayList<>(List.of(m.label + " ÷ Redisson" + (m.higherIsBetter ? " ↑" : " ↓")));
            others.forEach(b -> row.add(fmtRatio(new Ratio(this, b).vsBaseline(m))));
            rows.add(row);
        }
        rows.add(new ArrayList<>(List.of("S5 Redis bytes per held lock ÷ Redisson RFencedLock ↓")));
        others.forEach(b -> rows.get(rows.size() - 1).add(fmtRatio(new Ratio(this, b).vsFenced())));
        List<String> timed = backends.stream().filter(b -> !b.equals(FENCED)).toList();
        List<String> floorHeader = new ArrayList<>(List.of("against the floor"));
        floorHeader.addAll(timed);
        List<String> s1 = new ArrayList<>(List.of("S1 p50 ÷ 2 RTT ↓"));
        List<String> s4 = new ArrayList<>(List.of("S4 handoff p50 ÷ 1 RTT ↓"));
        List<String> s4Hop = new ArrayList<>(List.of("S4 handoff p50 ÷ (2 RTT + 1 pub/sub hop) ↓"));
        List<String> s4Direct = new ArrayList<>(List.of("S4 handoff p50 ÷ (1 RTT + 1 pub/sub hop) ↓"));
        timed.forEach(b -> {
            s1.add(fmtRatio(new Ratio(this, b).s1VsTwoRtt()));
            s4.add(fmtRatio(new Ratio(this, b).s4VsRtt()));
            s4Hop.add(fmtRatio(new Ratio(this, b).s4VsNotified()));
            s4Direct.add(fmtRatio(new Ratio(this, b).s4VsDirect()));
        });
        StringBuilder md = new StringBuilder("### Ratios\n\n").append(table(header, rows)).append('\n')
                .append(table(floorHeader, List.of(s1, s4, s4Hop, s4Direct)));
        List<String> lua = backends.stream().filter(b -> b.startsWith("lua")).toList();
        if (!lua.isEmpty()) {
            List<String> targetHeader = new ArrayList<>(List.of("lock-redis-lua target"));
            targetHeader.addAll(lua);
            List<List<String>> targetRows = new ArrayList<>();
            for (Target t : LUA_TARGETS) {
                List<String> row = new ArrayList<>(List.of(t.text()));
                lua.forEach(b -> row.add(t.verdict(t.ratio().applyAsDouble(new Ratio(this, b)))));
                targetRows.add(row);
            }
            md.append("\n### Targets for lock-redis-lua (measured)\n\n").append(table(targetHeader, targetRows));
        }
        return md.toString();
    }

    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(i == 0 ? "---|" : "---:|");
        }
        md.append('\n');
        rows.forEach(r -> md.append("| ").append(String.join(" | ", r)).append(" |\n"));
        return md.toString();
    }

    /** 3 significant figures at most, thousands separated: 0.0123, 1.23, 12.3, 123, 12,345. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 100 || a == 0) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        int decimals = a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, 2 - (int) Math.floor(Math.log10(a)));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String fmtRatio(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : fmt(v) + "×";
    }

    // ---------------------------------------------------------------- JSON

    /** The run as JSON (Jackson): machine, command, floor, every value and every ratio; a missing value is null. */
    String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("machine", machine);
        root.put("command", command);
        Map<String, Object> floor = new LinkedHashMap<>();
        floor.put("p50_us", num(floorP50));
        floor.put("p99_us", num(floorP99));
        floor.put("p50_us_of_each_run", floorRuns.stream().map(Report::num).toList());
        floor.put("pubsub_hop_p50_us", num(hopP50));
        root.put("floor", floor);
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (String b : backends) {
            Map<String, Object> row = new LinkedHashMap<>();
            Arrays.stream(Metric.values()).forEach(m -> row.put(m.key, num(get(b, m))));
            results.put(b, row);
            Ratio r = new Ratio(this, b);
            Map<String, Object> ratio = new LinkedHashMap<>();
            RATIOED.forEach(m -> ratio.put(m.key + "_vs_redisson", num(r.vsBaseline(m))));
            ratio.put("s5_bytes_per_held_lock_vs_redisson_fenced", num(r.vsFenced()));
            ratio.put("s1_p50_vs_2rtt", num(r.s1VsTwoRtt()));
            ratio.put("s4_p50_vs_rtt", num(r.s4VsRtt()));
            ratio.put("s4_p50_vs_2rtt_plus_hop", num(r.s4VsNotified()));
            ratio.put("s4_p50_vs_rtt_plus_hop", num(r.s4VsDirect()));
            ratios.put(b, ratio);
        }
        root.put("results", results);
        root.put("ratios", ratios);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    /** Six significant figures, or null for a missing value. */
    private static BigDecimal num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros();
    }

    // ---------------------------------------------------------------- SVG

    /**
     * Horizontal bars, one panel per charted metric, two panels a row. The in-memory backend is left
     * out: it is orders of magnitude faster and would flatten every Redis bar. Latency panels carry the
     * floor as a dashed line (2 RTT for S1, 1 RTT for S4).
     */
    String svg() {
        List<String> shown = backends.stream().filter(b -> !b.equals("inmemory") && !b.equals(FENCED)).toList();
        int panelW = 460;
        int labelW = 90;
        int barH = 18;
        int panelH = 34 + shown.size() * (barH + 4) + 10;
        int rows = (CHARTED.size() + 1) / 2;
        int width = 2 * panelW + 20;
        int height = rows * panelH + 56;
        String[] colors = {"#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#e15759", "#b07aa1"};
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", width, height));
        s.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Latchkey vs Redisson, one Redis, same run</text>\n"
                + "<text x=\"10\" y=\"36\" font-size=\"11\">Dashed line: the raw round trip measured in the same run."
                + " The in-memory backend is in the table only (off this scale).</text>\n");
        for (int i = 0; i < CHARTED.size(); i++) {
            Metric m = CHARTED.get(i);
            int x0 = 10 + (i % 2) * (panelW + 10);
            int y0 = 56 + (i / 2) * panelH;
            double reference = m == Metric.S1_P50 ? 2 * floorP50 : m == Metric.S4_P50 ? floorP50 : Double.NaN;
            double max = shown.stream().mapToDouble(b -> get(b, m)).filter(v -> !Double.isNaN(v)).max().orElse(1);
            max = Math.max(max, Double.isNaN(reference) ? 0 : reference) * 1.25;
            int barMax = panelW - labelW - 20;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s%s</text>\n", x0, y0 + 16,
                    esc(m.label), m.higherIsBetter ? " (higher is better)" : " (lower is better)"));
            for (int k = 0; k < shown.size(); k++) {
                String b = shown.get(k);
                double v = get(b, m);
                int y = y0 + 26 + k * (barH + 4);
                int w = Double.isNaN(v) ? 0 : (int) Math.round(barMax * v / max);
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", x0, y + 13, esc(b)));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
                        x0 + labelW, y, w, barH, colors[k % colors.length]));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", x0 + labelW + w + 4, y + 13, fmt(v)));
            }
            if (!Double.isNaN(reference)) {
                int rx = x0 + labelW + (int) Math.round(barMax * reference / max);
                int yEnd = y0 + 26 + shown.size() * (barH + 4);
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" "
                        + "stroke-dasharray=\"4 3\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text>\n", rx, y0 + 22, rx, yEnd,
                        rx + 3, yEnd + 9, m == Metric.S1_P50 ? "2 RTT" : "1 RTT"));
            }
        }
        return s.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
