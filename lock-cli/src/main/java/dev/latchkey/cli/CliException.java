package dev.latchkey.cli;

/**
 * A failure with a message for the user and the exit code to end with (see {@link ExitCodes}).
 * Thrown by commands, turned into a one-line message by {@link Lockctl}. Immutable.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }
}
