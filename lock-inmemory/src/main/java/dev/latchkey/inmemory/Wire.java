package dev.latchkey.inmemory;

import dev.latchkey.LockUnavailableException;

/**
 * The faults between participants and their space, as a network and a server would have them: the
 * space's server can be paused or restarted, and each participant's path can be cut or black-holed.
 * One instance per space; its monitor guards the fault state only (no table call runs under it).
 *
 * <p>A call {@linkplain #send sends} its request, runs against the table, then {@linkplain #receive
 * receives} its reply:
 * <ul>
 *   <li>paused: the request is served, its reply is held until the server resumes (as if the server
 *       stopped right after serving it); leases keep running out meanwhile;</li>
 *   <li>restarted: a call under way loses its connection and fails, whatever the table did (its outcome
 *       is unknown to the caller); the table survives, as on a server that persists every write;</li>
 *   <li>cut: calls fail at once, waits end;</li>
 *   <li>black-holed: a new request is lost (it waits until the path is restored, then fails without
 *       having been served); a call already served loses its reply the same way.</li>
 * </ul>
 * Waits here ignore interrupts (the flag is kept), as a blocked socket read does.
 */
final class Wire {
    /** One participant's path to the space. Guarded by the wire's monitor. */
    static final class Path {
        boolean cut;
        boolean blackholed;
        boolean dead;
    }

    private boolean paused;
    /** Counts restarts: a call that started in an earlier one has lost its connection. */
    private long epoch;

    /** Sends a request on {@code path}: the epoch it started in, once it may be served. */
    synchronized long send(Path path) {
        check(path);
        if (path.blackholed) {
            awaitWhile(() -> path.blackholed);
            check(path);
            throw new LockUnavailableException("in-memory request lost: the participant's path was black-holed (simulated)");
        }
        return epoch;
    }

    /** Throws if the call that started in {@code sentIn} has lost its path or its connection (never blocks). */
    synchronized void check(Path path, long sentIn) {
        check(path);
        if (epoch != sentIn) {
            throw new LockUnavailableException("in-memory connection lost: the server restarted during the call (simulated);"
                    + " the outcome of the call is unknown");
        }
    }

    /** Receives the reply of a call that started in {@code sentIn}: held while paused, lost if black-holed. */
    synchronized void receive(Path path, long sentIn) {
        awaitWhile(() -> paused && !path.cut && !path.dead && epoch == sentIn);
        check(path, sentIn);
        if (path.blackholed) {
            awaitWhile(() -> path.blackholed);
            throw new LockUnavailableException("in-memory reply lost: the participant's path was black-holed (simulated);"
                    + " the outcome of the call is unknown");
        }
    }

    synchronized void pause(boolean on) {
        paused = on;
        notifyAll();
    }

    synchronized void restart() {
        epoch++;
        notifyAll();
    }

    synchronized void set(Path path, boolean cut, boolean blackholed, boolean dead) {
        path.cut = cut;
        path.blackholed = blackholed;
        path.dead |= dead;
        notifyAll();
    }

    private void check(Path path) {
        if (path.dead) {
            throw new LockUnavailableException("in-memory participant crashed (simulated)");
        }
        if (path.cut) {
            throw new LockUnavailableException("in-memory participant cut off from its space (simulated): the connection was"
                    + " closed; the outcome of the call is unknown");
        }
    }

    private void awaitWhile(java.util.function.BooleanSupplier condition) {
        boolean interrupted = false;
        while (condition.getAsBoolean()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
