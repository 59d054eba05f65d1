package dev.latchkey.cli;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.micrometer.MeteredLockClient;
import dev.latchkey.spi.LockEnvironment;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockctl demo}: the article's failure modes on each backend, side by side. Two phases per
 * backend, each on a lock name of its own under {@code lockctl-demo:<run>:}, all forgotten at the end
 * ({@link LockClient#forget}), so that a real server is left as it was:
 * <ol>
 *   <li>contention ({@link DemoRun}): workers, each its own client, take one lock in turns while
 *       worker {@code w0}'s wall clock runs {@code --skew} ahead;</li>
 *   <li>pause ({@link PauseTrial}): a holder stalls past its lease, as in a GC pause, then writes to a
 *       fenced store and releases.</li>
 * </ol>
 * The recorded histories are checked with the TCK's checkers; {@link DemoVerdict} turns them into a
 * table and one line per backend. {@code --crash} adds a holder in a child JVM killed with SIGKILL;
 * {@code --metrics} wraps every client in lock-micrometer's {@link MeteredLockClient}. Exit 1 only
 * where a backend breaks a guarantee it declares.
 */
@Command(name = "demo", sortOptions = false,
        description = {"The article's failure modes on each backend, side by side, with a verdict per backend:",
                "  1. contention: workers, each with its own client, take one lock in turns; worker w0's wall clock runs "
                        + "--skew ahead (through the client's LockEnvironment: a backend that reads no wall clock is not affected);",
                "  2. pause: holder A stalls past its lease (as in a GC pause) until B has the lock and has written to a "
                        + "fenced store, then writes with its old token and releases; C then tries for the lock.",
                "Default backends: " + Defaults.DEMO_URIS + " (host 'embedded': a throw-away redis-server).",
                "Exits 1 only if a backend breaks a guarantee it declares; what it does not claim is reported, not failed."})
final class DemoCommand implements Callable<Integer> {
    static final Duration CRASH_LEASE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int MAX_WORKERS = 64;
    private static final int MAX_ROUNDS = 100;
    private static final Duration MIN_LEASE = Duration.ofMillis(500);
    private static final Duration MAX_LEASE = Duration.ofSeconds(60);
    private static final Duration MAX_HOLD = Duration.ofSeconds(10);
    private static final Duration MAX_SKEW = Duration.ofHours(1);
    private static final Duration MAX_CONTENTION = Duration.ofMinutes(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--uri", paramLabel = "URI", description = "A backend to run (repeatable), e.g. inmemory: or "
            + Defaults.EXAMPLE_URI + ". Default: " + Defaults.DEMO_URIS + ".")
    List<URI> uris = new ArrayList<>();

    @Option(names = "--workers", paramLabel = "N", defaultValue = "10", description = "Participants in the contention "
            + "phase, each with its own client: 1 to " + MAX_WORKERS + " (default ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5", description = "Acquisitions per worker: 1 to "
            + MAX_ROUNDS + " (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--hold", paramLabel = "DURATION", defaultValue = "50ms", description = "How long each hold lasts: "
            + "0 to 10s (default ${DEFAULT-VALUE}); workers x rounds x hold at most 10m.")
    Duration hold;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "1s", description = "Lease per acquisition: 500ms "
            + "to 1m (default ${DEFAULT-VALUE}). Holder A stalls for 1.5 leases.")
    Duration lease;

    @Option(names = "--skew", paramLabel = "DURATION", defaultValue = "2s", description = "How far worker w0's wall clock "
            + "runs ahead: 0 (no skew) to 1h (default ${DEFAULT-VALUE}). Overlaps show when skew > lease - hold on a "
            + "backend that judges expiry by client clocks.")
    Duration skew;

    @Option(names = "--crash", description = "Also kill a holder in a child JVM with SIGKILL and time until the lock "
            + "comes back (lease 2s).")
    boolean crash;

    @Option(names = "--metrics", description = "Record every client's meters (lock-micrometer on a SimpleMeterRegistry) "
            + "and print them at the end.")
    boolean metrics;

    @Mixin
    Options.JsonOption output;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        List<URI> targets = uris.isEmpty() ? Defaults.uris(Defaults.DEMO_URIS) : uris;
        String prefix = "lockctl-demo:" + Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36) + ":";
        SimpleMeterRegistry registry = metrics ? new SimpleMeterRegistry() : null;
        try (Backends backends = new Backends()) {
            targets.forEach(backends::resolve); // an unknown scheme fails before anything starts
            List<String> labels = labels(targets);
            List<Set<Capability>> declared = new ArrayList<>();
            for (URI uri : targets) {
                try (LockClient probe = backends.open(uri)) { // a bad option or an unreachable server fails before the show
                    declared.add(probe.capabilities());
                }
            }
            if (!output.json) {
                header(out, labels, targets, backends);
            }
            Progress progress = output.json ? Progress.none() : Progress.to(out);
            List<DemoVerdict> verdicts = new ArrayList<>();
            List<CrashTrial.Result> crashes = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                URI uri = targets.get(i);
                String label = labels.get(i);
                Function<LockEnvironment, LockClient> open = env -> metered(backends.open(uri, env), label, registry);
                String names = prefix + i + ":";
                try {
                    DemoRun.Outcome contention = new DemoRun(label, open, workers, rounds, hold, lease, WAIT, skew,
                            names + "contention").run(progress);
                    PauseTrial.Result pause = PauseTrial.run(() -> open.apply(LockEnvironment.SYSTEM), names + "pause", lease);
                    verdicts.add(new DemoVerdict(label, Backends.display(uri), declared.get(i), skew, contention, pause));
                    if (crash) {
                        crashes.add(CrashTrial.run(label, backends.resolve(uri), () -> open.apply(LockEnvironment.SYSTEM),
                                names + "crash", CRASH_LEASE));
                    }
                } finally {
                    forget(backends, uri, names);
                }
            }
            boolean ok = verdicts.stream().noneMatch(DemoVerdict::violation) && crashes.stream().noneMatch(CrashTrial.Result::grantedBeforeKill);
            if (output.json) {
                Json.print(out, json(verdicts, crashes, registry, ok));
            } else {
                report(out, verdicts);
                if (crash) {
                    crashReport(out, crashes);
                }
                if (registry != null) {
                    out.println();
                    out.println("Meters (lock-micrometer, one registry for the run):");
                    out.println(registry.getMetersAsString());
                }
                out.flush();
            }
            return ok ? ExitCodes.OK : ExitCodes.CHECK_FAILED;
        }
    }

    /** Every range check, before anything starts. */
    private void validate() {
        Options.within(spec, "--workers", workers, 1, MAX_WORKERS);
        Options.within(spec, "--rounds", rounds, 1, MAX_ROUNDS);
        Options.within(spec, "--hold", hold, Duration.ZERO, MAX_HOLD);
        Options.within(spec, "--lease", lease, MIN_LEASE, MAX_LEASE);
        Options.within(spec, "--skew", skew, Duration.ZERO, MAX_SKEW);
        Duration contention = hold.multipliedBy((long) workers * rounds);
        if (contention.compareTo(MAX_CONTENTION) > 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "options '--workers' x '--rounds' x '--hold' "
                    + "must be at most " + Text.compact(MAX_CONTENTION) + " of holding, was " + workers + " x " + rounds + " x "
                    + Text.compact(hold) + " = " + Text.compact(contention));
        }
    }

    private static LockClient metered(LockClient client, String label, SimpleMeterRegistry registry) {
        return registry == null ? client : MeteredLockClient.builder(client, registry).backendTag(label).build();
    }

    /**
     * Removes the run's lock names from the backend (holds and fencing counters), so that a real server
     * is left as it was. A backend that cannot forget keeps them; a failure here is a warning on stderr,
     * so that it never hides the run's own outcome.
     */
    private void forget(Backends backends, URI uri, String names) {
        try (LockClient janitor = backends.open(uri)) {
            for (String phase : List.of("contention", "pause", "crash")) {
                janitor.forget(names + phase);
            }
        } catch (UnsupportedOperationException cannot) {
            // nothing to do: the backend keeps what it keeps
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("lockctl demo: warning: could not remove the lock names " + names
                    + "* from " + Backends.display(uri) + ": " + e.getMessage());
        }
    }

    /** The scheme of each URI, numbered where one scheme appears twice. */
    private static List<String> labels(List<URI> targets) {
        List<String> labels = new ArrayList<>();
        for (URI uri : targets) {
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            long same = targets.stream().filter(u -> u.getScheme().equalsIgnoreCase(scheme)).count();
            labels.add(same > 1 ? scheme + "#" + (labels.stream().filter(l -> l.startsWith(scheme + "#")).count() + 1) : scheme);
        }
        return labels;
    }

    private void header(PrintWriter out, List<String> labels, List<URI> targets, Backends backends) {
        out.println("lockctl demo: the article's failure modes, side by side");
        out.println("  1. contention: " + workers + " workers x " + rounds + " rounds, hold " + Text.duration(hold) + ", lease "
                + Text.duration(lease) + (skew.isZero() ? "" : "; worker " + DemoRun.SKEWED + "'s clock runs "
                + Text.duration(skew) + " ahead"));
        out.println("  2. pause: holder A stalls " + Text.duration(lease.multipliedBy(3).dividedBy(2)) + " past its lease (a GC "
                + "pause) until B holds the lock and has written, then writes with its old token and releases; C then tries");
        for (int i = 0; i < labels.size(); i++) {
            out.println("  " + Text.pad(labels.get(i), 14) + Backends.display(targets.get(i)));
        }
        backends.embedded().ifPresent(r -> out.println("  (host 'embedded': a throw-away redis-server, pid " + r.pid() + ", at "
                + r.host() + ":" + r.port() + " in " + r.directory() + "; removed on exit)"));
        out.println();
        out.flush();
    }

    private void report(PrintWriter out, List<DemoVerdict> verdicts) {
        Ansi ansi = spec.commandLine().getColorScheme().ansi();
        out.println();
        row(out, ansi, "", verdicts, DemoVerdict::label, false);
        row(out, ansi, "contention", verdicts, DemoVerdict::acquisitions, false);
        row(out, ansi, "  overlapping grants", verdicts, DemoVerdict::overlaps, false);
        row(out, ansi, "  max / p99 wait", verdicts, DemoVerdict::waits, false);
        row(out, ansi, "  " + DemoRun.SKEWED + "'s wall clock", verdicts, DemoVerdict::clock, false);
        row(out, ansi, "  lost before release", verdicts, DemoVerdict::lostBeforeRelease, false);
        row(out, ansi, "pause", verdicts, v -> "", false);
        row(out, ansi, "  A's stale write", verdicts, DemoVerdict::staleWrite, false);
        row(out, ansi, "  A's late release", verdicts, DemoVerdict::staleRelease, false);
        row(out, ansi, "fencing order", verdicts, DemoVerdict::fencing, false);
        row(out, ansi, "expired on return", verdicts, DemoVerdict::expiredOnReturn, false);
        row(out, ansi, "TCK mutex model", verdicts, DemoVerdict::model, false);
        row(out, ansi, "verdict", verdicts, DemoVerdict::verdict, true);
        out.println();
        for (DemoVerdict v : verdicts) {
            out.println(Text.markup(ansi, v.explanation()));
            v.examples(3).forEach(e -> out.println("    " + e));
        }
    }

    private static void row(PrintWriter out, Ansi ansi, String title, List<DemoVerdict> verdicts,
                            Function<DemoVerdict, String> cell, boolean colour) {
        StringBuilder s = new StringBuilder(Text.pad(title, 22));
        for (DemoVerdict v : verdicts) {
            String text = Text.pad(cell.apply(v), 28);
            s.append(colour ? Text.markup(ansi, "@|" + v.colour() + " " + text + "|@") : text);
        }
        out.println(s.toString().stripTrailing());
    }

    private void crashReport(PrintWriter out, List<CrashTrial.Result> crashes) {
        out.println();
        out.println("Crash: a holder in a child JVM is killed with SIGKILL while holding (lease " + Text.duration(CRASH_LEASE) + ")");
        for (CrashTrial.Result r : crashes) {
            out.println("  " + Text.pad(r.label(), 14) + r.describe());
        }
    }

    private Map<String, Object> json(List<DemoVerdict> verdicts, List<CrashTrial.Result> crashes, SimpleMeterRegistry registry,
                                     boolean ok) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", ok);
        m.put("workers", workers);
        m.put("rounds", rounds);
        m.put("holdMillis", hold.toMillis());
        m.put("leaseMillis", lease.toMillis());
        m.put("skewMillis", skew.toMillis());
        m.put("backends", verdicts.stream().map(DemoVerdict::json).toList());
        m.put("crash", crash ? crashes.stream().map(CrashTrial.Result::json).toList() : null);
        m.put("metrics", registry == null ? null : registry.getMeters().stream()
                .sorted(Comparator.comparing((Meter meter) -> meter.getId().getName()))
                .map(DemoCommand::meter).toList());
        return m;
    }

    private static Map<String, Object> meter(Meter meter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", meter.getId().getName());
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag t : meter.getId().getTags()) {
            tags.put(t.getKey(), t.getValue());
        }
        m.put("tags", tags);
        Map<String, Double> values = new LinkedHashMap<>();
        for (Measurement x : meter.measure()) {
            values.put(x.getStatistic().name().toLowerCase(Locale.ROOT), x.getValue());
        }
        m.put("measurements", values);
        return m;
    }
}
