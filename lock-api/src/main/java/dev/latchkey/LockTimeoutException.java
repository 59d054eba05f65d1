package dev.latchkey;

import java.time.Duration;

/** An acquisition gave up after its wait time; nothing is held. */
public class LockTimeoutException extends LockException {
    private static final long serialVersionUID = 1L;

    public LockTimeoutException(String lockName, Duration waited) {
        super("timed out after " + waited.toMillis() + " ms waiting for lock '" + lockName + "'");
    }
}
