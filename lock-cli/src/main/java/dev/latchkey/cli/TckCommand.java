package dev.latchkey.cli;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.tck.Rule;
import dev.latchkey.tck.RuleResult;
import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.TckHarnesses;
import dev.latchkey.tck.TckMatrix;
import dev.latchkey.tck.TckReport;
import dev.latchkey.tck.TckRunner;
import java.io.File;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl tck}: runs the conformance kit against backends named by URI, or against the
 * default URIs, or against the providers that {@code --jar}s add, and prints the backend × rule
 * matrix.
 *
 * <p>The harness for each URI comes from {@link TckHarnesses#forUri(URI, ClassLoader)}: a
 * {@link dev.latchkey.tck.TckHarnessFactory} on the class path that claims the URI (lock-redis-tck's
 * claims host {@code embedded}, with server restart, pause and partition), else the plain URI harness.
 * {@code --jar} providers are seen through a class loader of their own, which is the thread's
 * context class loader during the run, and reach the crash rule's child JVM through the TCK's
 * {@code latchkey.tck.childClassPath} system property.
 *
 * <p>Exit: 1 if a declared capability fails (or, with {@code --strict}, a rule is skipped); if a rule
 * ended in ERROR (the backend failed under the rule), the code of the backend's trouble, found by
 * probing it again after the run (unreachable 3, refused 4, TLS 5).
 */
@Command(name = "tck", sortOptions = false,
        description = {"Run the conformance kit (TCK) and print the backend x rule matrix (Markdown).",
                "Without --uri: " + Defaults.TCK_URIS + "; with --jar and no --uri: each provider the jars add, as scheme:.",
                "Host 'embedded' runs against a throw-away redis-server (AOF, fsync always) that the TCK can restart, "
                        + "pause and partition.",
                "Exits 1 if a rule of a capability the backend declares fails (with --strict, also if a rule is skipped); "
                        + "undeclared capabilities are probed and reported, never failed. A rule that ended in ERROR exits "
                        + "with the backend's trouble (3 unreachable, 4 refused, 5 TLS)."})
final class TckCommand implements Callable<Integer> {
    /** lock-tck's ChildProcess: class path entries its child JVM gets after java.class.path. */
    static final String CHILD_CLASS_PATH = "latchkey.tck.childClassPath";

    @Spec
    CommandSpec spec;

    @Option(names = "--uri", paramLabel = "URI", description = "A backend to test (repeatable), e.g. inmemory: or "
            + Defaults.EXAMPLE_URI + ".")
    List<URI> uris = new ArrayList<>();

    @Option(names = "--jar", paramLabel = "FILE", description = "A jar (or class directory) with a third-party provider and "
            + "its META-INF/services entry (repeatable).")
    List<Path> jars = new ArrayList<>();

    @Option(names = "--rule", paramLabel = "ID", split = ",", description = "Run only these rules, e.g. MX-01,MX-02 (default: all).")
    Set<String> only;

    @Option(names = "--strict", description = "Fail the run (exit 1) if any rule was skipped: a rule that could not run was not checked.")
    boolean strict;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write each report (JSON) and the matrix (tck-matrix.md) "
            + "here; checked for writing before the run.")
    Path out;

    @Mixin
    Options.JsonOption output;

    @Override
    public Integer call() throws IOException {
        List<Rule> rules = rules();
        if (out != null) {
            Options.writableDirectory("--out", out);
        }
        List<TckReport> reports = new ArrayList<>();
        int unavailable = ExitCodes.OK;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        String previousChildClassPath = System.getProperty(CHILD_CLASS_PATH);
        try (URLClassLoader loader = jarLoader()) {
            List<URI> targets = targets(loader);
            thread.setContextClassLoader(loader);
            if (!jars.isEmpty()) {
                System.setProperty(CHILD_CLASS_PATH, jars.stream().map(j -> j.toAbsolutePath().toString())
                        .collect(Collectors.joining(File.pathSeparator)));
            }
            for (URI uri : targets) {
                try (TckHarness harness = harness(uri, loader)) {
                    try (LockClient probe = harness.newClient()) {
                        probe.capabilities(); // an unreachable backend or a bad option ends here, before any rule
                    }
                    TckReport report = run(harness, rules, spec.commandLine().getErr());
                    reports.add(report);
                    if (!report.errors().isEmpty() && unavailable == ExitCodes.OK) {
                        unavailable = reprobe(harness);
                    }
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
            if (previousChildClassPath == null) {
                System.clearProperty(CHILD_CLASS_PATH);
            } else {
                System.setProperty(CHILD_CLASS_PATH, previousChildClassPath);
            }
        }
        boolean failed = reports.stream().anyMatch(r -> !r.failures().isEmpty());
        boolean skipped = strict && reports.stream().anyMatch(r -> !r.skipped().isEmpty());
        int code = failed ? ExitCodes.CHECK_FAILED : unavailable != ExitCodes.OK ? unavailable
                : skipped ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
        if (out != null) {
            reports.forEach(r -> r.writeTo(out));
            Files.writeString(out.resolve("tck-matrix.md"), TckMatrix.render(reports), StandardCharsets.UTF_8);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("ok", code == ExitCodes.OK);
            doc.put("exitCode", code);
            doc.put("strict", strict);
            doc.put("reports", reports.stream().map(r -> Json.parse(r.toJson())).toList());
            Json.print(stdout, doc);
        } else {
            stdout.println(TckMatrix.render(reports).stripTrailing());
            stdout.flush();
        }
        return code;
    }

    /** The harness of the first TckHarnessFactory that claims the URI, else the plain URI harness. */
    private static TckHarness harness(URI uri, ClassLoader loader) {
        try {
            return TckHarnesses.forUri(uri, loader);
        } catch (IllegalStateException e) { // a server the harness starts, such as the embedded redis-server
            throw new CliException(ExitCodes.UNREACHABLE, "cannot start the TCK harness for " + Backends.display(uri) + ": "
                    + e.getMessage(), e);
        }
    }

    private TckReport run(TckHarness harness, List<Rule> rules, PrintWriter err) {
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
            boolean bad = !report.failures().isEmpty() || !report.errors().isEmpty() || strict && !report.skipped().isEmpty();
            String colour = bad ? "bold,red" : "green";
            err.println((live ? "\r" : "") + Text.markup(ansi, "@|" + colour + " " + Text.pad(report.summary(), 78).stripTrailing() + "|@"));
            list(err, "FAIL   ", report.failures());
            list(err, "ERROR  ", report.errors());
            list(err, "SKIPPED", report.skipped());
            err.flush();
        }
        return report;
    }

    private static void list(PrintWriter err, String what, List<RuleResult> results) {
        for (RuleResult r : results) {
            err.println("  " + what + " " + r.id() + " " + r.name() + ": " + r.message().lines().findFirst().orElse(""));
        }
    }

    /**
     * After a run with ERROR rules: the exit code of the backend's trouble, from a new participant's
     * acquisition; {@link ExitCodes#UNREACHABLE} if it answers again (the trouble was passing).
     */
    private static int reprobe(TckHarness harness) {
        String name = "lockctl:tck-probe:" + UUID.randomUUID();
        try (LockClient probe = harness.newClient()) {
            probe.lock(name).tryAcquire().ifPresent(Lease::release);
            try {
                probe.forget(name);
            } catch (UnsupportedOperationException cannotForget) {
                // the backend keeps what it keeps
            }
        } catch (LockUnavailableException e) {
            return ExitCodes.of(e.reason());
        }
        return ExitCodes.UNREACHABLE;
    }

    /** The rules to run: all, or those named by --rule. */
    private List<Rule> rules() {
        if (only == null || only.isEmpty()) {
            return Rule.all();
        }
        Set<String> known = Rule.all().stream().map(Rule::id).collect(Collectors.toSet());
        List<String> unknown = only.stream().filter(id -> !known.contains(id)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "unknown rule id(s) " + unknown + "; rules are e.g. "
                    + Rule.all().stream().limit(3).map(Rule::id).collect(Collectors.joining(", ")));
        }
        return Rule.all().stream().filter(r -> only.contains(r.id())).toList();
    }

    /** The URIs given, or the providers the jars add (each as scheme:), or the defaults; every scheme checked. */
    private List<URI> targets(ClassLoader loader) {
        List<URI> targets;
        if (!uris.isEmpty()) {
            targets = uris;
        } else if (!jars.isEmpty()) {
            Set<String> own = Locks.providers(Lockctl.class.getClassLoader()).stream().map(LockProvider::scheme)
                    .collect(Collectors.toSet());
            targets = Locks.providers(loader).stream().filter(p -> !own.contains(p.scheme()))
                    .map(p -> Locks.parse(p.scheme() + ":")).toList();
            if (targets.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "no new Latchkey provider in " + jars
                        + " (a META-INF/services/dev.latchkey.spi.LockProvider entry is needed)");
            }
        } else {
            targets = Defaults.uris(Defaults.TCK_URIS);
        }
        targets.forEach(uri -> Backends.provider(uri, loader));
        return targets;
    }

    /** A class loader that sees the --jar files (none given: it adds nothing) over lockctl's own. */
    private URLClassLoader jarLoader() {
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.exists(jar)) {
                throw new CliException(ExitCodes.USAGE, "option '--jar': " + jar + ": no such file or directory");
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
