package dev.latchkey.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every {@code lockctl} command, shown by {@code --help}. Constants only. */
final class ExitCodes {
    /** The command did what was asked and every check passed. */
    static final int OK = 0;
    /**
     * A check failed (a declared capability, a demo violation), the user declined a confirmation, or a
     * lock was lost or not obtained in time.
     */
    static final int CHECK_FAILED = 1;
    /** Bad arguments: unknown option or scheme, bad duration or URI, an operation the backend lacks. */
    static final int USAGE = 2;
    /** The backend (or the embedded Redis, or the benchmark jar) could not be reached or started. */
    static final int UNREACHABLE = 3;
    /** A bug in lockctl or a backend: an unexpected exception, printed with its stack trace. */
    static final int INTERNAL = 4;

    private ExitCodes() {
    }

    /** For picocli's {@code exitCodeList}: key is the code, value its meaning. */
    static Map<String, String> help() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(" " + OK, "ok");
        m.put(" " + CHECK_FAILED, "check failed (a declared capability failed, a demo violation), confirmation declined, "
                + "or a lock lost or not obtained in time");
        m.put(" " + USAGE, "usage error (bad option, duration, URI or scheme; unsupported by the backend)");
        m.put(" " + UNREACHABLE, "backend unreachable (or embedded Redis / benchmark jar unavailable)");
        m.put(" " + INTERNAL, "internal error (unexpected exception; stack trace on stderr)");
        return m;
    }
}
