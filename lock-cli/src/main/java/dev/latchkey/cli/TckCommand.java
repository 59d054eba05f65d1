package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckMatrix;
import dev.latchkey.tck.TckReport;
import dev.latchkey.tck.TckRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl tck}: runs the conformance kit against backends named by URI, or against every
 * provider found (on the class path, or only those the {@code --jar}s add), and prints the backend
 * × rule matrix. Exit 1 if a rule of a declared capability fails.
 */
@Command(name = "tck", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the conformance kit (TCK) and print the backend x rule matrix (Markdown).",
                "Without --uri: every provider on the class path, or, with --jar, every provider the jars add; each is "
                        + "opened as scheme: (redis-* schemes as scheme://embedded).",
                "A redis-* URI with host 'embedded' (e.g. redis-lua://embedded) runs against a throw-away redis-server "
                        + "that lockctl starts, which also lets the TCK restart and pause the server.",
                "Exits 1 if a rule of a capability the backend declares fails; undeclared capabilities are probed "
                        + "and reported, never failed."})
final class TckCommand implements Callable<Integer> {
    /**
     * The embedded Redis keeps its data across the TCK's server restarts (append-only file, fsync on
     * every write), so that the restart rules test the backend rather than a deployment that forgets
     * its locks on restart.
     */
    static final String[] PERSISTENT = {"--appendonly", "yes", "--appendfsync", "always"};

    @Spec
    CommandSpec spec;

    @Option(names = "--uri", paramLabel = "URI", description = "A backend to test (repeatable), e.g. inmemory: or redis-lua://embedded.")
    List<URI> uris = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "FILE", description = "A jar (or class directory) with a third-party provider and "
            + "its META-INF/services entry (repeatable).")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--rule", paramLabel = "ID", split = ",", description = "Run only these rules, e.g. MX-01,MX-02 (default: all).")
    Set<String> only;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write each report (JSON) and the matrix (tck-matrix.md) here.")
    Path out;

    @Mixin
    Options.JsonOption output;

    @Override
    public Integer call() throws IOException {
        List<Rule> rules = rules();
        List<TckReport> reports = new ArrayList<>();
        try (URLClassLoader jarLoader = jarLoader(); Backends backends = new Backends(jarLoader, PERSISTENT)) {
            Set<String> builtIn = builtInSchemes();
            for (URI target : targets(backends, builtIn)) {
                URI resolved = backends.resolve(target);
                try (LockClient probe = backends.open(target)) {
                    probe.capabilities(); // fails fast (exit 3) if the backend cannot be reached
                }
                CliHarness harness = new CliHarness(resolved, jarLoader, backends.embeddedFor(target),
                        builtIn.contains(resolved.getScheme().toLowerCase(Locale.ROOT)));
                reports.add(run(harness, rules, spec.commandLine().getErr()));
            }
        }
        boolean failed = reports.stream().anyMatch(r -> !r.failures().isEmpty());
        if (out != null) {
            Files.createDirectories(out);
            reports.forEach(r -> r.writeTo(out));
            Files.writeString(out.resolve("tck-matrix.md"), TckMatrix.render(reports), StandardCharsets.UTF_8);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (output.json) {
            stdout.println("{\n\"ok\": " + !failed + ",\n\"reports\": [\n"
                    + reports.stream().map(TckReport::toJson).collect(Collectors.joining(",\n")) + "\n]\n}");
        } else {
            stdout.println(TckMatrix.render(reports).stripTrailing());
        }
        return failed ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
    }

    private TckReport run(CliHarness harness, List<Rule> rules, PrintWriter err) {
        boolean live = System.console() != null && !output.json;
        TckRunner runner = new TckRunner(harness);
        List<RuleResult> results = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < rules.size(); i++) {
            if (live) {
                err.print("\r" + Text.pad(harness.label() + ": " + rules.get(i).id() + " (" + (i + 1) + "/" + rules.size() + ")", 78));
                err.flush();
            }
            results.add(runner.run(rules.get(i)));
        }
        TckReport report = runner.report(results, (System.nanoTime() - start) / 1_000_000);
        if (!output.json) {
            Ansi ansi = spec.commandLine().getColorScheme().ansi();
            String colour = report.failures().isEmpty() ? "green" : "bold,red";
            err.println((live ? "\r" : "") + Text.markup(ansi, "@|" + colour + " " + Text.pad(report.summary(), 78).stripTrailing() + "|@"));
            for (RuleResult r : report.failures()) {
                err.println("  FAIL " + r.id() + " " + r.name() + ": " + r.message().lines().findFirst().orElse(""));
            }
            err.flush();
        }
        return report;
    }

    /** The rules to run: all, or those named by --rule. */
    private List<Rule> rules() {
        if (only == null || only.isEmpty()) {
            return Rule.all();
        }
        List<Rule> chosen = Rule.all().stream().filter(r -> only.contains(r.id())).toList();
        Set<String> known = Rule.all().stream().map(Rule::id).collect(Collectors.toSet());
        List<String> unknown = only.stream().filter(id -> !known.contains(id)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "unknown rule id(s) " + unknown + "; rules are e.g. "
                    + Rule.all().stream().limit(3).map(Rule::id).collect(Collectors.joining(", ")));
        }
        return chosen;
    }

    /** The schemes of the providers on lockctl's own class path. */
    private static Set<String> builtInSchemes() {
        return Locks.providers(Lockctl.class.getClassLoader()).stream().map(LockProvider::scheme).collect(Collectors.toSet());
    }

    /** The URIs given, or one per provider found (only the jars' own providers when --jar is given). */
    private List<URI> targets(Backends backends, Set<String> builtIn) {
        if (!uris.isEmpty()) {
            uris.forEach(backends::provider);
            return uris;
        }
        List<URI> found = backends.providers().stream()
                .filter(p -> jars.isEmpty() || !builtIn.contains(p.scheme()))
                .map(p -> Locks.parse(p.scheme().startsWith("redis") ? p.scheme() + "://" + Backends.EMBEDDED_HOST : p.scheme() + ":"))
                .toList();
        if (found.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, jars.isEmpty() ? "no Latchkey provider on the class path"
                    : "no new Latchkey provider in " + jars + " (a META-INF/services/dev.latchkey.spi.LockProvider entry is needed)");
        }
        return found;
    }

    /** A class loader that sees the --jar files (none given: it adds nothing) over lockctl's own. */
    private URLClassLoader jarLoader() {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.exists(jar)) {
                throw new CliException(ExitCodes.USAGE, "--jar " + jar + ": no such file or directory");
            }
            try {
                urls.add(jar.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), Lockctl.class.getClassLoader());
    }
}
