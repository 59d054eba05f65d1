package dev.latchkey.tck;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What a rule works with: the harness, fresh participants, a {@link History}, scaled times, threads
 * that are cleaned up after the rule, and checks that fail with a message. One per rule run; the
 * rule's thread and the threads it forks use it concurrently, so it is thread-safe.
 */
final class Ctx implements AutoCloseable {
    /** A short lease: expiry rules wait about this long. */
    static final Duration LEASE = TckTime.millis(300);
    /** A lease that outlives any rule. */
    static final Duration LONG = TckTime.millis(30_000);
    /** How long a timed wait that must give up waits. */
    static final Duration WAIT = TckTime.millis(300);
    /** Enough for a participant to start waiting, or for a wrong grant to show up. */
    static final Duration SHORT = TckTime.millis(100);
    /**
     * How long to wait for something that must happen before the rule can go on (a participant must
     * be woken, a precondition must arise). Never the bound of a timing check: those come from
     * {@link #within} and {@link #margin}, which derive from what is requested and measured.
     */
    static final Duration SLACK = TckTime.millis(1_000);
    /**
     * The floor of every {@link #margin}: scheduling noise on a loaded 2-core machine. Rules with an
     * upper bound measure twice or more and judge the fastest (or the median), so that a pause that
     * hits one measurement is not taken for a defect, while a systematic delay still is.
     */
    static final Duration NOISE = TckTime.millis(40);
    /** The longest wait for something that must happen. */
    static final Duration PATIENCE = TckTime.millis(10_000);

