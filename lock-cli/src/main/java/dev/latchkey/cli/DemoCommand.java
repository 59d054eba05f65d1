package dev.latchkey.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl demo}: the classic article's scenario. Workers, each its own client, contend for
 * one lock on each backend, hold it briefly and release it; the recorded history is then checked
 * for overlapping holds, waits and fencing order. {@code --crash} kills a holder in a child JVM;
 * {@code --skew} gives one worker a clock that runs ahead. The verdict reports what was observed,
 * overlaps included; it fails (exit 1) only where a backend broke a guarantee it declares.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Workers contend for one lock on each backend, each with its own client; prints live progress "
                + "and a verdict per backend from the recorded history: acquisitions, overlapping holds, max and p99 wait, "
                + "fencing order.",
                "By default on a throw-away redis-server (host 'embedded'), for redis-getset (mode=article) and "
                + "redis-lua side by side.",
                "Exits 1 only if a backend breaks a guarantee it declares. Overlaps under --skew on a backend that does "
                + "not declare CLOCK_INDEPENDENT are reported, not failed."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> DEFAULT_URIS = List.of("redis-getset://embedded?mode=article", "redis-lua://embedded");
    static final Duration CRASH_LEASE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Spec
    CommandSpec spec;

    @Option(names = "--uri", paramLabel = "URI", description = "A backend to run (repeatable), e.g. inmemory: or "
            + "redis-lua://127.0.0.1:6379. Default: redis-getset://embedded?mode=article and redis-lua://embedded.")
    List<URI> uris = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N", defaultValue = "10", description = "Participants, each with its own client (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", description = "Acquisitions per worker (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "50ms", description = "How long each hold lasts (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "1s", description = "Lease per acquisition (default ${DEFAULT-VALUE}); short so that --skew shows.")
    Duration lease;

    @Option(names = "--crash", description = "Also kill a holder in a child JVM (SIGKILL) and time until the lock comes back (lease "
            + "2s; out-of-process backends only).")
    boolean crash;

    @Option(names = "--skew", paramLabel = "DURATION", description = "Worker w0's clock runs this far ahead (skew=... in "
            + "its redis-getset URI; nothing for backends that ignore client clocks); it joins half a hold late, while the "
            + "lock is held. Overlaps show when skew > lease - hold.")
    Duration skew;

    @Mixin
    Options.JsonOption output;

    @Override
    public Integer call() throws InterruptedException {
        Options.atLeast(spec, "--workers", workers, 1);
        Options.atLeast(spec, "--rounds", rounds, 1);
        Options.notNegative(spec, "--hold", hold);
        Options.positive(spec, "--lease", lease);
        if (skew != null) {
            Options.positive(spec, "--skew", skew);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<URI> targets = uris.isEmpty() ? DEFAULT_URIS.stream().map(URI::create).toList() : uris;
        try (Backends backends = new Backends()) {
            targets.forEach(backends::provider); // an unknown scheme fails before anything starts
            List<URI> resolved = targets.stream().map(backends::resolve).toList();
            resolved.forEach(uri -> backends.open(uri).close()); // a bad option or unreachable server fails before the show
            List<String> labels = labels(targets);
            String lockName = "lockctl-demo-" + Long.toString(System.currentTimeMillis(), 36);
            if (!output.json) {
                header(out, labels, resolved, backends);
            }
            Progress progress = output.json ? Progress.none() : Progress.to(out);
            List<DemoVerdict> verdicts = new ArrayList<>();
            for (int i = 0; i < resolved.size(); i++) {
                DemoRun run = new DemoRun(labels.get(i), resolved.get(i), skewedUri(resolved.get(i)), workers, rounds,
                        hold, lease, WAIT, lockName + "-" + i);
                verdicts.add(new DemoVerdict(run.run(backends, progress), skew != null));
            }
            List<CrashTrial.Result> crashes = new ArrayList<>();
            List<String> skippedCrashes = new ArrayList<>();
            if (crash) {
                for (int i = 0; i < resolved.size(); i++) {
                    if (resolved.get(i).getScheme().equalsIgnoreCase("inmemory")) {
                        skippedCrashes.add(labels.get(i));
                    } else {
                        crashes.add(CrashTrial.run(labels.get(i), resolved.get(i), backends, lockName + "-crash-" + i, CRASH_LEASE));
                    }
                }
            }
            boolean ok = verdicts.stream().noneMatch(DemoVerdict::violation) && crashes.stream().noneMatch(CrashTrial.Result::grantedBeforeKill);
            if (output.json) {
                out.println(JsonWriter.write(json(verdicts, crashes, ok)));
            } else {
                report(out, verdicts);
                if (crash) {
                    crashReport(out, crashes, skippedCrashes);
                }
            }
            return ok ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }

    /** Whether worker w0 of this backend gets a skewed clock: only backends that take one (redis-getset), unless the URI sets it. */
    private boolean skewed(URI uri) {
        return skew != null && uri.getScheme().equalsIgnoreCase("redis-getset") && !uri.toString().contains("skew=");
    }

    /** Worker w0's URI with a skewed clock, or null if this backend gets none. */
    private URI skewedUri(URI uri) {
        return skewed(uri) ? Backends.withOption(uri, "skew", skew.toMillis() + "ms") : null;
    }

    private static List<String> labels(List<URI> targets) {
        List<String> labels = new ArrayList<>();
        for (URI uri : targets) {
            String label = uri.getScheme().toLowerCase(Locale.ROOT);
            long same = targets.stream().filter(u -> u.getScheme().equalsIgnoreCase(uri.getScheme())).count();
            labels.add(same > 1 ? label + "#" + (labels.stream().filter(l -> l.startsWith(label)).count() + 1) : label);
        }
        return labels;
    }

    private void header(PrintWriter out, List<String> labels, List<URI> resolved, Backends backends) {
        out.println("lockctl demo: " + workers + " workers x " + rounds + " rounds on one lock per backend, hold "
                + Text.duration(hold) + ", lease " + Text.duration(lease)
                + (skew == null ? "" : ", worker w0's clock " + Text.duration(skew) + " ahead"));
        for (int i = 0; i < labels.size(); i++) {
            String note = skew == null ? "" : skewed(resolved.get(i)) ? "   (w0: skew=" + skew.toMillis() + "ms)"
                    : "   (no client clock to skew)";
            out.println("  " + Text.pad(labels.get(i), 14) + Backends.display(resolved.get(i)) + note);
        }
        backends.embeddedAddress().ifPresent(a -> out.println("  (host 'embedded': a throw-away redis-server at " + a + ", stopped on exit)"));
        out.println();
        out.flush();
    }

    private void report(PrintWriter out, List<DemoVerdict> verdicts) {
        Ansi ansi = spec.commandLine().getColorScheme().ansi();
        out.println();
        row(out, ansi, "Verdict", verdicts, v -> v.outcome().label(), false);
        row(out, ansi, "acquisitions", verdicts, v -> v.acquired() + "/" + v.outcome().attempts()
                + (v.timeouts() > 0 ? " (" + v.timeouts() + " timed out)" : ""), false);
        row(out, ansi, "overlapping holds", verdicts, v -> Integer.toString(v.overlaps()), false);
        row(out, ansi, "max wait", verdicts, v -> Text.nanos(v.maxWaitNanos()), false);
        row(out, ansi, "p99 wait", verdicts, v -> Text.nanos(v.p99WaitNanos()), false);
        row(out, ansi, "fencing order", verdicts, DemoVerdict::fencingText, false);
        row(out, ansi, "lost before release", verdicts, v -> Long.toString(v.lostBeforeRelease()), false);
        row(out, ansi, "TCK mutex model", verdicts, DemoVerdict::modelText, false);
        row(out, ansi, "verdict", verdicts, DemoVerdict::shortVerdict, true);
        out.println();
        for (DemoVerdict v : verdicts) {
            out.println(Text.markup(ansi, v.explanation()));
            v.examples(3).forEach(e -> out.println("    " + e));
        }
        out.flush();
    }

    private static void row(PrintWriter out, Ansi ansi, String title, List<DemoVerdict> verdicts,
                            java.util.function.Function<DemoVerdict, String> cell, boolean colour) {
        StringBuilder s = new StringBuilder(Text.pad(title, 22));
        for (DemoVerdict v : verdicts) {
            String text = Text.pad(cell.apply(v), 26);
            s.append(colour ? Text.markup(ansi, "@|" + v.colour() + " " + text + "|@") : text);
        }
        out.println(s.toString().stripTrailing());
    }

    private void crashReport(PrintWriter out, List<CrashTrial.Result> crashes, List<String> skipped) {
        out.println();
        out.println("Crash: a holder in a child JVM is killed with SIGKILL while holding (lease " + Text.duration(CRASH_LEASE) + ")");
        for (CrashTrial.Result r : crashes) {
            String what;
            if (r.backAfterKillNanos() == null) {
                what = "the lock did NOT come back";
            } else if (r.grantedBeforeKill()) {
                what = "DOUBLE GRANT: the waiter got the lock " + Text.nanos(-r.backAfterKillNanos()) + " before the holder was killed";
            } else {
                what = "lock came back " + Text.nanos(r.backAfterKillNanos()) + " after the kill ("
                        + Text.nanos(r.heldBeforeKillNanos() + r.backAfterKillNanos()) + " after the grant; lease "
                        + Text.duration(r.lease()) + ")";
            }
            out.println("  " + Text.pad(r.label(), 14) + "holder pid " + r.pid() + " killed after holding "
                    + Text.nanos(r.heldBeforeKillNanos()) + "; " + what);
        }
        skipped.forEach(l -> out.println("  " + Text.pad(l, 14) + "skipped: an in-JVM backend has no holder process to kill"));
        out.flush();
    }

    private Map<String, Object> json(List<DemoVerdict> verdicts, List<CrashTrial.Result> crashes, boolean ok) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", workers);
        m.put("rounds", rounds);
        m.put("holdMillis", hold.toMillis());
        m.put("leaseMillis", lease.toMillis());
        m.put("skewMillis", skew == null ? null : skew.toMillis());
        m.put("backends", verdicts.stream().map(DemoVerdict::json).toList());
        List<Map<String, Object>> c = new ArrayList<>();
        for (CrashTrial.Result r : crashes) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("backend", r.label());
            e.put("pid", r.pid());
            e.put("leaseMillis", r.lease().toMillis());
            e.put("heldBeforeKillMillis", r.heldBeforeKillNanos() / 1_000_000);
            e.put("backAfterKillMillis", r.backAfterKillNanos() == null ? null : r.backAfterKillNanos() / 1_000_000);
            e.put("grantedBeforeKill", r.grantedBeforeKill());
            c.add(e);
        }
        m.put("crash", crash ? c : null);
        m.put("ok", ok);
        return m;
    }
}
