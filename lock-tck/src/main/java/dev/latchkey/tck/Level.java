package dev.latchkey.tck;

/** How a rule's result is to be read. Immutable and thread-safe. */
public enum Level {
    /** A deterministic consequence of the capability it checks: every backend claiming that capability passes it. */
    REQUIRED,
    /** As {@link #REQUIRED}, but needs a fault that the harness may not be able to inject; skipped, with the reason, when it cannot. */
    OPTIONAL,
    /** A bounded randomized search (races, recorded histories): a FAIL is a real counterexample, a PASS is evidence, not proof. */
    STOCHASTIC
}
