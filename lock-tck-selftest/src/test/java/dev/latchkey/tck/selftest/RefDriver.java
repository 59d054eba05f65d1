package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.LockInfo;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEnvironment;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One participant of a {@link RefServer}: forwards to the server, reads its wall clock and ticker from
 * its {@link LockEnvironment} (so the TCK can skew them), and may carry one of the client-side defects
 * of {@link Mutant}. Thread-safe.
 */
final class RefDriver implements LockDriver {
    enum Defect {
        NONE,
        IGNORES_INTERRUPT,
        GHOST_AFTER_TIMEOUT,
        /** A timed wait goes on for twice as long as asked before giving up. */
        SLOW_TIMEOUT,
        /** A zero wait sleeps 100 ms before its single attempt. */
        SLOW_ZERO_WAIT,
        /** An interrupted (cancelled) wait goes on in the background and takes the lock later. */
        GHOST_AFTER_CANCEL,
        /** Reports a grant as if its request had been sent when the reply arrived. */
        MEASURES_FROM_REPLY,
        /**
         * Hands the lock from a releasing thread to a waiting thread of the same client in one step (local
         * cohorting), but a waiter whose wait ended stays in the hand-off queue, so a release passes the
         * lock to a thread that has left.
         */
        PASSES_TO_DEPARTED
    }

    /** Waiters of this client, by lock name, that a release may pass the lock to: token and lease (PASSES_TO_DEPARTED). */
    private final Map<String, Deque<Map.Entry<String, Long>>> locals = new ConcurrentHashMap<>();

    private final RefServer server;
    private final Set<Capability> capabilities;
    private final LockEnvironment env;
    private final Defect defect;

    RefDriver(RefServer server, Set<Capability> capabilities, LockEnvironment env, Defect defect) {
        this.server = server;
        this.capabilities = capabilities;
        this.env = env;
        this.defect = defect;
    }

    /** This participant's wall clock. */
    long wallMillis() {
        return env.clock().millis();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public String describe() {
        return "tck reference driver";
    }

    @Override
    public Grant acquire(String name, String token, long leaseMillis, long waitNanos) throws InterruptedException {
        switch (defect) {
            case IGNORES_INTERRUPT:
                return acquireUninterruptibly(name, token, leaseMillis, waitNanos);
            case SLOW_TIMEOUT:
                if (waitNanos > 0 && waitNanos != Long.MAX_VALUE) {
                    Grant grant = server.acquire(this, name, token, leaseMillis, 2 * waitNanos);
                    return grant;
                }
                break;
            case SLOW_ZERO_WAIT:
                if (waitNanos == 0) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                break;
            case GHOST_AFTER_CANCEL:
                try {
                    return server.acquire(this, name, token, leaseMillis, waitNanos);
                } catch (InterruptedException e) {
                    ghost(name, token, leaseMillis);
                    throw e;
                }
            case PASSES_TO_DEPARTED: {
                Deque<Map.Entry<String, Long>> queue = locals.computeIfAbsent(name, n -> new ConcurrentLinkedDeque<>());
                Map.Entry<String, Long> me = Map.entry(token, leaseMillis);
                if (waitNanos > 0) {
                    queue.add(me);
                }
                Grant grant = server.acquire(this, name, token, leaseMillis, waitNanos);
                if (grant != null) {
                    queue.remove(me); // the defect: a waiter that gave up stays queued
                }
                return grant;
            }
            case MEASURES_FROM_REPLY: {
                Grant grant = server.acquire(this, name, token, leaseMillis, waitNanos);
                return grant == null ? null : new Grant(grant.fencingToken(), env.ticker().nanoTime());
            }
            default:
                break;
        }
        Grant grant = server.acquire(this, name, token, leaseMillis, waitNanos);
        if (grant == null && defect == Defect.GHOST_AFTER_TIMEOUT) {
            ghost(name, token, leaseMillis);
        }
        return grant;
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        return server.extend(name, token, leaseMillis);
    }

    @Override
    public boolean release(String name, String token) {
        Deque<Map.Entry<String, Long>> queue = defect == Defect.PASSES_TO_DEPARTED ? locals.get(name) : null;
        Map.Entry<String, Long> next = queue == null ? null : queue.poll();
        if (next != null) {
            try {
                return server.pass(this, name, token, next.getKey(), next.getValue());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockUnavailableException("interrupted while passing the lock");
            }
        }
        return server.release(name, token);
    }

    @Override
    public Optional<LockInfo> inspect(String name) {
        return Optional.of(server.inspect(name));
    }

    @Override
    public boolean forceRelease(String name) {
        return server.forceRelease(name);
    }

    @Override
    public void close() {
        // the server belongs to the harness
    }

    /** An acquisition that goes on in the background after its caller has given up. */
    private void ghost(String name, String token, long leaseMillis) {
        Thread ghost = new Thread(() -> {
            try {
                server.acquire(this, name, token + ":ghost", leaseMillis, TimeUnit.SECONDS.toNanos(30));
            } catch (InterruptedException ignored) {
                // the ghost gives up
            }
        }, "ghost-acquisition");
        ghost.setDaemon(true);
        ghost.start();
    }

    private Grant acquireUninterruptibly(String name, String token, long leaseMillis, long waitNanos) {
        long end = System.nanoTime() + waitNanos;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    long left = waitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, end - System.nanoTime());
                    return server.acquire(this, name, token, leaseMillis, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
