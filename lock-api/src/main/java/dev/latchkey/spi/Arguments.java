package dev.latchkey.spi;

import org.jspecify.annotations.Nullable;
import dev.latchkey.Locks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The argument checks every backend applies, so that a bad argument fails at once, the same way,
 * with a message naming the argument. Stateless and thread-safe.
 */
public final class Arguments {
    private Arguments() {
    }

    /** Checks a lock name: not null, not blank, at most {@link Locks#MAX_NAME_BYTES} UTF-8 bytes. */
    public static String name(@Nullable String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty or blank");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > Locks.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("name is " + bytes + " bytes in UTF-8; the limit is " + Locks.MAX_NAME_BYTES);
        }
        return name;
    }

    /** Checks a lease and returns it in whole milliseconds: at least 1 ms, at most {@link Locks#MAX_LEASE}. */
    public static long leaseMillis(@Nullable Duration lease) {
        if (lease == null) {
            throw new IllegalArgumentException("lease must not be null");
        }
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive, was " + lease);
        }
        if (lease.compareTo(Locks.MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lease " + lease + " exceeds the maximum " + Locks.MAX_LEASE + "; renew instead");
        }
        if (lease.toMillis() < 1) {
            throw new IllegalArgumentException("lease must be at least 1 ms, was " + lease);
        }
        return lease.toMillis();
    }

    /** Checks a wait and returns it in nanoseconds, saturating at {@link Long#MAX_VALUE} (no limit). */
    public static long waitNanos(@Nullable Duration wait) {
        if (wait == null) {
            throw new IllegalArgumentException("wait must not be null");
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative, was " + wait);
        }
        try {
            return wait.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
