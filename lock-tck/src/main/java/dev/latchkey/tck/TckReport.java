package dev.latchkey.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String label;
    private final List<String> declared;
    private final List<String> faults;
    private final double timeScale;
    private final long durationMs;
    private final List<RuleResult> results;
    private final List<String> notes;

    /**
     * @param label      the backend's label
     * @param declared   the capabilities it claims, by name
     * @param faults     the faults the run could inject, by name
     * @param timeScale  the {@link TckTime} factor of the run
     * @param durationMs the run's total duration
     * @param results    one result per rule that ran
     * @param notes      what the runner noticed about the harness (its environments, its clocks)
     */
    public TckReport(String label, List<String> declared, List<String> faults, double timeScale, long durationMs,
                     List<RuleResult> results, List<String> notes) {
        this.label = label;
        this.declared = List.copyOf(declared);
        this.faults = List.copyOf(faults);
        this.timeScale = timeScale;
        this.durationMs = durationMs;
        this.results = List.copyOf(results);
        this.notes = List.copyOf(notes);
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

    public List<String> notes() {
        return notes;
    }

    /** How many rules ended with {@code outcome}. */
    public long count(Outcome outcome) {
        return results.stream().filter(r -> r.outcome() == outcome).count();
    }

    /** The rules that failed a claimed capability. */
    public List<RuleResult> failures() {
        return results.stream().filter(RuleResult::failed).collect(Collectors.toList());
    }

    /** The rules that could not judge the backend because it failed (out of memory, refused login, unreachable). */
    public List<RuleResult> errors() {
        return results.stream().filter(r -> r.outcome() == Outcome.ERROR).collect(Collectors.toList());
    }

    /** The rules that did not run, with the reason in their message. */
    public List<RuleResult> skipped() {
        return results.stream().filter(r -> r.outcome() == Outcome.SKIPPED).collect(Collectors.toList());
    }

    /**
     * Whether the run passed: no FAIL and no ERROR, and in strict mode no SKIPPED rule either (a rule
     * that could not run is a rule that was not checked).
     */
    public boolean passed(boolean strict) {
        return failures().isEmpty() && errors().isEmpty() && (!strict || skipped().isEmpty());
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
        root.put("notes", notes);
        root.put("rules", results);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the TCK report of " + label, e);
        }
    }

    /**
     * Parses a report written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the text is not such a report
     */
    public static TckReport fromJson(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new IllegalArgumentException("not a " + FORMAT + " document");
            }
            TypeReference<List<String>> strings = new TypeReference<>() { };
            List<RuleResult> results = JSON.convertValue(root.path("rules"), new TypeReference<List<RuleResult>>() { });
            List<String> notes = root.has("notes") ? JSON.convertValue(root.get("notes"), strings) : List.of();
            return new TckReport(root.path("label").asText(), JSON.convertValue(root.path("declared"), strings),
                    JSON.convertValue(root.path("faults"), strings), root.path("timeScale").asDouble(),
                    root.path("durationMs").asLong(), results, notes);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a " + FORMAT + " document: " + e.getMessage(), e);
        }
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
