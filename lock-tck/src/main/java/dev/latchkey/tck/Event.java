package dev.latchkey.tck;

import java.util.Locale;

/**
 * One entry of a {@link History}: an operation's invocation, its completion, or a note.
 * Immutable and thread-safe.
 *
 * @param seq      the position in the history (the order events were recorded in)
 * @param nanos    monotonic time ({@link System#nanoTime()}) since the history began
 * @param type     invocation, success, failure or note
 * @param op       the operation
 * @param process  the participant (and thread) that performed it
 * @param lock     the lock name
 * @param hold     the acquisition this event belongs to: one id per {@link RecordedLease}
 * @param token    the fencing token of the hold, 0 if none or not yet known
 * @param deadline for {@code ACQUIRE OK}, {@code EXTEND OK} and {@code RELEASE INVOKE}: until when,
 *                 in the same time base as {@code nanos}, the holder may believe it holds the lock
 *                 (a conservative reading of {@link dev.latchkey.Lease#remaining()}); otherwise 0
 * @param note     the outcome, exception or remark, or ""
 */
public record Event(long seq, long nanos, Type type, Op op, String process, String lock, long hold,
                    long token, long deadline, String note) {

    /** The kind of event, as in Jepsen's histories. */
    public enum Type { INVOKE, OK, FAIL, INFO }

    /** The operation an event belongs to. */
    public enum Op { ACQUIRE, EXTEND, RELEASE, NOTE }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "#%d %9.3fms %-6s %s %s lock=%s hold=%d",
                seq, nanos / 1e6, type, op, process, lock, hold));
        if (token != 0) {
            s.append(" token=").append(token);
        }
        if (deadline != 0) {
            s.append(String.format(Locale.ROOT, " deadline=%.3fms", deadline / 1e6));
        }
        if (!note.isEmpty()) {
            s.append(' ').append(note);
        }
        return s.toString();
    }
}
