package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One participant of a {@link RefServer}: forwards to the server, can be killed (a crash), may run
 * ahead of or behind the true wall clock, and may carry one of the client-side defects of
 * {@link Mutant}. Thread-safe.
 */
final class RefDriver implements LockDriver {
    enum Defect { NONE, IGNORES_INTERRUPT, GHOST_AFTER_TIMEOUT }

    private final RefServer server;
    private final Set<Capability> capabilities;
    private final long skewMillis;
    private final Defect defect;
    private volatile boolean dead;

    RefDriver(RefServer server, Set<Capability> capabilities, long skewMillis, Defect defect) {
        this.server = server;
        this.capabilities = capabilities;
        this.skewMillis = skewMillis;
        this.defect = defect;
    }

    /** This participant's wall clock. */
    long wallMillis() {
        return System.currentTimeMillis() + skewMillis;
    }

    void kill() {
        dead = true;
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
        checkAlive();
        if (defect == Defect.IGNORES_INTERRUPT) {
            return acquireUninterruptibly(name, token, leaseMillis, waitNanos);
        }
        Grant grant = server.acquire(this, name, token, leaseMillis, waitNanos);
        if (grant == null && defect == Defect.GHOST_AFTER_TIMEOUT) {
            Thread ghost = new Thread(() -> {
                try {
                    server.acquire(this, name, token, leaseMillis, TimeUnit.SECONDS.toNanos(30));
                } catch (InterruptedException ignored) {
                    // the ghost gives up
                }
            }, "ghost-acquisition");
            ghost.setDaemon(true);
            ghost.start();
        }
        return grant;
    }

    @Override
    public boolean extend(String name, String token, long leaseMillis) {
        checkAlive();
        return server.extend(name, token, leaseMillis);
    }

    @Override
    public boolean release(String name, String token) {
        checkAlive();
        return server.release(name, token);
    }

    @Override
    public void close() {
        // the server belongs to the harness
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

    private void checkAlive() {
        if (dead) {
            throw new LockUnavailableException("reference participant crashed (simulated)");
        }
    }
}
