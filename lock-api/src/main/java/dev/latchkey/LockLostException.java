package dev.latchkey;

import org.jspecify.annotations.Nullable;

/**
 * The hold behind a {@link Lease} ended before its holder released it: it expired, a renewal
 * failed, or another participant took the lock over. Work done under the lease after this
 * point was not protected. A release or extend that reports this never touched anyone else's hold.
 */
public class LockLostException extends LockException {
    private static final long serialVersionUID = 1L;

    private final String lockName;

    public LockLostException(String lockName, String message) {
        super("lock '" + lockName + "' lost: " + message);
        this.lockName = lockName;
    }

    public LockLostException(String lockName, String message, @Nullable Throwable cause) {
        super("lock '" + lockName + "' lost: " + message, cause);
        this.lockName = lockName;
    }

    /** The name of the lock that was lost. */
    public String lockName() {
        return lockName;
    }
}