    /** Thrown when a rule's precondition does not hold; the rule is then skipped with the reason. */
    static class Precondition extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Precondition(String message) {
            super(message, null, false, false);
        }
    }

    /** The precondition that the harness honours participants' environments (see {@link TckRunner}'s probe). */
    static final class NoEnvironment extends Precondition {
        private static final long serialVersionUID = 1L;

        NoEnvironment(String message) {
            super(message);
        }
    }

    final TckHarness harness;
    final History history = new History();
    /** The rule's own lock name, fresh for every run. */
    final String lock;
    /** Whether the harness honours the participants' environments (probed once per run by the runner). */
    private final boolean environments;
    private final Set<Capability> declared;
    private final Map<LockClient, ClientFaults> faults = new ConcurrentHashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> observations = new ArrayList<>();
    private volatile long pairNanos = -1;
    /** Every lock name the rule used, forgotten when it ends so that a run leaves nothing behind. */
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    Ctx(TckHarness harness, Rule rule, boolean environments, Set<Capability> declared) {
        this.harness = harness;
        this.environments = environments;
        this.declared = declared;
        this.lock = "tck:" + rule.id() + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The rule's lock name, or {@code <lock>:<suffix>} for another lock of the rule; remembered for cleanup. */
    String name(String suffix) {
        String name = suffix.isEmpty() ? lock : lock + ":" + suffix;
        names.add(name);
        return name;
    }

    // ---- participants ----

    /** A new participant with its own client, in an environment of its own where the harness allows. */
    Participant participant(String id) {
        return participant(id, Duration.ZERO);
    }

    /** A participant on a given client (tracked and closed after the rule). */
    Participant participant(String id, LockClient client) {
        return new Participant(this, id, track(client));
    }

    /** A participant whose wall clock is off by {@code skew} ({@link FaultKind#CLOCK_SKEW}). */
    Participant skewed(String id, Duration skew) {
        return participant(id, skew);
    }

    private Participant participant(String id, Duration skew) {
        if (!environments) {
            if (!skew.isZero()) {
                throw new UnsupportedOperationException(harness.label() + " does not honour LockEnvironment: no clock skew");
            }
            return participant(id, harness.newClient());
        }
        ClientFaults f = new ClientFaults(skew);
        LockClient client = track(harness.newClient(f.environment()));
        faults.put(client, f);
        return new Participant(this, id, client);
    }

    /** The client-side faults of a participant made by {@link #participant(String)}. */
    ClientFaults faults(Participant p) {
        ClientFaults f = faults.get(p.client);
        if (f == null) {
            throw new NoEnvironment(harness.label() + " does not honour LockEnvironment, so no client-side fault can be injected in process");
        }
        return f;
    }

    /**
     * {@link FaultKind#CLIENT_CRASH} in process: from now on the participant's calls fail without
     * reaching the backend; nothing is released or renewed, so its holds end when their leases run out.
     */
    void crash(Participant p) {
        faults(p).kill();
        history.note(p.id, lock, "crashed (its calls no longer reach the backend)");
    }

    /** Whether the backend claims {@code capability} (a rule may check more where it does). */
    boolean declared(Capability capability) {
        return declared.contains(capability);
    }

    /** {@link FaultKind#SERVER_PAUSE} for {@code duration}: freezes the server, sleeps, resumes it (also on failure). */
    void pauseServer(Duration duration) throws InterruptedException {
        harness.pauseServer();
        try {
            sleep(duration);
        } finally {
            harness.resumeServer();
        }
    }

    // ---- bounds derived from what is measured ----

    /**
     * The time of one uncontended acquire-and-release on this backend: the median of five, measured
     * once per rule on a lock of its own. Two round trips on a networked backend.
     */
    Duration pairTime() throws InterruptedException {
        long measured = pairNanos;
        if (measured < 0) {
            Participant p = participant("rtt");
            long[] samples = new long[5];
            for (int i = 0; i < samples.length; i++) {
                long start = System.nanoTime();
                // a wait, not an immediate attempt: this must measure the backend, not a defect of its zero wait
                p.tryAcquire("rtt", SLACK, LONG).orElseThrow(() -> new AssertionError("a free lock could not be acquired")).release();
                samples[i] = System.nanoTime() - start;
            }
            java.util.Arrays.sort(samples);
            pairNanos = measured = samples[samples.length / 2];
            observe("acquire+release %.2f ms", measured / 1e6);
        }
        return Duration.ofNanos(measured);
    }

    /**
     * The allowance above a requested time {@code requested} (a wait, a lease, zero for an immediate
     * attempt): the largest of three acquire-and-release times, a tenth of the request and
     * {@link #NOISE}, scaled. Tight enough that a backend 1.5 times too slow fails.
     */
    Duration margin(Duration requested) throws InterruptedException {
        long threePairs = (long) (pairTime().toNanos() * 3 * TckTime.scale());
        return Duration.ofNanos(Math.max(Math.max(threePairs, requested.toNanos() / 10), NOISE.toNanos()));
    }

    /** {@code requested} plus its {@link #margin}: the upper bound of something that should take {@code requested}. */
    Duration within(Duration requested) throws InterruptedException {
        return requested.plus(margin(requested));
    }

    <T extends AutoCloseable> T track(T resource) {
        synchronized (resources) {
            if (!resources.contains(resource)) {
                resources.add(resource);
            }
        }
        return resource;
    }

    // ---- concurrency ----

    /** Runs {@code task} on a new daemon thread of this rule. */
    <T> CompletableFuture<T> fork(String name, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "tck-" + name);
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
        return result;
    }

    /** The result of {@code f}, failing the rule if it takes longer than {@code limit}; rethrows the task's failure. */
    <T> T await(Future<T> f, Duration limit, String what) throws Exception {
        try {
            return f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + ms(limit) + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw (Error) cause;
        }
    }

    void sleep(Duration d) throws InterruptedException {
        if (!d.isNegative() && !d.isZero()) {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        }
    }

    /** Stays about a millisecond inside a critical section, widening any race window. */
    static void stall() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sleeps until {@code held}'s local deadline has passed, plus {@code margin}. */
    void outlive(RecordedLease held, Duration margin) throws InterruptedException {
        sleep(Duration.ofNanos(held.deadline() - history.now()).plus(margin));
    }

    // ---- checks ----

    void check(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new AssertionError(String.format(Locale.ROOT, format, args));
        }
    }

    void precondition(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new Precondition(String.format(Locale.ROOT, format, args));
        }
    }

    /** Runs {@code action}, which must report the loss of the lease with {@link LockLostException}. */
    void expectLoss(Runnable action, String what) {
        try {
            action.run();
        } catch (LockLostException expected) {
            return;
        }
        throw new AssertionError(what + " did not throw LockLostException" + historyTail());
    }

    /** Fails with the violations if the history shows overlapping holds or breaks the mutex model. */
    void checkHistory(boolean fenced) {
        List<Event> events = history.events();
        List<Violation> found = new ArrayList<>(HistoryChecker.overlappingHolds(events));
        found.addAll(HistoryChecker.mutexModel(events, fenced));
        check(found.isEmpty(), "the history of %d events breaks mutual exclusion:\n  %s", events.size(),
                found.stream().map(Violation::toString).collect(Collectors.joining("\n  ")));
    }

    /** Adds a measurement to the rule's message. */
    void observe(String format, Object... args) {
        synchronized (observations) {
            observations.add(String.format(Locale.ROOT, format, args));
        }
    }

    String observations() {
        synchronized (observations) {
            return String.join("; ", observations);
        }
    }

    String historyTail() {
        List<Event> events = history.events();
        return events.isEmpty() ? "" : "\n  history:\n    " + events.subList(Math.max(0, events.size() - 12), events.size())
                .stream().map(Event::toString).collect(Collectors.joining("\n    "));
    }

    static long ms(Duration d) {
        return d.toMillis();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---- shared scenarios ----

    /**
     * {@code clients} participants with {@code threads} threads each acquire and release the rule's lock
     * {@code rounds} times per thread, recording everything; each hold runs {@code critical}.
     */
    void contend(int clients, int threadsPerClient, int rounds, CriticalSection critical) throws Exception {
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Participant p = participant("p" + i);
            for (int j = 0; j < threadsPerClient; j++) {
                Participant worker = p.as("p" + i + ".t" + j);
                workers.add(fork(worker.id, () -> {
                    for (int r = 0; r < rounds; r++) {
                        RecordedLease held = worker.acquire(LONG);
                        critical.run(held, r);
                        held.release();
                    }
                    return null;
                }));
            }
        }
        await(CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)), PATIENCE.multipliedBy(3),
                clients * threadsPerClient + " contending workers");
    }

    /** The work done while holding the lock in {@link #contend}. */
    @FunctionalInterface
    interface CriticalSection {
        void run(RecordedLease held, int round) throws Exception;
    }

    /** Interrupts the rule's threads and closes its clients and other resources. */
    @Override
    public void close() {
        synchronized (threads) {
            threads.forEach(Thread::interrupt);
        }
        List<AutoCloseable> toClose;
        synchronized (resources) {
            toClose = new ArrayList<>(resources);
        }
        // Close concurrently and give up after a while: a partitioned client may block on its network.
        List<Thread> closing = new ArrayList<>();
        for (AutoCloseable r : toClose) {
            Thread t = new Thread(() -> {
                try {
                    r.close();
                } catch (Exception ignored) {
                    // best effort: the rule is over
                }
            }, "tck-close");
            t.setDaemon(true);
            t.start();
            closing.add(t);
        }
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try {
            for (Thread t : closing) {
                TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetNames();
    }

    /** Removes what the backend keeps for the rule's lock names (holds left behind, fencing counters), where it can. */
    private void forgetNames() {
        names.add(lock);
        try (LockClient janitor = harness.newClient()) {
            for (String name : names) {
                janitor.forget(name);
            }
        } catch (RuntimeException notSupportedOrUnreachable) {
            // best effort: a backend that cannot forget keeps its keys, an unreachable one too
        }
    }

    static String stack(Throwable t) {
        return t + Arrays.stream(t.getStackTrace()).limit(6).map(f -> "\n    at " + f).collect(Collectors.joining());
    }
}
