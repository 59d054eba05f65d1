package dev.latchkey.redis.common;

import dev.latchkey.LockException;
import dev.latchkey.LockUnavailableException;
import java.util.Locale;

/**
 * Translates the clients' exceptions into the API's: connection problems, timeouts and server
 * errors (READONLY, OOM, NOAUTH, WRONGPASS, LOADING, MASTERDOWN, CLUSTERDOWN, ...) become
 * {@link LockUnavailableException} with a message that says what happened and where.
 * Stateless and thread-safe.
 */
public final class RedisErrors {
    private RedisErrors() {
    }

    /** A {@link LockException} for a client exception raised while doing {@code what} against {@code where}. */
    public static LockException translate(RuntimeException e, String what, String where) {
        if (e instanceof LockException) {
            return (LockException) e;
        }
        String msg = String.valueOf(e.getMessage());
        String upper = msg.toUpperCase(Locale.ROOT);
        String hint;
        if (upper.startsWith("READONLY")) {
            hint = "the server is a read-only replica (failover in progress?)";
        } else if (upper.startsWith("OOM")) {
            hint = "the server is out of memory (maxmemory reached)";
        } else if (upper.contains("NOAUTH") || upper.contains("WRONGPASS") || upper.contains("AUTH")) {
            hint = "authentication failed: check the password";
        } else if (upper.startsWith("LOADING") || upper.startsWith("MASTERDOWN") || upper.startsWith("CLUSTERDOWN")) {
            hint = "the server is not ready";
        } else if (isConnectionProblem(e)) {
            hint = "the server could not be reached or the connection was cut; the outcome of the call is unknown";
        } else {
            hint = "the server returned an error";
        }
        return new LockUnavailableException("redis " + what + " failed at " + where + ": " + hint + " (" + msg + ")", e);
    }

    /** Whether the server answered NOSCRIPT (the script cache was flushed). */
    public static boolean isNoScript(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains("NOSCRIPT")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.contains("Connection") || name.contains("Timeout") || t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }
}
