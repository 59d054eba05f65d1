package dev.latchkey.cli;

import dev.latchkey.Capability;
import dev.latchkey.tck.Event;
import dev.latchkey.tck.HistoryChecker;
import dev.latchkey.tck.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * What one backend's demo showed, and the one line that says what happened and why.
 *
 * <p>Every number comes from the recorded histories, read as the TCK reads them: a hold lasts from
 * its grant until the earlier of its release call and its holder's local deadline. The safety checks
 * are the TCK's ({@link HistoryChecker#overlappingHolds}, the owner-aware fenced
 * {@link HistoryChecker#mutexModel}); the counts in the table are taken from the same events.
 *
 * <p>Each anomaly is a {@link Finding}, with the capabilities that would forbid it. The verdict is
 * "safe in this run" only when there is no finding at all; otherwise "VIOLATION" if the backend
 * declares a capability that forbids one of them (exit 1), else "UNSAFE (not claimed)". So no table
 * can show an overlap, a stale write, a token out of order or a lease returned already expired beside
 * the word "safe". Immutable.
 */
final class DemoVerdict {
    /**
     * An anomaly; {@code claimed} if the backend declares what forbids it (a violation: the
     * {@code declared} capabilities, none for the API's own contract), else the {@code missing} ones.
     */
    record Finding(String text, boolean claimed, List<Capability> declared, List<Capability> missing) {
    }

    /** One acquisition, read from its events; times in its history's time base. */
    private record Hold(String process, long invoked, long start, long end, long token) {
        boolean dead() {
            return end <= start;
        }
    }

    private final String label;
    private final String uri;
    private final Set<Capability> declared;
    private final Duration skew;
    private final DemoRun.Outcome contention;
    private final PauseTrial.Result pause;
    private final List<Hold> holds;
    private final int timeouts;
    private final int overlapsSkewed;
    private final int overlapsOther;
    private final int dead;
    private final long lostBeforeRelease;
    private final Histogram waits = new Histogram(3);
    private final boolean cOverlappedB;
    private final int pauseAcquired;
    private final List<Violation> evidence = new ArrayList<>();
    private final long fencingViolations;
    private final long freedOthers;
    private final List<Finding> findings = new ArrayList<>();

    DemoVerdict(String label, String uri, Set<Capability> declared, Duration skew, DemoRun.Outcome contention,
                PauseTrial.Result pause) {
        this.label = label;
        this.uri = uri;
        this.declared = declared;
        this.skew = skew;
        this.contention = contention;
        this.pause = pause;
        List<Event> events = contention.history().events();
        List<Event> pauseEvents = pause.history().events();
        this.holds = holds(events);
        this.timeouts = (int) events.stream().filter(e -> e.op() == Event.Op.ACQUIRE && e.type() == Event.Type.FAIL).count();
        this.lostBeforeRelease = events.stream().filter(e -> e.op() == Event.Op.RELEASE && e.type() == Event.Type.FAIL).count();
        holds.forEach(h -> waits.recordValue(Math.max(0, h.start() - h.invoked()) / 1000));
        int skewed = 0;
        int other = 0;
        for (int i = 0; i < holds.size(); i++) {
            Hold h = holds.get(i);
            List<Hold> live = holds.subList(0, i).stream().filter(g -> !g.dead() && g.end() > h.start()).toList();
            if (h.dead() || live.isEmpty()) {
                continue;
            }
            boolean byClock = !skew.isZero() && (h.process().equals(DemoRun.SKEWED)
                    || live.stream().anyMatch(g -> g.process().equals(DemoRun.SKEWED)));
            skewed += byClock ? 1 : 0;
            other += byClock ? 0 : 1;
        }
        this.overlapsSkewed = skewed;
        this.overlapsOther = other;
        List<Hold> pauseHolds = holds(pauseEvents);
        this.pauseAcquired = pauseHolds.size();
        this.dead = (int) (holds.stream().filter(Hold::dead).count() + pauseHolds.stream().filter(Hold::dead).count());
        Hold b = pauseHolds.stream().filter(h -> h.process().equals("B")).findFirst().orElse(null);
        this.cOverlappedB = b != null && pauseHolds.stream().anyMatch(h -> h.process().equals("C") && h.start() < b.end());
        boolean fenced = declared.contains(Capability.FENCING_TOKENS);
        List<Violation> model = new ArrayList<>(HistoryChecker.mutexModel(events, fenced));
        model.addAll(HistoryChecker.mutexModel(pauseEvents, fenced));
        this.fencingViolations = model.stream().filter(v -> v.message().startsWith("fencing token")).count();
        this.freedOthers = model.stream().filter(v -> v.message().contains("freed someone else's hold")).count();
        evidence.addAll(HistoryChecker.overlappingHolds(events));
        evidence.addAll(HistoryChecker.overlappingHolds(pauseEvents));
        model.stream().filter(v -> !v.message().startsWith("granted to ")).forEach(evidence::add); // overlaps are above
        findings();
    }

    private void findings() {
        if (overlapsSkewed > 0) {
            add(DemoRun.SKEWED + ", whose clock ran " + Text.duration(skew) + " ahead, took over live holds " + times(overlapsSkewed)
                    + " (expiry is read from client clocks)", true, Capability.MUTUAL_EXCLUSION, Capability.CLOCK_INDEPENDENT);
        }
        if (freedOthers > 0) {
            add(freedOthers + " late release" + (freedOthers == 1 ? "" : "s") + " freed someone else's hold", true,
                    Capability.OWNER_SAFE_RELEASE);
        }
        if (overlapsOther > 0) {
            add(overlapsOther + (overlapsSkewed > 0 ? " more" : "") + " grant" + (overlapsOther == 1 ? "" : "s")
                    + " overlapped a live hold" + (skew.isZero() ? "" : " without the skewed clock"), true, Capability.MUTUAL_EXCLUSION);
        }
        if (pause.tokenB() < 0) {
            add("B never got the lock although A's lease had ended", true, Capability.LEASE_EXPIRY);
        } else if (pause.staleWrite()) {
            add("A's stale write was accepted " + (pause.tokenA() == 0 ? "(no fencing token)"
                    : "(token " + pause.tokenA() + " after " + pause.tokenB() + ")") + ", so B's update was lost", true,
                    Capability.FENCING_TOKENS);
        }
        if (cOverlappedB) {
            add("A's late release freed B's lock and C got in while B held it", false, Capability.OWNER_SAFE_RELEASE,
                    Capability.MUTUAL_EXCLUSION);
        }
        if (fencingViolations > 0) {
            add(fencingViolations + " fencing token" + (fencingViolations == 1 ? " was" : "s were")
                    + " not above one granted before it was asked for", true, Capability.FENCING_TOKENS);
        }
        if (dead > 0) {
            findings.add(new Finding(dead + (dead == 1 ? " lease was" : " leases were") + " already expired when acquire "
                    + "returned (a late grant, or this machine stalled for most of a lease)", true, List.of(), List.of()));
        }
    }

    /**
     * A finding that the backend claims to exclude if it declares all of {@code caps} ({@code all}) or
     * any of them.
     */
    private void add(String text, boolean all, Capability... caps) {
        List<Capability> declaredOnes = Arrays.stream(caps).filter(declared::contains).toList();
        List<Capability> missing = Arrays.stream(caps).filter(c -> !declared.contains(c)).toList();
        boolean claimed = all ? missing.isEmpty() : !declaredOnes.isEmpty();
        findings.add(new Finding(text, claimed, declaredOnes, missing));
    }

    private static String times(long n) {
        return n == 1 ? "once" : n + " times";
    }

    /** Whether the backend broke something it declares: the demo's exit 1. */
    boolean violation() {
        return findings.stream().anyMatch(Finding::claimed);
    }

    String verdict() {
        return findings.isEmpty() ? "safe in this run" : violation() ? "VIOLATION" : "UNSAFE (not claimed)";
    }

    String colour() {
        return findings.isEmpty() ? "bold,green" : violation() ? "bold,red" : "bold,yellow";
    }

    String label() {
        return label;
    }

    // ---- table cells

    String acquisitions() {
        return holds.size() + "/" + contention.attempts() + " acquired" + (timeouts > 0 ? " (" + timeouts + " timed out)" : "");
    }

    String overlaps() {
        int all = overlapsSkewed + overlapsOther;
        return all == 0 ? "0" : all + (overlapsSkewed > 0 ? " (" + overlapsSkewed + " by skewed " + DemoRun.SKEWED + ")" : "");
    }

    String waits() {
        return Text.nanos(waits.getMaxValue() * 1000) + " / " + Text.nanos(waits.getValueAtPercentile(99.0) * 1000);
    }

    String clock() {
        if (skew.isZero()) {
            return "not skewed";
        }
        return contention.wallClockReads() == 0 ? "never read: no effect" : "read " + contention.wallClockReads() + " times";
    }

    String staleWrite() {
        if (pause.tokenB() < 0) {
            return "B never got the lock";
        }
        if (!pause.staleWrite()) {
            return "rejected (token " + pause.tokenA() + " < " + pause.tokenB() + ")";
        }
        return pause.tokenA() == 0 ? "accepted (no token)" : "ACCEPTED (tokens " + pause.tokenA() + ", " + pause.tokenB() + ")";
    }

    String staleRelease() {
        if (cOverlappedB) {
            return "freed B's lock: C got in";
        }
        return pause.releaseA().toLowerCase(Locale.ROOT).replace('_', ' ') + "; B kept the lock";
    }

    String fencing() {
        boolean tokens = holds.stream().anyMatch(h -> h.token() != 0);
        if (!tokens) {
            return "n/a (no tokens)";
        }
        return fencingViolations == 0 ? "increasing" : fencingViolations + " out of order";
    }

    String lostBeforeRelease() {
        return Long.toString(lostBeforeRelease);
    }

    String expiredOnReturn() {
        return Integer.toString(dead);
    }

    String model() {
        return evidence.isEmpty() ? "ok" : "violated (examples below)";
    }

    /** The line that says what happened on this backend and why (picocli colour markup). */
    String explanation() {
        StringBuilder s = new StringBuilder("@|" + colour() + " " + label + ": " + verdict() + "|@ - ");
        if (findings.isEmpty()) {
            s.append("no two holds overlapped in ").append(holds.size() + pauseAcquired).append(" acquisitions; ");
            s.append("A's stale write was rejected by its fencing token (").append(pause.tokenA()).append(" < ")
                    .append(pause.tokenB()).append("); A's late release ").append(pause.releaseA().equals("LOST")
                            ? "reported the loss" : "said " + pause.releaseA()).append(" and B kept the lock");
        } else {
            s.append(findings.stream().map(f -> f.text() + (!f.claimed() ? "" : f.declared().isEmpty()
                    ? " (@|bold,red breaks the API's contract|@)"
                    : " (@|bold,red violates " + names(f.declared(), " and ") + ", which it declares|@)"))
                    .collect(Collectors.joining("; ")));
        }
        if (!skew.isZero() && overlapsSkewed == 0) {
            s.append(contention.wallClockReads() == 0 ? "; it reads no wall clock, so " + DemoRun.SKEWED + "'s "
                    + Text.duration(skew) + " skew did not reach it" : "; " + DemoRun.SKEWED + "'s skewed clock caused no overlap this time");
        }
        s.append('.');
        Set<Capability> notClaimed = EnumSet.noneOf(Capability.class);
        findings.stream().filter(f -> !f.claimed()).forEach(f -> notClaimed.addAll(f.missing()));
        if (!notClaimed.isEmpty()) {
            s.append(" Not claimed: it does not declare ").append(names(List.copyOf(notClaimed), ", ")).append('.');
        }
        return s.toString();
    }

    private static String names(List<Capability> caps, String joiner) {
        return caps.stream().map(Enum::name).collect(Collectors.joining(joiner));
    }

    /** The TCK checkers' evidence, first lines only. */
    List<String> examples(int max) {
        return evidence.stream().limit(max).map(Violation::message).toList();
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", label);
        m.put("uri", uri);
        m.put("declares", declared.stream().map(Enum::name).sorted().toList());
        m.put("verdict", findings.isEmpty() ? "safe" : violation() ? "violation" : "unsafe-not-claimed");
        m.put("findings", findings.stream().map(f -> Map.of("finding", f.text(), "claimed", f.claimed())).toList());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("attempts", contention.attempts());
        c.put("acquired", holds.size());
        c.put("timeouts", timeouts);
        c.put("overlaps", overlapsSkewed + overlapsOther);
        c.put("overlapsWithSkewedWorker", overlapsSkewed);
        c.put("maxWaitMillis", waits.getMaxValue() / 1000);
        c.put("p99WaitMillis", waits.getValueAtPercentile(99.0) / 1000);
        c.put("lostBeforeRelease", lostBeforeRelease);
        c.put("wallClockReads", contention.wallClockReads());
        c.put("elapsedMillis", contention.elapsedNanos() / 1_000_000);
        m.put("contention", c);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("pauseMillis", pause.pause().toMillis());
        p.put("tokenA", pause.tokenA());
        p.put("tokenB", pause.tokenB());
        p.put("staleWriteAccepted", pause.staleWrite());
        p.put("lostUpdate", pause.lostUpdate());
        p.put("releaseA", pause.releaseA());
        p.put("cGotInWhileBHeld", cOverlappedB);
        p.put("rejected", pause.rejected());
        m.put("pause", p);
        m.put("fencingViolations", fencingViolations);
        m.put("expiredOnReturn", dead);
        m.put("historyViolations", evidence.stream().map(Violation::message).toList());
        return m;
    }

    /** The acquisitions that succeeded, by grant time. */
    private static List<Hold> holds(List<Event> events) {
        Map<Long, long[]> byId = new LinkedHashMap<>(); // invoked, start, releaseInvoked, deadline, token
        Map<Long, String> process = new LinkedHashMap<>();
        for (Event e : events) {
            if (e.hold() == 0) {
                continue;
            }
            long[] h = byId.computeIfAbsent(e.hold(), id -> new long[] {-1, -1, -1, 0, 0});
            boolean invoke = e.type() == Event.Type.INVOKE;
            if (e.op() == Event.Op.ACQUIRE && invoke) {
                h[0] = e.nanos();
            } else if (e.op() == Event.Op.ACQUIRE && e.type() == Event.Type.OK) {
                h[1] = e.nanos();
                h[3] = e.deadline();
                h[4] = e.token();
                process.put(e.hold(), e.process());
            } else if (e.op() == Event.Op.EXTEND && e.type() == Event.Type.OK) {
                h[3] = Math.max(h[3], e.deadline());
            } else if (e.op() == Event.Op.RELEASE && invoke && h[2] < 0) {
                h[2] = e.nanos();
                h[3] = Math.max(h[3], e.deadline());
            }
        }
        List<Hold> out = new ArrayList<>();
        byId.forEach((id, h) -> {
            if (h[0] >= 0 && h[1] >= 0) {
                out.add(new Hold(process.get(id), h[0], h[1], h[2] < 0 ? h[3] : Math.min(h[2], h[3]), h[4]));
            }
        });
        out.sort(Comparator.comparingLong(Hold::start));
        return out;
    }
}
