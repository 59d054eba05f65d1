package dev.latchkey.tck;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs rules against one {@link TckHarness} without any test framework: the programmatic entry
 * point ({@code lockctl tck}), and what the JUnit entry points call for each rule.
 *
 * <pre>{@code
 * try (TckHarness harness = TckHarness.forUri(URI.create("inmemory:"))) {
 *     TckReport report = TckRunner.run(harness);
 *     report.writeTo(Path.of("target/lock-tck"));
 * }
 * }</pre>
 *
 * <p>How an outcome is decided: a rule needing a fault the harness lacks is SKIPPED; otherwise it
 * runs (in its own thread, for at most {@link #RULE_TIMEOUT}); success is PASS if the backend
 * declares the rule's capability (core rules always count as declared), else OBSERVED_SAFE; a failure
 * is FAIL, respectively OBSERVED_UNSAFE (an operation the backend does not support counts as a
 * failure: "unsupported: ..."); an unmet precondition is SKIPPED with the reason. A rule that hits a
 * {@link dev.latchkey.LockUnavailableException} it did not provoke (a server out of memory, a refused
 * login, an unreachable backend) is an ERROR with the cause: a fault of the deployment, not a verdict.
 *
 * <p>Before the first rule the runner opens one participant in a counting
 * {@link dev.latchkey.spi.LockEnvironment} to learn whether the harness honours environments (its
 * ticker is read): only then are {@link FaultKind#CLOCK_SKEW}, {@link FaultKind#CLIENT_DELAY} and an
 * in-process {@link FaultKind#CLIENT_CRASH} available. The report notes whether the backend reads
 * the environment's wall clock. The probe is an acquire and a release; a backend that fails it
 * (LockUnavailableException) is asked {@value #PROBE_ATTEMPTS} times, and if every attempt fails,
 * the rules that need those faults are ERROR with the probe's failure, not SKIPPED: a busy server
 * must not quietly shrink what a run checks.
 *
 * <p>Rules run one at a time. A runner is thread-compatible: use it from one thread.
 */
public final class TckRunner {
    /** The longest a rule may run before it counts as hung (scaled). */
    public static final Duration RULE_TIMEOUT = TckTime.millis(120_000);

    private final TckHarness harness;
    private final Set<Capability> declared;
    private final Set<FaultKind> faults;
    /** How many times the environment probe is tried before its failure stands. */
    public static final int PROBE_ATTEMPTS = 3;
    /** Faults that exist only in a participant's environment. */
    private static final Set<FaultKind> ENVIRONMENT_FAULTS = EnumSet.of(FaultKind.CLIENT_CRASH, FaultKind.CLOCK_SKEW, FaultKind.CLIENT_DELAY);

    private final boolean environments;
    /** Why the environment probe could not tell whether environments are honoured, or null if it could. */
    private String probeFailure;
    private final List<String> notes = new ArrayList<>();

    /** Asks the harness once for its declared capabilities and faults, and probes its environments. */
    public TckRunner(TckHarness harness) {
        this.harness = harness;
        this.declared = Capability.closure(harness.declared());
        EnumSet<FaultKind> available = EnumSet.of(FaultKind.CLIENT_PAUSE);
        available.addAll(harness.faults());
        if (harness.uri().isPresent()) {
            available.add(FaultKind.CLIENT_CRASH);
        }
        this.environments = probeEnvironment();
        if (environments) {
            available.addAll(ENVIRONMENT_FAULTS);
        }
        this.faults = available;
    }

    /** Whether a participant opened in a counting environment measures time with its ticker; notes what it saw. */
    private boolean probeEnvironment() {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= PROBE_ATTEMPTS; attempt++) {
            try {
                return probeEnvironmentOnce();
            } catch (LockUnavailableException e) {
                failures.add(e.toString());
                try {
                    Thread.sleep(TckTime.millis(200L * attempt).toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            } catch (RuntimeException e) {
                notes.add("the environment probe failed (" + e + "): client-side faults are not injected");
                return false;
            }
        }
        probeFailure = "the environment probe (an acquire and a release) failed " + failures.size() + " times, so whether"
                + " client-side faults can be injected is unknown: " + String.join("; ", failures);
        notes.add(probeFailure);
        return false;
    }

    private boolean probeEnvironmentOnce() {
        ClientFaults probe = new ClientFaults(java.time.Duration.ZERO);
        try (LockClient client = harness.newClient(probe.environment())) {
            String name = "tck:environment-probe:" + java.util.UUID.randomUUID();
            client.lock(name).tryAcquire().ifPresent(Lease::release);
            try {
                client.forget(name);
            } catch (UnsupportedOperationException cannotForget) {
                // the backend keeps its keys
            }
        }
        if (probe.tickerReads() == 0) {
            notes.add("the harness does not honour LockEnvironment (its ticker was never read): CLOCK_SKEW, CLIENT_DELAY"
                    + " and an in-process CLIENT_CRASH cannot be injected");
            return false;
        }
        if (probe.clockReads() == 0) {
            notes.add("the backend read no wall clock through LockEnvironment.clock() while acquiring: clock skew injected there"
                    + " does not reach it (right for a backend that reads no wall clock; a backend that reads another one escapes"
                    + " the CLOCK_SKEW rules)");
        }
        return true;
    }

    /** Runs every rule against {@code harness}. Does not close the harness. */
    public static TckReport run(TckHarness harness) {
        TckRunner runner = new TckRunner(harness);
        long start = System.nanoTime();
        List<RuleResult> results = new ArrayList<>();
        for (Rule rule : Rule.all()) {
            results.add(runner.run(rule));
        }
        return runner.report(results, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** The capabilities the backend declares, closed under {@link Capability#implied()}. */
    public Set<Capability> declared() {
        return declared;
    }

    /** The faults available: the harness's, plus CLIENT_PAUSE, plus CLIENT_CRASH if it has a URI. */
    public Set<FaultKind> faults() {
        return faults;
    }

    /** Runs one rule. */
    public RuleResult run(Rule rule) {
        long start = System.nanoTime();
        Set<FaultKind> missing = EnumSet.noneOf(FaultKind.class);
        missing.addAll(rule.needs());
        missing.removeAll(faults);
        boolean claimed = rule.capability().map(declared::contains).orElse(true);
        if (probeFailure != null && missing.stream().anyMatch(ENVIRONMENT_FAULTS::contains)) {
            return result(rule, Outcome.ERROR, start, "needs " + missing + ": " + probeFailure);
        }
        if (!missing.isEmpty()) {
            // Say whether a claim goes unchecked: a skip is harmless only for a capability the backend does not declare.
            String why = rule.capability().isEmpty() ? "a core rule: this row does not check it"
                    : claimed ? rule.capabilityName() + " is declared: this row does not check that claim"
                    : rule.capabilityName() + " is not declared by the backend";
            return result(rule, Outcome.SKIPPED, start, "needs " + missing + ", which the harness of '" + harness.label()
                    + "' cannot inject; " + why);
        }
        Throwable failure;
        String observations;
        try (Ctx ctx = new Ctx(harness, rule, environments, declared)) {
            failure = runBody(rule, ctx);
            observations = ctx.observations();
        }
        if (failure == null) {
            return result(rule, claimed ? Outcome.PASS : Outcome.OBSERVED_SAFE, start, observations);
        }
        if (failure instanceof Ctx.NoEnvironment && probeFailure != null) {
            return result(rule, Outcome.ERROR, start, failure.getMessage() + ": " + probeFailure);
        }
        if (failure instanceof Ctx.Precondition) {
            return result(rule, Outcome.SKIPPED, start, "precondition not met: " + failure.getMessage());
        }
        if (failure instanceof LockUnavailableException) {
            return result(rule, Outcome.ERROR, start, "the backend failed, so the rule could not judge it: " + Ctx.stack(failure));
        }
        String evidence = failure instanceof AssertionError ? failure.getMessage()
                : failure instanceof UnsupportedOperationException ? "unsupported: " + failure.getMessage()
                : Ctx.stack(failure);
        return result(rule, claimed ? Outcome.FAIL : Outcome.OBSERVED_UNSAFE, start, evidence);
    }

    /** A report of {@code results} for this runner's harness. */
    public TckReport report(List<RuleResult> results, long durationMs) {
        return new TckReport(harness.label(), names(declared), names(faults), TckTime.scale(), durationMs, results, notes);
    }

    /** What the runner noticed about the harness (its environments, its clocks), for the report. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private static Throwable runBody(Rule rule, Ctx ctx) {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                rule.body.invoke(null, ctx);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (ReflectiveOperationException e) {
                failure[0] = e;
            }
        }, "tck-" + rule.id());
        t.setDaemon(true);
        t.start();
        try {
            TimeUnit.MILLISECONDS.timedJoin(t, RULE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            return new AssertionError("the TCK was interrupted while running " + rule.name());
        }
        if (t.isAlive()) {
            AssertionError hung = new AssertionError("the rule did not finish within " + RULE_TIMEOUT.toMillis() + " ms");
            hung.setStackTrace(t.getStackTrace());
            t.interrupt();
            return new AssertionError(Ctx.stack(hung) + ctx.historyTail());
        }
        return failure[0]; // visible: the thread has terminated
    }

    private static RuleResult result(Rule rule, Outcome outcome, long startNanos, String message) {
        return new RuleResult(rule.id(), rule.name(), rule.level(), rule.group(), rule.capabilityName(), outcome,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), message == null ? "" : message);
    }

    private static List<String> names(Set<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).collect(Collectors.toList());
    }
}
