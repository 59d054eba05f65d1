package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import dev.latchkey.spi.Grant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * Deliberately broken locks, each the {@link RefServer reference} with one defect, each declaring
 * the capabilities the correct version has, and each with the rule that must turn red on it.
 */
enum Mutant {
    RACY_ACQUIRE("MX-06", "checks that the lock is free and takes it in two steps, so racers both take it"),
    DELETE_WITHOUT_OWNER_CHECK("OW-01", "releases whoever holds the lock (a plain DEL)"),
    NEVER_EXPIRES("LE-02", "ignores the lease: a hold lasts until released"),
    EXPIRES_EARLY("LE-01", "expires holds after half their lease"),
    PER_CLIENT_TOKENS("FE-01", "counts fencing tokens per client instead of per lock name"),
    RESURRECTING_EXTEND("RN-04", "an extend of an expired hold takes the lock again"),
    UNCHECKED_EXTEND("OW-02", "extends whoever holds the lock"),
    LOST_WAKE_UP("NP-01", "never signals waiters: they wake when the holder's lease or their own wait runs out"),
    POLLING("NP-01", "waiters are never signalled and poll every 200 ms (the article's loop)"),
    UNINTERRUPTIBLE("IR-01", "swallows interrupts while waiting"),
    GHOST_ACQUISITION("TO-02", "a timed wait that gave up keeps trying in the background"),
    NON_REENTRANT_VIEW("RE-01", "declares REENTRANT, but its Lock view blocks its own holder"),
    LIFO_QUEUE("FR-01", "grants waiters in reverse arrival order"),
    CLIENT_CLOCK_EXPIRY("CS-01", "decides expiry by comparing the holder's and the caller's wall clocks (the article's timestamps)"),
    GETSET_TAKEOVER("LE-06", "takes over an expired lock with a GETSET: every loser overwrites the winner's expiry with its own"),
    SLOW_TIMEOUT("TO-01", "a timed wait goes on for twice as long as asked before it gives up"),
    SLOW_ZERO_WAIT("TO-04", "an immediate attempt sleeps 100 ms first"),
    GHOST_ACQUISITION_RACE("TO-05", "a timed wait that gave up keeps trying in the background, so a hand-off racing its timeout goes to a ghost"),
    GHOST_AFTER_CANCEL("AS-03", "a cancelled (interrupted) wait goes on in the background and takes the lock later"),
    LONG_EXTEND("RN-01", "an extension keeps one and a half times the lease asked for"),
    EXTEND_NOT_APPLIED("RN-05", "an extension answers yes but leaves the expiry where it was"),
    INTERRUPT_BREAKS_RELEASE("IR-04", "a release or unlock on an interrupted thread fails and leaves the lock held"),
    MEASURES_FROM_REPLY("LG-01", "measures a grant's lease from when its reply arrived, not from when its request left"),
    RESTAMPS_GRANTS("LG-02", "a layer under the engine stamps each grant when its reply arrives, so a late reply looks fresh"),
    LYING_INSPECT("AD-01", "inspect reports twice the remaining lease"),
    NOOP_FORCE_RELEASE("AD-02", "forceRelease answers true and frees nothing"),
    BARGING("FR-03", "declares FAIR, but an immediate attempt takes a free lock ahead of the queue"),
    CLOSE_KEEPS_HOLDS("CL-01", "closing a client gives none of its locks back"),
    FORGETS_IDLE_WAITERS("CL-02", "loses the wake-up of a lock that had been idle for a second, as a dropped idle subscription would"),
    HANDOFF_KEEPS_PREVIOUS_LEASE("LE-07", "a waiter handed the lock gets the lease of the hold it waited behind, not its own, so a lock handed to"
            + " a waiter that crashed stays held for the releaser's lease"),
    PASSES_TO_DEPARTED("TO-06", "hands the lock from thread to thread within a client, but a thread whose wait ended stays in line and a"
            + " release passes the lock to it");

    final String target;
    final String defect;

    Mutant(String target, String defect) {
        this.target = target;
        this.defect = defect;
    }

