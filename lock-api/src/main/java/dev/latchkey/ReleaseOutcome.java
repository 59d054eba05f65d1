package dev.latchkey;

/**
 * What {@link Lease#release()} did. A hold lost before release is not an outcome but a
 * {@link LockLostException}, so that it cannot be ignored by accident.
 */
public enum ReleaseOutcome {
    /** This call ended the hold. */
    RELEASED,
    /** An earlier call on this lease already ended the hold (for example a retried release whose first reply was lost). */
    ALREADY_RELEASED
}
