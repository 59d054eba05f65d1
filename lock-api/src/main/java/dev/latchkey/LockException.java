package dev.latchkey;

import org.jspecify.annotations.Nullable;

/**
 * Base of Latchkey's unchecked exceptions. Immutable once thrown.
 */
public class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LockException(String message) {
        super(message);
    }

    public LockException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
