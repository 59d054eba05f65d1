package dev.latchkey.cli;

import dev.latchkey.LockLostException;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.LockUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The exit codes of every {@code lockctl} command, shown by {@code --help}, and how a failure maps
 * to one (picocli's {@link CommandLine.IExitCodeExceptionMapper}). A backend that cannot serve is
 * told apart by {@link LockUnavailableException#reason()}. Stateless.
 */
final class ExitCodes {
    /** The command did what was asked and every check passed. */
    static final int OK = 0;
    /**
     * A check failed (a declared capability, a demo violation, a skipped rule under {@code tck --strict}),
     * the user declined a confirmation, or a lock was lost or not obtained in time.
     */
    static final int CHECK_FAILED = 1;
    /** Bad arguments: unknown option or scheme, a value out of range, an operation the backend lacks. */
    static final int USAGE = 2;
    /**
     * The backend does not answer (connection refused or cut, timeout), or cannot serve now (loading, a
     * read-only replica, a failover); the embedded redis-server or the benchmarks jar is unavailable.
     */
    static final int UNREACHABLE = 3;
    /** The backend answered and refused: authentication, no such database, out of memory, no permission, another server error. */
    static final int REFUSED = 4;
    /** TLS: the handshake failed, or one side spoke TLS and the other plain text. */
    static final int TLS = 5;
    /** A bug in lockctl or a backend: an unexpected exception, printed with its stack trace. */
    static final int INTERNAL = 6;

    private ExitCodes() {
    }

    /** For picocli's {@code exitCodeList}: key is the code, value its meaning. */
    static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(" " + OK, "ok");
        m.put(" " + CHECK_FAILED, "check failed (a declared capability, a demo violation, a skipped rule under "
                + "--strict), confirmation declined, or a lock lost or not obtained in time");
        m.put(" " + USAGE, "usage error (bad option, value out of range, bad URI or scheme; unsupported by the backend)");
        m.put(" " + UNREACHABLE, "backend unreachable or not ready (or the embedded redis-server / benchmarks jar unavailable)");
        m.put(" " + REFUSED, "backend refused (authentication, no such database, out of memory, server error)");
        m.put(" " + TLS, "TLS mismatch or handshake failure");
        m.put(" " + INTERNAL, "internal error (unexpected exception; stack trace on stderr)");
        return m;
    }

    /** The exit code for a backend that cannot serve, by its reason. */
    static int of(LockUnavailableException.Reason reason) {
        switch (reason) {
            case REFUSED:
            case SERVER_ERROR:
                return REFUSED;
            case TLS:
                return TLS;
            default:
                return UNREACHABLE;
        }
    }

    /** What a backend that cannot serve is called in messages, by its reason. */
    static String describe(LockUnavailableException.Reason reason) {
        switch (reason) {
            case REFUSED:
                return "backend refused";
            case SERVER_ERROR:
                return "backend error";
            case TLS:
                return "TLS mismatch";
            case NOT_READY:
                return "backend not ready";
            default:
                return "backend unreachable";
        }
    }

    /** The exit code for anything a command threw: the first cause in the chain that has one, else {@link #INTERNAL}. */
    static int of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CliException c) {
                return c.exitCode;
            }
            if (t instanceof CommandLine.ParameterException) {
                return USAGE;
            }
            if (t instanceof LockUnavailableException u) {
                return of(u.reason());
            }
            if (t instanceof LockLostException || t instanceof LockTimeoutException) {
                return CHECK_FAILED;
            }
        }
        return e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException ? USAGE : INTERNAL;
    }

    /** The one-line message for anything a command threw, matching {@link #of(Throwable)}. */
    static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CliException || t instanceof CommandLine.ParameterException
                    || t instanceof LockLostException || t instanceof LockTimeoutException) {
                return t.getMessage();
            }
            if (t instanceof LockUnavailableException u) {
                return describe(u.reason()) + ": " + u.getMessage();
            }
        }
        return of(e) == USAGE ? String.valueOf(e.getMessage()) : "internal error: " + e;
    }
}
