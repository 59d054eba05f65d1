package dev.latchkey.tck;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a recorded {@link History} of lock operations for safety violations. Both checks are
 * sound: they flag only what no correct lock can produce, given that each holder may believe it
 * holds the lock from its acquisition's success until the earlier of its release's invocation
 * and its lease's (conservative, local) deadline. They can miss violations the history does not show.
 *
 * <p>Design note. The interval sweep is the classic check for mutual exclusion on a timeline;
 * the mutex model replays the history against the sequential specification of an owner-aware,
 * fenced lock, in the spirit of Jepsen's lock checkers: acquire only when free, a successful
 * release only by the owner, fencing tokens increasing in real-time order.
 *
 * <p>Stateless and thread-safe.
 */
public final class HistoryChecker {
    private static final int MAX_REPORTED = 5;

    private HistoryChecker() {
    }

    /** One acquisition, from its events. Times are in the history's time base. */
    private static final class Hold {
        final List<Event> events = new ArrayList<>();
        Event invoke;
        Event ok;
        Event releaseInvoke;
        Event releaseOk;
        long deadline;

        long start() {
            return ok.nanos();
        }

        /** When the holder stopped believing it held the lock. */
        long end() {
            return releaseInvoke == null ? deadline : Math.min(releaseInvoke.nanos(), deadline);
        }

        boolean releaseSucceeded() {
            return releaseOk != null && "RELEASED".equals(releaseOk.note());
        }
    }

    /** Holds that overlap in time on the same lock name: two participants inside the critical section at once. */
    public static List<Violation> overlappingHolds(List<Event> history) {
        List<Violation> out = new ArrayList<>();
        for (List<Hold> holds : holdsByLock(history).values()) {
            Hold longest = null;
            for (Hold h : holds) {
                if (longest != null && h.start() < longest.end() && out.size() < MAX_REPORTED) {
                    out.add(new Violation(String.format("%s acquired '%s' %.1f ms before %s's hold ended",
                            h.ok.process(), h.ok.lock(), (longest.end() - h.start()) / 1e6, longest.ok.process()),
                            merge(longest.events, h.events)));
                }
                if (longest == null || h.end() > longest.end()) {
                    longest = h;
                }
            }
        }
        return out;
    }

    /**
     * Replays the history against an owner-aware mutex per lock name: a grant only when no other hold
     * is live, a release that reports RELEASED only by a hold nobody took over, and, if {@code fenced},
     * a fencing token above every token granted before the acquisition was invoked.
     */
    public static List<Violation> mutexModel(List<Event> history, boolean fenced) {
        List<Violation> out = new ArrayList<>();
        for (List<Hold> holds : holdsByLock(history).values()) {
            for (int i = 0; i < holds.size() && out.size() < MAX_REPORTED; i++) {
                Hold g = holds.get(i);
                long tokenBefore = 0;
                for (int j = 0; j < i; j++) {
                    Hold h = holds.get(j);
                    if (h.end() > g.start()) {
                        out.add(new Violation("granted to " + g.ok.process() + " while " + h.ok.process() + " still held it",
                                merge(h.events, g.events)));
                    }
                    if (h.ok.seq() < g.invoke.seq()) {
                        tokenBefore = Math.max(tokenBefore, h.ok.token());
                    }
                }
                if (fenced && g.ok.token() <= tokenBefore) {
                    out.add(new Violation("fencing token " + g.ok.token() + " of " + g.ok.process()
                            + " is not above " + tokenBefore + ", granted before it asked", tokenEvents(holds, g)));
                }
                for (Hold later : holds.subList(i + 1, holds.size())) {
                    if (g.releaseSucceeded() && later.invoke.seq() > g.ok.seq() && later.ok.seq() < g.releaseInvoke.seq()) {
                        out.add(new Violation(g.ok.process() + "'s release reported RELEASED although "
                                + later.ok.process() + " had taken the lock over: it freed someone else's hold",
                                merge(g.events, later.events)));
                    }
                }
            }
        }
        return out.subList(0, Math.min(out.size(), MAX_REPORTED));
    }

    private static Map<String, List<Hold>> holdsByLock(List<Event> history) {
        Map<Long, Hold> byId = new LinkedHashMap<>();
        for (Event e : history) {
            if (e.hold() == 0) {
                continue;
            }
            Hold h = byId.computeIfAbsent(e.hold(), id -> new Hold());
            h.events.add(e);
            boolean invoke = e.type() == Event.Type.INVOKE;
            boolean ok = e.type() == Event.Type.OK;
            switch (e.op()) {
                case ACQUIRE:
                    if (invoke) {
                        h.invoke = e;
                    } else if (ok) {
                        h.ok = e;
                        h.deadline = e.deadline();
                    }
                    break;
                case EXTEND:
                    if (ok) {
                        h.deadline = Math.max(h.deadline, e.deadline());
                    }
                    break;
                case RELEASE:
                    if (invoke && h.releaseInvoke == null) {
                        h.releaseInvoke = e;
                        h.deadline = Math.max(h.deadline, e.deadline());
                    } else if (ok && h.releaseOk == null) {
                        h.releaseOk = e;
                    }
                    break;
                default:
                    break;
            }
        }
        Map<String, List<Hold>> out = new LinkedHashMap<>();
        for (Hold h : byId.values()) {
            if (h.invoke != null && h.ok != null) {
                out.computeIfAbsent(h.ok.lock(), k -> new ArrayList<>()).add(h);
            }
        }
        out.values().forEach(list -> list.sort(Comparator.comparingLong(Hold::start)));
        return out;
    }

    private static List<Event> tokenEvents(List<Hold> holds, Hold g) {
        List<Event> out = new ArrayList<>();
        for (Hold h : holds) {
            if (h == g || h.ok.seq() < g.invoke.seq() && h.ok.token() >= g.ok.token()) {
                out.add(h.ok);
            }
        }
        out.add(g.invoke);
        return sorted(out);
    }

    private static List<Event> merge(List<Event> a, List<Event> b) {
        List<Event> out = new ArrayList<>(a);
        out.addAll(b);
        return sorted(out);
    }

    private static List<Event> sorted(List<Event> events) {
        events.sort(Comparator.comparingLong(Event::seq));
        return events;
    }
}
