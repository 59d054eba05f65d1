package dev.latchkey.cli;

import dev.latchkey.Capability;
import dev.latchkey.tck.Event;
import dev.latchkey.tck.HistoryChecker;
import dev.latchkey.tck.Violation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks on one backend's demo history and how to read them.
 *
 * <p>The safety checks are the TCK's: {@link HistoryChecker#overlappingHolds} and the owner-aware,
 * fenced {@link HistoryChecker#mutexModel}. They report at most a few violations each, so the
 * numbers in the table (how many grants overlapped a live hold, waits, fencing order) are counted
 * here from the same events with the same reading of a hold: from its grant until the earlier of
 * its release call and its holder's local deadline.
 *
 * <p>A finding is a violation only if the backend declares {@link Capability#MUTUAL_EXCLUSION} and
 * the run stayed inside what it declares: under {@code --skew}, a backend that does not declare
 * {@link Capability#CLOCK_INDEPENDENT} and was given a skewed clock is outside. Immutable.
 */
final class DemoVerdict {
    /** One acquisition, read from its events. */
    private record Hold(String process, long invoked, long start, long end, long token) {
    }

    private final DemoRun.Outcome outcome;
    private final boolean skewRun;
    private final List<Hold> holds;
    private final int overlaps;
    private final long overlapsWithSkewed;
    private final List<Violation> overlapEvidence;
    private final List<Violation> modelViolations;
    private final long[] waits;
    private final int fencingViolations;
    private final long lost;
    private final long timeouts;

    DemoVerdict(DemoRun.Outcome outcome, boolean skewRun) {
        this.outcome = outcome;
        this.skewRun = skewRun;
        List<Event> events = outcome.history().events();
        this.holds = holds(events);
        this.overlapEvidence = HistoryChecker.overlappingHolds(events);
        this.modelViolations = HistoryChecker.mutexModel(events, declares(Capability.FENCING_TOKENS));
        this.waits = holds.stream().mapToLong(h -> h.start() - h.invoked()).sorted().toArray();
        this.lost = events.stream().filter(e -> e.op() == Event.Op.RELEASE && e.type() == Event.Type.FAIL).count();
        this.timeouts = events.stream().filter(e -> e.op() == Event.Op.ACQUIRE && e.type() == Event.Type.FAIL).count();
        int count = 0;
        long withSkewed = 0;
        Hold longest = null;
        for (Hold h : holds) {
            if (longest != null && h.start() < longest.end()) {
                count++;
                if (h.process().equals(outcome.skewed()) || longest.process().equals(outcome.skewed())) {
                    withSkewed++;
                }
            }
            if (longest == null || h.end() > longest.end()) {
                longest = h;
            }
        }
        this.overlaps = count;
        this.overlapsWithSkewed = withSkewed;
        int bad = -1;
        if (holds.stream().anyMatch(h -> h.token() != 0)) {
            bad = 0;
            for (int i = 1; i < holds.size(); i++) {
                bad += holds.get(i).token() <= holds.get(i - 1).token() ? 1 : 0;
            }
        }
        this.fencingViolations = bad;
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
            boolean ok = e.type() == Event.Type.OK;
            if (e.op() == Event.Op.ACQUIRE && invoke) {
                h[0] = e.nanos();
            } else if (e.op() == Event.Op.ACQUIRE && ok) {
                h[1] = e.nanos();
                h[3] = e.deadline();
                h[4] = e.token();
                process.put(e.hold(), e.process());
            } else if (e.op() == Event.Op.EXTEND && ok) {
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

    DemoRun.Outcome outcome() {
        return outcome;
    }

    int acquired() {
        return holds.size();
    }

    long timeouts() {
        return timeouts;
    }

    /** Grants made while another hold was live. */
    int overlaps() {
        return overlaps;
    }

    long maxWaitNanos() {
        return waits.length == 0 ? 0 : waits[waits.length - 1];
    }

    long p99WaitNanos() {
        return waits.length == 0 ? 0 : waits[Math.max(0, (int) Math.ceil(waits.length * 0.99) - 1)];
    }

    long lostBeforeRelease() {
        return lost;
    }

    private boolean declares(Capability c) {
        return outcome.declared().contains(c);
    }

    private boolean unsafe() {
        return overlaps > 0 || !overlapEvidence.isEmpty() || !modelViolations.isEmpty();
    }

    /** Clocks were skewed for this backend and it does not claim to be independent of them. */
    private boolean outsideClaims() {
        return skewRun && outcome.skewed() != null && !declares(Capability.CLOCK_INDEPENDENT);
    }

    boolean violation() {
        return unsafe() && declares(Capability.MUTUAL_EXCLUSION) && !outsideClaims();
    }

    String fencingText() {
        if (fencingViolations < 0) {
            return "n/a (no tokens)";
        }
        return fencingViolations == 0 ? "strictly increasing" : fencingViolations + " out of order";
    }

    String modelText() {
        return modelViolations.isEmpty() ? "ok" : modelViolations.size() + (modelViolations.size() >= 5 ? "+" : "") + " violations";
    }

    String shortVerdict() {
        if (violation()) {
            return "VIOLATION";
        }
        return unsafe() ? "UNSAFE (outside claims)" : "safe in this run";
    }

    String colour() {
        return violation() ? "bold,red" : unsafe() ? "bold,yellow" : "bold,green";
    }

    /** One or two sentences on what the numbers mean for this backend, with picocli colour markup. */
    String explanation() {
        String name = "@|" + colour() + " " + outcome.label() + "|@";
        if (!unsafe()) {
            return name + ": no two holds overlapped in " + holds.size() + " acquisitions"
                    + (outcome.skewed() != null ? ", although worker " + outcome.skewed() + "'s clock was skewed" : "")
                    + (skewRun && outcome.skewed() == null ? " (no client clock was skewed: it does not take one)" : "") + ".";
        }
        String what = name + ": granted the lock while it was held " + overlaps + " time" + (overlaps == 1 ? "" : "s")
                + (outcome.skewed() != null ? " (" + overlapsWithSkewed + " involving skewed worker " + outcome.skewed() + ")" : "");
        if (violation()) {
            return what + ", although it declares MUTUAL_EXCLUSION.";
        }
        if (outsideClaims()) {
            return what + "; expected: it does not declare CLOCK_INDEPENDENT, and judges expiry by the skewed client clock.";
        }
        return what + "; it does not declare MUTUAL_EXCLUSION.";
    }

    /** The TCK checkers' evidence, first lines only. */
    List<String> examples(int max) {
        List<Violation> all = new ArrayList<>(overlapEvidence);
        modelViolations.stream().filter(v -> !v.message().startsWith("granted to ")).forEach(all::add);
        return all.stream().limit(max).map(Violation::message).toList();
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", outcome.label());
        m.put("uri", Backends.display(outcome.uri()));
        m.put("declares", outcome.declared().stream().map(Enum::name).sorted().toList());
        m.put("skewedWorker", outcome.skewed());
        m.put("attempts", outcome.attempts());
        m.put("acquired", acquired());
        m.put("timeouts", timeouts);
        m.put("overlaps", overlaps);
        m.put("overlapsWithSkewedWorker", overlapsWithSkewed);
        m.put("maxWaitMillis", maxWaitNanos() / 1_000_000);
        m.put("p99WaitMillis", p99WaitNanos() / 1_000_000);
        m.put("fencing", fencingViolations < 0 ? "n/a" : fencingViolations == 0 ? "ok" : "violated");
        m.put("fencingViolations", Math.max(0, fencingViolations));
        m.put("lostBeforeRelease", lost);
        m.put("historyViolations", modelViolations.stream().map(Violation::message).toList());
        m.put("elapsedMillis", outcome.elapsedNanos() / 1_000_000);
        m.put("verdict", violation() ? "violation" : unsafe() ? "unsafe-outside-claims" : "safe");
        return m;
    }
}
