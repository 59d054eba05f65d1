package dev.latchkey;

import org.jspecify.annotations.Nullable;

/**
 * The backend could not be reached or refused the call (connection lost, server error,
 * authentication, a read-only replica). The outcome of the call that failed is unknown to the
 * client; Latchkey never assumes it succeeded. A failed acquisition holds nothing that the
 * caller can see; a failed release may be retried. {@link #reason()} says which kind of trouble it
 * is, for tools and operators that act on it differently.
 */
public class LockUnavailableException extends LockException {
    private static final long serialVersionUID = 1L;

    /** Which kind of trouble: what an operator would do about it differs. */
    public enum Reason {
        /** Nothing answered, or the connection was cut or timed out: check the address and the network. */
        UNREACHABLE,
        /** The server answered and said no: wrong credentials, no such database, out of memory, no permission. */
        REFUSED,
        /** The TLS handshake failed, or one side spoke TLS and the other plain text. */
        TLS,
        /** The server is there but cannot serve now: loading, a read-only replica, a failover in progress. */
        NOT_READY,
        /** Any other error the server returned. */
        SERVER_ERROR
    }

    private final Reason reason;

    /** An {@link Reason#UNREACHABLE} backend. */
    public LockUnavailableException(String message) {
        this(message, Reason.UNREACHABLE, null);
    }

    /** An {@link Reason#UNREACHABLE} backend. */
    public LockUnavailableException(String message, @Nullable Throwable cause) {
        this(message, Reason.UNREACHABLE, cause);
    }

    public LockUnavailableException(String message, Reason reason, @Nullable Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Which kind of trouble this is. */
    public Reason reason() {
        return reason;
    }
}