    RefHarness harness() {
        Set<Capability> all = EnumSet.allOf(Capability.class);
        String label = "mutant-" + name();
        switch (this) {
            case UNINTERRUPTIBLE:
                return driverDefect(label, all, RefDriver.Defect.IGNORES_INTERRUPT);
            case GHOST_ACQUISITION:
            case GHOST_ACQUISITION_RACE:
                return driverDefect(label, all, RefDriver.Defect.GHOST_AFTER_TIMEOUT);
            case SLOW_TIMEOUT:
                return driverDefect(label, all, RefDriver.Defect.SLOW_TIMEOUT);
            case SLOW_ZERO_WAIT:
                return driverDefect(label, all, RefDriver.Defect.SLOW_ZERO_WAIT);
            case GHOST_AFTER_CANCEL:
                return driverDefect(label, all, RefDriver.Defect.GHOST_AFTER_CANCEL);
            case MEASURES_FROM_REPLY:
                return driverDefect(label, all, RefDriver.Defect.MEASURES_FROM_REPLY);
            case PASSES_TO_DEPARTED:
                return driverDefect(label, all, RefDriver.Defect.PASSES_TO_DEPARTED);
            case NON_REENTRANT_VIEW:
                return clientDefect(label, all, RefHarness.ClientDefect.NON_REENTRANT_VIEW);
            case INTERRUPT_BREAKS_RELEASE:
                return clientDefect(label, all, RefHarness.ClientDefect.INTERRUPT_BREAKS_RELEASE);
            case CLOSE_KEEPS_HOLDS:
                return clientDefect(label, all, RefHarness.ClientDefect.CLOSE_KEEPS_HOLDS);
            case RESTAMPS_GRANTS:
                return clientDefect(label, all, RefHarness.ClientDefect.RESTAMPS_GRANTS);
            case GETSET_TAKEOVER:
                all.remove(Capability.FAIR); // the article's lock has no queue
                return new RefHarness(label, server(), all, RefDriver.Defect.NONE, RefHarness.ClientDefect.NONE);
            default:
                return new RefHarness(label, server(), all, RefDriver.Defect.NONE, RefHarness.ClientDefect.NONE);
        }
    }

    private static RefHarness driverDefect(String label, Set<Capability> all, RefDriver.Defect defect) {
        return new RefHarness(label, new RefServer(true), all, defect, RefHarness.ClientDefect.NONE);
    }

    private static RefHarness clientDefect(String label, Set<Capability> all, RefHarness.ClientDefect defect) {
        return new RefHarness(label, new RefServer(true), all, RefDriver.Defect.NONE, defect);
    }

