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
        // The server's error code may sit in a cause (Lettuce wraps AUTH failures in "Unable to connect")
        // or inside a script error ("ERR Error running script ...: -OOM command not allowed ...").
        String msg = String.valueOf(e.getMessage());
        String codes = serverErrors(e);
        String hint;
        if (codes.contains(" READONLY ")) {
            hint = "the server is a read-only replica (failover in progress?)";
        } else if (codes.contains(" OOM ")) {
            hint = "the server is out of memory (maxmemory reached)";
        } else if (codes.contains(" NOAUTH ") || codes.contains(" WRONGPASS ") || codes.contains(" NOPERM ")
                || codes.contains(" AUTH ")) {
            hint = "authentication failed: check the user and password";
        } else if (codes.contains(" LOADING ") || codes.contains(" MASTERDOWN ") || codes.contains(" CLUSTERDOWN ")
                || codes.contains(" TRYAGAIN ")) {
            hint = "the server is not ready";
        } else if (isConnectionProblem(e)) {
            hint = "the server could not be reached or the connection was cut; the outcome of the call is unknown";
        } else {
            hint = "the server returned an error";
        }
        String detail = msg.equals(rootMessage(e)) ? msg : msg + ": " + rootMessage(e);
        return new LockUnavailableException("redis " + what + " failed at " + where + ": " + hint + " (" + detail + ")", e);
    }

    /** The Redis error codes (upper-case words such as OOM, READONLY, WRONGPASS) found in the messages of the cause chain. */
    private static String serverErrors(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            for (String word : m.split("[^A-Za-z]+")) {
                if (word.length() >= 3 && word.equals(word.toUpperCase(Locale.ROOT))) {
                    out.append(word).append(' ');
                }
            }
        }
        return " " + out;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
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
