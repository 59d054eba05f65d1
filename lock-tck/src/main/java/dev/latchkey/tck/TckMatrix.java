package dev.latchkey.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the Markdown matrix (backend × rule group, then backend × rule, then the evidence of every
 * failure) from all TCK reports found in some directories. Run it as a program to aggregate the
 * reports of several modules: {@code java dev.latchkey.tck.TckMatrix OUT.md DIR...}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TckMatrix {
    private static final List<Outcome> CELL_ORDER = List.of(
            Outcome.FAIL, Outcome.ERROR, Outcome.OBSERVED_UNSAFE, Outcome.PASS, Outcome.OBSERVED_SAFE, Outcome.SKIPPED);

    private TckMatrix() {
    }

    /** {@code TckMatrix OUT.md DIR...}: writes the matrix of all reports in the directories to OUT.md. */
    public static void main(String... args) {
        if (args.length < 2) {
            System.err.println("usage: TckMatrix OUT.md DIR...");
            System.exit(2);
        }
        List<Path> dirs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            dirs.add(Path.of(args[i]));
        }
        write(Path.of(args[0]), dirs);
        System.out.println("wrote " + args[0]);
    }

    /** Writes the matrix of every report in {@code dirs} to {@code out}, creating its directory. */
    public static void write(Path out, List<Path> dirs) {
        List<TckReport> reports = new ArrayList<>();
        dirs.forEach(d -> reports.addAll(TckReport.readAll(d)));
        try {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, render(reports), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TCK matrix " + out, e);
        }
    }

    /** The Markdown for these reports. */
    public static String render(List<TckReport> reports) {
        List<TckReport> rows = new ArrayList<>(reports);
        rows.sort(Comparator.comparing(TckReport::label));
        Map<String, RuleResult> rules = new LinkedHashMap<>();
        Set<String> groups = new LinkedHashSet<>();
        rows.forEach(r -> r.results().forEach(x -> {
            rules.putIfAbsent(x.id(), x);
            groups.add(x.group());
        }));
        StringBuilder md = new StringBuilder("# Latchkey TCK matrix\n\n")
                .append("Cells: **PASS** and **FAIL** for capabilities the backend claims; *not claimed: safe* and ")
                .append("*not claimed: UNSAFE* for capabilities it does not claim, which the TCK probes anyway; ")
                .append("*skipped* where the harness cannot inject the fault a rule needs; **ERROR** where the backend failed ")
                .append("(out of memory, refused login, unreachable) and the rule could not judge it.\n\n## By rule group\n\n");

        md.append("| backend | claims | ").append(String.join(" | ", groups)).append(" |\n");
        md.append("|---|---|").append("---|".repeat(groups.size())).append('\n');
        for (TckReport r : rows) {
            md.append("| ").append(escape(r.label())).append(" | ").append(escape(String.join(", ", r.declared())));
            for (String g : groups) {
                md.append(" | ").append(groupCell(r.results().stream().filter(x -> x.group().equals(g)).collect(Collectors.toList())));
            }
            md.append(" |\n");
        }

        md.append("\n## By rule\n\n| rule | level | checks | ")
                .append(rows.stream().map(r -> escape(r.label())).collect(Collectors.joining(" | "))).append(" |\n");
        md.append("|---|---|---|").append("---|".repeat(rows.size())).append('\n');
        for (RuleResult rule : rules.values()) {
            md.append("| ").append(rule.id()).append(" `").append(rule.name()).append("` | ").append(rule.level())
                    .append(" | ").append(rule.capability());
            for (TckReport r : rows) {
                md.append(" | ").append(r.results().stream().filter(x -> x.id().equals(rule.id())).findFirst()
                        .map(x -> label(x.outcome())).orElse("—"));
            }
            md.append(" |\n");
        }

        md.append("\n## Evidence\n\n");
        boolean any = false;
        for (TckReport r : rows) {
            for (RuleResult x : r.results()) {
                if (x.outcome() == Outcome.FAIL || x.outcome() == Outcome.OBSERVED_UNSAFE || x.outcome() == Outcome.ERROR) {
                    any = true;
                    md.append("- **").append(escape(r.label())).append("**, ").append(x.id()).append(" `").append(x.name())
                            .append("`: ").append(label(x.outcome())).append(" — ").append(escape(firstLines(x.message()))).append('\n');
                }
            }
        }
        if (!any) {
            md.append("No rule failed or was observed unsafe.\n");
        }
        List<String> notes = new ArrayList<>();
        rows.forEach(r -> r.notes().forEach(n -> notes.add("- **" + escape(r.label()) + "**: " + escape(n))));
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n").append(String.join("\n", notes)).append('\n');
        }
        md.append("\nReports: ").append(rows.stream().map(TckReport::summary).map(TckMatrix::escape)
                .collect(Collectors.joining("; "))).append(".\n");
        return md.toString();
    }

    static String label(Outcome o) {
        switch (o) {
            case PASS: return "PASS";
            case FAIL: return "**FAIL**";
            case OBSERVED_SAFE: return "not claimed: safe";
            case OBSERVED_UNSAFE: return "not claimed: **UNSAFE**";
            case ERROR: return "**ERROR**";
            default: return "skipped";
        }
    }

    private static String groupCell(List<RuleResult> results) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        results.forEach(x -> counts.merge(x.outcome(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        for (Outcome o : CELL_ORDER) {
            if (counts.containsKey(o)) {
                parts.add(counts.get(o) + " " + label(o));
            }
        }
        return parts.isEmpty() ? "—" : String.join(", ", parts);
    }

    private static String firstLines(String message) {
        String[] lines = message.split("\n");
        String head = String.join(" / ", List.of(lines).subList(0, Math.min(lines.length, 4)));
        return head.length() > 600 ? head.substring(0, 600) + "…" : head;
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
