package dev.latchkey;

import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of one lock as the backend sees it, for operators ({@code lockctl inspect}).
 *
 * @param name         the lock name
 * @param holder       the current holder's token, or {@code null} when free
 * @param fencingToken the last fencing token granted for this name, or 0 if none / unsupported
 * @param remaining    the remaining lease of the current hold, or {@link Duration#ZERO} when free
 * @param waiters      the number of known waiters, or -1 when the backend cannot tell
 */
public record LockInfo(String name, @Nullable String holder, long fencingToken, Duration remaining, int waiters) {
    public LockInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(remaining, "remaining");
    }

    /** Whether someone holds the lock. */
    public boolean isHeld() {
        return holder != null;
    }
}
