package dev.latchkey.tck;

import java.util.List;

/**
 * A safety violation found in a history or on a fenced resource, with the events that prove it.
 * Immutable and thread-safe.
 *
 * @param message what went wrong, in one sentence
 * @param events  the offending events, in history order
 */
public record Violation(String message, List<Event> events) {
    public Violation {
        events = List.copyOf(events);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(message);
        for (Event e : events) {
            s.append("\n    ").append(e);
        }
        return s.toString();
    }
}
