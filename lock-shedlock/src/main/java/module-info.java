/**
 * A ShedLock {@code LockProvider} over any Latchkey {@link dev.latchkey.LockClient}:
 * {@link dev.latchkey.shedlock.LatchkeyLockProvider}.
 */
module dev.latchkey.shedlock {
    requires transitive dev.latchkey.api;
    requires transitive net.javacrumbs.shedlock.core;

    exports dev.latchkey.shedlock;
}
