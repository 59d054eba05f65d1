package dev.latchkey.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A protected resource that checks fencing tokens, as Kleppmann's storage service does: it
 * remembers the highest token it has seen and rejects any read or write carrying a lower one.
 * A read counts as "seen" too, so a stale holder cannot write after a newer holder has merely
 * read. Used as a counter ({@link #increment}), it detects lost updates.
 *
 * <p>Thread-safe: every method is atomic.
 */
public final class FencedRegister {
    private long highest = Long.MIN_VALUE;
    private long value;
    private int accepted;
    private final List<String> rejected = new ArrayList<>();

    /** The value, or empty (and nothing changes) if {@code token} is below the highest seen. */
    public synchronized OptionalLong read(long token) {
        if (stale(token, "read")) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(value);
    }

    /** Stores {@code newValue} unless {@code token} is below the highest seen; returns whether it was stored. */
    public synchronized boolean write(long token, long newValue) {
        if (stale(token, "write of " + newValue)) {
            return false;
        }
        value = newValue;
        accepted++;
        return true;
    }

    /**
     * A read-modify-write: reads, runs {@code between} (where a holder may stall), and writes the value
     * read plus one. Returns whether the write was accepted.
     */
    public boolean increment(long token, Runnable between) {
        OptionalLong read = read(token);
        if (read.isEmpty()) {
            return false;
        }
        between.run();
        return write(token, read.getAsLong() + 1);
    }

    /** The current value. */
    public synchronized long value() {
        return value;
    }

    /** How many writes were accepted. */
    public synchronized int accepted() {
        return accepted;
    }

    /** The rejected accesses, e.g. {@code "write of 3 with token 5 < 6"}. */
    public synchronized List<String> rejected() {
        return List.copyOf(rejected);
    }

    /**
     * For a register used only through {@link #increment}: a violation if the value differs from the
     * number of accepted writes, that is, if an accepted increment overwrote another.
     */
    public synchronized Optional<Violation> lostUpdates() {
        if (value == accepted) {
            return Optional.empty();
        }
        return Optional.of(new Violation("lost update: " + accepted + " increments were accepted but the counter reads "
                + value + " (rejected: " + rejected.size() + ")", List.of()));
    }

    private boolean stale(long token, String what) {
        if (token < highest) {
            rejected.add(what + " with token " + token + " < " + highest);
            return true;
        }
        highest = token;
        return false;
    }
}
