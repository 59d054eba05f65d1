package dev.latchkey.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The TCK's result for one backend: what it declared, which faults its harness offered, and one
 * {@link RuleResult} per rule. Written as JSON ({@link #writeTo}, format {@value #FORMAT}, described
 * in the module README) and read back by {@link TckMatrix}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TckReport {
    /** The format tag written into every report. */
    public static final String FORMAT = "latchkey-tck-report/1";

    private final String label;
    private final List<String> declared;
    private final List<String> faults;
    private final double timeScale;
    private final long durationMs;
    private final List<RuleResult> results;

    /**
     * @param label      the backend's label
     * @param declared   the capabilities it claims, by name
     * @param faults     the faults its harness offered, by name
     * @param timeScale  the {@link TckTime} factor of the run
     * @param durationMs the run's total duration
     * @param results    one result per rule that ran
     */
    public TckReport(String label, List<String> declared, List<String> faults, double timeScale, long durationMs,
                     List<RuleResult> results) {
        this.label = label;
        this.declared = List.copyOf(declared);
        this.faults = List.copyOf(faults);
        this.timeScale = timeScale;
        this.durationMs = durationMs;
        this.results = List.copyOf(results);
    }

    public String label() {
        return label;
    }

    public List<String> declared() {
        return declared;
    }

    public List<String> faults() {
        return faults;
    }

    public double timeScale() {
        return timeScale;
    }

    public long durationMs() {
        return durationMs;
    }

    public List<RuleResult> results() {
        return results;
    }

    /** How many rules ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** The rules that failed a claimed capability. */
    public List<RuleResult> failures() {
        return results.stream().filter(RuleResult::failed).collect(Collectors.toList());
    }

    /** One line: label, counts and duration. */
    public String summary() {
        StringBuilder s = new StringBuilder(label).append(':');
        for (Outcome o : Outcome.values()) {
            s.append(' ').append(o).append('=').append(count(o));
        }
        return s.append(String.format(Locale.ROOT, " in %.1f s", durationMs / 1000.0)).toString();
    }

    /** The report as JSON. */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("label", label);
        root.put("declared", declared);
        root.put("faults", faults);
        root.put("timeScale", timeScale);
        root.put("durationMs", durationMs);
        Map<String, Object> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            counts.put(o.name(), count(o));
        }
        root.put("counts", counts);
        List<Object> rules = new ArrayList<>();
        for (RuleResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("name", r.name());
            m.put("level", r.level().name());
            m.put("group", r.group());
            m.put("capability", r.capability());
            m.put("outcome", r.outcome().name());
            m.put("durationMs", r.durationMs());
            m.put("message", r.message());
            rules.add(m);
        }
        root.put("rules", rules);
        return Json.write(root);
    }

    /**
     * Parses a report written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a report
     */
    @SuppressWarnings("unchecked")
    public static TckReport fromJson(String json) {
        Object parsed = Json.read(json);
        if (!(parsed instanceof Map) || !FORMAT.equals(((Map<?, ?>) parsed).get("format"))) {
            throw new IllegalArgumentException("not a " + FORMAT + " document");
        }
        Map<String, Object> root = (Map<String, Object>) parsed;
        List<RuleResult> results = new ArrayList<>();
        for (Object o : (List<Object>) root.get("rules")) {
            Map<String, Object> r = (Map<String, Object>) o;
            results.add(new RuleResult((String) r.get("id"), (String) r.get("name"), Level.valueOf((String) r.get("level")),
                    (String) r.get("group"), (String) r.get("capability"), Outcome.valueOf((String) r.get("outcome")),
                    ((Number) r.get("durationMs")).longValue(), (String) r.get("message")));
        }
        return new TckReport((String) root.get("label"), (List<String>) root.get("declared"), (List<String>) root.get("faults"),
                ((Number) root.get("timeScale")).doubleValue(), ((Number) root.get("durationMs")).longValue(), results);
    }

    /** Writes the JSON to {@code dir/<label as a file name>.json}, creating {@code dir}; returns the file. */
    public Path writeTo(Path dir) {
        Path file = dir.resolve(fileName(label) + ".json");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TCK report " + file, e);
        }
        return file;
    }

    /** Every report ({@code *.json} in the {@value #FORMAT} format) directly inside {@code dir}; none if it does not exist. */
    public static List<TckReport> readAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<TckReport> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList())) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (text.contains(FORMAT)) {
                    out.add(fromJson(text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TCK reports in " + dir, e);
        }
        return out;
    }

    /** A label made safe as a file name: {@code "redis-lua (Jedis)"} becomes {@code "redis-lua_Jedis"}. */
    static String fileName(String label) {
        String s = label.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "backend" : s;
    }
}
