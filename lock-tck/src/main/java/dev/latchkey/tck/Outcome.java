package dev.latchkey.tck;

/** The result of one rule for one backend. Immutable and thread-safe. */
public enum Outcome {
    /** The backend claims the capability and the rule held. */
    PASS,
    /** The backend claims the capability and the rule was broken. Never turned into a skip. */
    FAIL,
    /** The rule could not run: a fault the harness cannot inject, or a precondition the backend did not meet. */
    SKIPPED,
    /** The backend does not claim the capability; the rule was probed and held this time. */
    OBSERVED_SAFE,
    /** The backend does not claim the capability; the rule was probed and broken (the message has the evidence). */
    OBSERVED_UNSAFE,
    /**
     * The backend failed in a way the rule did not provoke (out of memory, a refused login, unreachable):
     * no verdict either way. The message has the cause.
     */
    ERROR
}