    private RefServer server() {
        switch (this) {
            case RACY_ACQUIRE:
                return new RefServer(true) {
                    @Override
                    Grant take(Entry e, RefDriver caller, String token, long leaseMillis) throws InterruptedException {
                        gap(this); // between the GET that saw it free and the SET
                        return super.take(e, caller, token, leaseMillis);
                    }
                };
            case DELETE_WITHOUT_OWNER_CHECK:
                return new RefServer(true) {
                    @Override
                    boolean ownsForRelease(Entry e, String token) {
                        owns(e, token); // expires a stale hold
                        return e.holder != null;
                    }
                };
            case NEVER_EXPIRES:
                return new RefServer(true) {
                    @Override
                    long lifetimeNanos(long leaseMillis) {
                        return TimeUnit.DAYS.toNanos(1);
                    }
                };
            case EXPIRES_EARLY:
                return new RefServer(true) {
                    @Override
                    long lifetimeNanos(long leaseMillis) {
                        return TimeUnit.MILLISECONDS.toNanos(leaseMillis) / 2;
                    }
                };
            case PER_CLIENT_TOKENS:
                return new RefServer(true) {
                    private final Map<RefDriver, Long> counters = new HashMap<>();

                    @Override
                    long nextToken(Entry e, RefDriver caller) {
                        return counters.merge(caller, 1L, Long::sum);
                    }
                };
            case RESURRECTING_EXTEND:
                return new RefServer(true) {
                    @Override
                    boolean ownsForExtend(Entry e, String token) {
                        if (!owns(e, token) && e.holder == null) {
                            e.holder = token;
                        }
                        return token.equals(e.holder);
                    }
                };
            case UNCHECKED_EXTEND:
                return new RefServer(true) {
                    @Override
                    boolean ownsForExtend(Entry e, String token) {
                        owns(e, token);
                        return e.holder != null;
                    }
                };
            case LOST_WAKE_UP:
                return new RefServer(true) {
                    @Override
                    void wake(Entry e) {
                    }
                };
            case POLLING:
                return new RefServer(true) {
                    @Override
                    void wake(Entry e) {
                    }

                    @Override
                    void await(Condition me, long nanos) throws InterruptedException {
                        me.awaitNanos(Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(200)));
                    }
                };
            case LIFO_QUEUE:
                return new RefServer(true) {
                    @Override
                    Condition nextInLine(Entry e) {
                        return e.queue.peekLast();
                    }
                };
            case CLIENT_CLOCK_EXPIRY:
                return new RefServer(true) {
                    @Override
                    boolean expired(Entry e, RefDriver caller, long now) {
                        return caller.wallMillis() >= e.wallExpiresAt;
                    }
                };
            case GETSET_TAKEOVER:
                return new RefServer(false) {
                    @Override
                    Grant tryGrant(Entry e, RefDriver caller, String token, long leaseMillis, Condition me) throws InterruptedException {
                        if (e.holder == null) {
                            return take(e, caller, token, leaseMillis); // SETNX on a free lock
                        }
                        if (System.nanoTime() - e.expiresAt < 0) {
                            return null; // GET: not expired yet
                        }
                        gap(this); // between the GET that saw it expired and the GETSET
                        long now = System.nanoTime();
                        long old = e.expiresAt;
                        e.expiresAt = now + TimeUnit.MILLISECONDS.toNanos(leaseMillis); // GETSET writes, win or lose
                        if (now - old < 0) {
                            return null; // someone else's GETSET came first: lost, but the expiry is overwritten
                        }
                        e.holder = token;
                        return new Grant(nextToken(e, caller), now);
                    }
                };
            case LONG_EXTEND:
                return new RefServer(true) {
                    @Override
                    long extendedExpiry(Entry e, long leaseMillis) {
                        return System.nanoTime() + lifetimeNanos(leaseMillis) * 3 / 2;
                    }
                };
            case EXTEND_NOT_APPLIED:
                return new RefServer(true) {
                    @Override
                    long extendedExpiry(Entry e, long leaseMillis) {
                        return e.expiresAt;
                    }
                };
            case LYING_INSPECT:
                return new RefServer(true) {
                    @Override
                    LockInfo reportInfo(LockInfo truth) {
                        return new LockInfo(truth.name(), truth.holder(), truth.fencingToken(), truth.remaining().multipliedBy(2), truth.waiters());
                    }
                };
            case NOOP_FORCE_RELEASE:
                return new RefServer(true) {
                    @Override
                    void forceFree(Entry e) {
                    }
                };
            case BARGING:
                return new RefServer(true) {
                    @Override
                    Grant tryGrant(Entry e, RefDriver caller, String token, long leaseMillis, Condition me) throws InterruptedException {
                        if (e.holder != null && expired(e, caller, System.nanoTime())) {
                            e.holder = null;
                        }
                        if (e.holder != null || me != null && !e.queue.isEmpty() && nextInLine(e) != me) {
                            return null; // only queued waiters respect the queue: a newcomer barges in
                        }
                        return take(e, caller, token, leaseMillis);
                    }
                };
            case HANDOFF_KEEPS_PREVIOUS_LEASE:
                return new RefServer(true) {
                    @Override
                    Grant tryGrant(Entry e, RefDriver caller, String token, long leaseMillis, Condition me) throws InterruptedException {
                        return super.tryGrant(e, caller, token, me != null && e.leaseMillis > 0 ? e.leaseMillis : leaseMillis, me);
                    }
                };
            case FORGETS_IDLE_WAITERS:
                return new RefServer(true) {
                    @Override
                    void wake(Entry e) {
                        if (e.idleBeforeHold < TimeUnit.SECONDS.toNanos(1)) {
                            super.wake(e);
                        }
                    }
                };
            default:
                throw new IllegalStateException(name() + " needs no server of its own");
        }
    }

    /** Leaves the monitor for a millisecond: the round trip between two commands of a non-atomic algorithm. */
    private static void gap(RefServer server) throws InterruptedException {
        server.monitor.unlock();
        try {
            Thread.sleep(1);
        } finally {
            server.monitor.lock();
        }
    }
}
