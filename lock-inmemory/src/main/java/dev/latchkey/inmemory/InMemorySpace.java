package dev.latchkey.inmemory;

import dev.latchkey.LockClient;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A table of locks shared by the in-memory clients opened on it: the stand-in for a lock server.
 * A space either follows the system clock or a manual one that tests move with {@link #advance}.
 * Thread-safe.
 *
 * <p>On lease loss: expiry is measured on the space's clock; a client that simply stops (see
 * {@link #crash}) loses its holds when their leases run out, like a crashed process.
 *
 * <p>Faults, for tests of what an application does when its lock server or network fails: the
 * space's server can be {@linkplain #pause() paused} and {@linkplain #restart() restarted}, and a
 * participant can be {@linkplain #cut cut off} or {@linkplain #blackhole black-holed} until
 * {@linkplain #restore restored}. See each method for what its calls then see.
 */
public final class InMemorySpace {
    private static final Map<String, InMemorySpace> NAMED = new ConcurrentHashMap<>();

    final LockTable table;
    final Wire wire = new Wire();
    private final AtomicLong manualNanos;

    private InMemorySpace(boolean manualClock) {
        this.manualNanos = manualClock ? new AtomicLong() : null;
        Ticker ticker = manualClock ? manualNanos::get : Ticker.SYSTEM;
        this.table = new LockTable(ticker);
    }

    /** The JVM-wide space with this name (what {@code inmemory:NAME} opens). */
    public static InMemorySpace named(String name) {
        return NAMED.computeIfAbsent(name, n -> new InMemorySpace(false));
    }

    /** A private space on the system clock. */
    public static InMemorySpace create() {
        return new InMemorySpace(false);
    }

    /** A private space whose clock only moves when {@link #advance} is called. */
    public static InMemorySpace withManualClock() {
        return new InMemorySpace(true);
    }

    /** A new participant on this space. */
    public LockClient client(Duration defaultLease, boolean fair) {
        return client(defaultLease, fair, LockEnvironment.SYSTEM);
    }

    /**
     * A new participant on this space, in {@code env}. On a space with a manual clock the participant
     * measures its leases on that clock, whatever {@code env}'s ticker; on the system clock it uses
     * {@code env.ticker()} (so a skewed ticker skews only this participant).
     */
    public LockClient client(Duration defaultLease, boolean fair, LockEnvironment env) {
        LockEnvironment own = manualNanos != null ? env.withTicker(table.ticker) : env;
        InMemoryDriver driver = new InMemoryDriver(this, fair, own.ticker());
        LockClient client = LockEngine.client(driver, defaultLease, own);
        InMemoryDriver.register(client, driver);
        return client;
    }

    /** Moves the manual clock forward and wakes waiters so they see expired leases. */
    public void advance(Duration by) {
        if (manualNanos == null) {
            throw new IllegalStateException("this space follows the system clock");
        }
        if (by.isNegative()) {
            throw new IllegalArgumentException("by must not be negative, was " + by);
        }
        manualNanos.addAndGet(by.toNanos());
        table.wakeAll();
    }

    /**
     * Simulates the sudden death of a participant: from now on its calls fail as if the process were
     * gone, nothing is released or renewed, and its holds end when their leases run out.
     *
     * @throws IllegalArgumentException if the client was not opened on an in-memory space
     */
    public static void crash(LockClient client) {
        InMemoryDriver.of(client).space().set(client, false, false, true);
        client.close();
    }

    /**
     * Freezes the space's server, as SIGSTOP would: requests are still served, but every reply is held
     * until {@link #resume()}, so callers wait; leases keep running out meanwhile.
     */
    public void pause() {
        wire.pause(true);
    }

    /** Ends a {@link #pause()}: the held replies are delivered. */
    public void resume() {
        wire.pause(false);
    }

    /**
     * Restarts the space's server at once: every call under way loses its connection and fails with a
     * {@link dev.latchkey.LockUnavailableException} (whatever the server did for it, so its outcome is
     * unknown to the caller); the locks survive, as on a server that persists every write.
     */
    public void restart() {
        wire.restart();
        table.wakeAll();
    }

    /**
     * Cuts the participant off from its space until {@link #restore}: its calls, and its waits under
     * way, fail at once with a {@link dev.latchkey.LockUnavailableException}.
     *
     * @throws IllegalArgumentException if the client was not opened on an in-memory space
     */
    public static void cut(LockClient client) {
        InMemoryDriver.of(client).space().set(client, true, false, false);
    }

    /**
     * Black-holes the participant's path until {@link #restore}: its new requests are lost, and so are
     * the replies to calls already served; each such call waits until the path is restored and then
     * fails with a {@link dev.latchkey.LockUnavailableException} (its outcome unknown).
     *
     * @throws IllegalArgumentException if the client was not opened on an in-memory space
     */
    public static void blackhole(LockClient client) {
        InMemoryDriver.of(client).space().set(client, false, true, false);
    }

    /** Ends a {@link #cut} or {@link #blackhole}: new calls work again. */
    public static void restore(LockClient client) {
        InMemoryDriver.of(client).space().set(client, false, false, false);
    }

    private void set(LockClient client, boolean cut, boolean blackholed, boolean dead) {
        wire.set(InMemoryDriver.of(client).path, cut, blackholed, dead);
        table.wakeAll();
    }
}
