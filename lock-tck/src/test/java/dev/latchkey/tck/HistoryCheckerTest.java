package dev.latchkey.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {
    private final List<Event> events = new ArrayList<>();

    /** Appends an event; times in milliseconds. */
    private void at(long ms, Event.Type type, Event.Op op, String process, long hold, long token, long deadlineMs, String note) {
        events.add(new Event(events.size(), ms * 1_000_000, type, op, process, "x", hold, token, deadlineMs * 1_000_000, note));
    }

    private void acquire(long invokeMs, long okMs, String process, long hold, long token, long deadlineMs) {
        at(invokeMs, Event.Type.INVOKE, Event.Op.ACQUIRE, process, hold, 0, 0, "");
        at(okMs, Event.Type.OK, Event.Op.ACQUIRE, process, hold, token, deadlineMs, "");
    }

    private void release(long invokeMs, long okMs, String process, long hold, String outcome) {
        at(invokeMs, Event.Type.INVOKE, Event.Op.RELEASE, process, hold, 0, 0, "");
        at(okMs, outcome == null ? Event.Type.FAIL : Event.Type.OK, Event.Op.RELEASE, process, hold, 0, 0, outcome == null ? "lost" : outcome);
    }

    @Test
    void sequentialHoldsAreClean() {
        acquire(0, 1, "p1", 1, 1, 1000);
        release(10, 11, "p1", 1, "RELEASED");
        acquire(5, 12, "p2", 2, 2, 1000);
        release(20, 21, "p2", 2, "RELEASED");
        assertEquals(List.of(), HistoryChecker.overlappingHolds(events));
        assertEquals(List.of(), HistoryChecker.mutexModel(events, true));
    }

    @Test
    void overlappingHoldsAreFoundByBothChecksWithTheirEvents() {
        acquire(0, 1, "p1", 1, 1, 1000);
        acquire(2, 3, "p2", 2, 2, 1000);
        release(10, 11, "p1", 1, "RELEASED");
        release(12, 13, "p2", 2, "RELEASED");
        List<Violation> sweep = HistoryChecker.overlappingHolds(events);
        assertEquals(1, sweep.size());
        assertTrue(sweep.get(0).message().contains("p2 acquired 'x' 7.0 ms before p1's hold ended"), sweep.toString());
        assertEquals(8, sweep.get(0).events().size(), "both holds' events are shown");
        List<Violation> model = HistoryChecker.mutexModel(events, false);
        assertTrue(model.stream().anyMatch(v -> v.message().equals("granted to p2 while p1 still held it")), model.toString());
    }

    @Test
    void aHoldEndsAtItsLeaseDeadline() {
        acquire(0, 1, "p1", 1, 1, 100);
        acquire(50, 150, "p2", 2, 2, 1000);
        release(160, 161, "p2", 2, "RELEASED");
        assertEquals(List.of(), HistoryChecker.overlappingHolds(events));
        assertEquals(List.of(), HistoryChecker.mutexModel(events, true));
    }

    @Test
    void aStaleReleaseThatSucceedsFreedSomeoneElsesHold() {
        acquire(0, 1, "p1", 1, 1, 100);
        acquire(50, 150, "p2", 2, 2, 1000);
        release(200, 201, "p1", 1, "RELEASED");
        release(300, 301, "p2", 2, "RELEASED");
        assertEquals(List.of(), HistoryChecker.overlappingHolds(events));
        List<Violation> model = HistoryChecker.mutexModel(events, false);
        assertEquals(1, model.size());
        assertTrue(model.get(0).message().contains("p1's release reported RELEASED although p2 had taken the lock over"), model.toString());
    }

    @Test
    void aStaleReleaseThatReportsTheLossIsFine() {
        acquire(0, 1, "p1", 1, 1, 100);
        acquire(50, 150, "p2", 2, 2, 1000);
        release(200, 201, "p1", 1, null);
        assertEquals(List.of(), HistoryChecker.mutexModel(events, true));
    }

    @Test
    void tokensMustExceedEveryTokenGrantedBeforeTheAcquisitionWasInvoked() {
        acquire(0, 1, "p1", 1, 5, 1000);
        release(10, 11, "p1", 1, "RELEASED");
        acquire(20, 21, "p2", 2, 5, 1000);
        release(30, 31, "p2", 2, "RELEASED");
        List<Violation> model = HistoryChecker.mutexModel(events, true);
        assertEquals(1, model.size());
        assertTrue(model.get(0).message().contains("fencing token 5 of p2 is not above 5"), model.toString());
        assertEquals(List.of(), HistoryChecker.mutexModel(events, false), "unfenced, tokens are not checked");
    }

    @Test
    void anAcquisitionInvokedBeforeAnotherGrantMayGetALowerToken() {
        acquire(0, 30, "p1", 1, 1, 1000);
        release(40, 41, "p1", 1, "RELEASED");
        acquire(5, 10, "p2", 2, 2, 1000);
        release(20, 21, "p2", 2, "RELEASED");
        events.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        List<Event> renumbered = new ArrayList<>();
        for (Event e : events) {
            renumbered.add(new Event(renumbered.size(), e.nanos(), e.type(), e.op(), e.process(), e.lock(), e.hold(), e.token(), e.deadline(), e.note()));
        }
        assertEquals(List.of(), HistoryChecker.mutexModel(renumbered, true));
    }
}
