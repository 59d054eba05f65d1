package dev.latchkey;

import org.jspecify.annotations.Nullable;

/**
 * The backend could not be reached or refused the call (connection lost, server error,
 * authentication, a read-only replica). The outcome of the call that failed is unknown to the
 * client; Latchkey never assumes it succeeded. A failed acquisition holds nothing that the
 * caller can see; a failed release may be retried.
 */
public class LockUnavailableException extends LockException {
    private static final long serialVersionUID = 1L;

    public LockUnavailableException(String message) {
        super(message);
    }

    public LockUnavailableException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
