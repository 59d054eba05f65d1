package dev.latchkey;

import java.util.EnumSet;
import java.util.Set;

/**
 * A guarantee a backend may declare. The conformance kit (lock-tck) checks every declared
 * capability and probes every undeclared one, so a backend's matrix row says what it really does.
 *
 * <p>Immutable and thread-safe.
 */
public enum Capability {
    /** At most one valid lease per lock name at any instant. */
    MUTUAL_EXCLUSION,
    /** A lease that is neither released nor renewed ends by itself after its lease time. */
    LEASE_EXPIRY,
    /** A release or extend by anyone but the current holder never frees or prolongs the hold. */
    OWNER_SAFE_RELEASE,
    /** Leases can be renewed automatically while held; implies {@link #LEASE_EXPIRY}. */
    LEASE_RENEWAL,
    /** Every lease carries a fencing token that strictly increases per lock name. */
    FENCING_TOKENS,
    /** The {@link java.util.concurrent.locks.Lock} view may be re-entered by its holding thread. */
    REENTRANT,
    /** Waiters are granted the lock in arrival order. */
    FAIR,
    /** A blocked acquisition responds to {@link Thread#interrupt()} promptly. */
    INTERRUPTIBLE,
    /** Acquisition is available as a {@link java.util.concurrent.CompletionStage}; cancelling leaves nothing held. */
    ASYNC,
    /** Expiry does not depend on the participants' clocks agreeing. */
    CLOCK_INDEPENDENT,
    /** Waiters are woken by a release instead of polling on a timer. */
    NO_POLLING,
    /**
     * The operator's calls tell the truth: {@link dev.latchkey.LockClient#inspect} reports the holder,
     * the last fencing token and the remaining lease, and {@link dev.latchkey.LockClient#forceRelease}
     * frees a held lock (waking a waiter) and answers whether it did.
     */
    ADMIN,
    /**
     * Exclusion, fencing and loss reporting survive a failover of a replicated backend (a replica
     * promoted after the primary died): a grant, extension or release counts only once the replicas
     * the backend waits for have it, so a promoted replica never forgets one.
     */
    FAILOVER_SAFE;

    /** The capabilities this one implies, itself included. */
    public Set<Capability> implied() {
        EnumSet<Capability> out = EnumSet.of(this);
        if (this == LEASE_RENEWAL) {
            out.add(LEASE_EXPIRY);
        }
        if (this == FAIR) {
            out.add(MUTUAL_EXCLUSION);
        }
        return out;
    }

    /** The given set closed under {@link #implied()}. */
    public static Set<Capability> closure(Set<Capability> declared) {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        for (Capability c : declared) {
            out.addAll(c.implied());
        }
        return out;
    }
}
