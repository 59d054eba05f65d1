package dev.latchkey.tck;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockEnvironment;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * How the TCK reaches one backend: the only thing a backend's author writes to be tested.
 *
 * <p>A harness makes participants ({@link #newClient(LockEnvironment)}); every participant must have
 * its own connections, as separate processes would, and all participants of one harness must contend
 * for the same locks. The TCK gives each rule fresh lock names and closes every client it asked for.
 *
 * <p><b>Client-side faults come through the environment.</b> A harness that passes the given
 * {@link LockEnvironment} to its provider ({@code Locks.open(uri, env)}, or
 * {@code LockEngine.client(driver, lease, env)}) gets {@link FaultKind#CLOCK_SKEW},
 * {@link FaultKind#CLIENT_DELAY} and an in-process {@link FaultKind#CLIENT_CRASH} for free: the TCK
 * skews the environment's wall clock, delays replies and cuts the participant off in a driver
 * decorator. The TCK checks once per run that the environment is honoured (its ticker is read) and
 * reports whether the backend reads the wall clock through it.
 *
 * <p><b>Server-side faults are the backend's own controls</b>, handed to the TCK through the methods
 * below and listed in {@link #faults()}; only those are ever called. Rules needing a fault the
 * harness cannot inject are reported {@link Outcome#SKIPPED} with that reason (and fail a strict
 * run). {@link FaultKind#CLIENT_PAUSE} is simulated by the TCK, and {@link FaultKind#CLIENT_CRASH} is
 * also done by killing a child JVM whenever {@link #uri()} is present.
 *
 * <p>For quick, reliable fault rules, participants should detect a dead connection within about a
 * second (command and connect timeouts of at most 1 s, few retries).
 *
 * <p><b>Thread-safety:</b> the TCK may call every method from any thread, concurrently.
 *
 * <p><b>On lease loss:</b> a harness takes no part in it; the TCK observes loss through the
 * {@link dev.latchkey.Lease} API only.
 */
public interface TckHarness extends AutoCloseable {

    /**
     * The harness for a backend named by a URI, as found by {@link Locks#open(URI, LockEnvironment)}:
     * each participant opens the URI in its environment; no server fault is injected. This is what
     * the zero-code suite and {@code lockctl tck --uri} use when no {@link TckHarnessFactory} offers
     * a harness with the backend's own fault controls.
     */
    static TckHarness forUri(URI uri) {
        return new UriHarness(uri);
    }

    /** The backend's name in reports and the matrix, e.g. {@code "redis-lua (Jedis)"}. Stable across runs. */
    String label();

    /**
     * A new participant with its own connections, in {@code env}: the provider measures time with
     * {@code env.ticker()}, reads any wall clock through {@code env.clock()} and applies its driver
     * decorator. The TCK closes it.
     */
    LockClient newClient(LockEnvironment env);

    /** A new participant in the system's environment. */
    default LockClient newClient() {
        return newClient(LockEnvironment.SYSTEM);
    }

    /**
     * A URI that {@link Locks#open(URI)} resolves, in a separate JVM with the current class path, to a
     * participant of the same backend (same server, same lock space). Present only for backends
     * reachable from another process; it enables {@link FaultKind#CLIENT_CRASH} with a real SIGKILL of
     * a real process. Empty by default. A provider that is not on {@code java.class.path} (loaded by a
     * class loader of its own) reaches the child JVM through the system property
     * {@code latchkey.tck.childClassPath}: class path entries the child gets after the current ones.
     */
    default Optional<URI> uri() {
        return Optional.empty();
    }

    /**
     * The capabilities this backend claims. Each is checked and a failure is a FAIL; every other
     * capability is only probed. Defaults to what a fresh client reports.
     */
    default Set<Capability> declared() {
        try (LockClient client = newClient()) {
            return client.capabilities();
        }
    }

    /** The server-side faults this harness can inject through the methods below. Empty by default. */
    default Set<FaultKind> faults() {
        return Set.of();
    }

    /**
     * {@link FaultKind#SERVER_RESTART}: stops the lock server abruptly and starts it again at the same
     * address, returning once it accepts connections. Whether data survives is the harness's
     * configuration (say so in {@link #label()} if it matters).
     */
    default void restartServer() {
        throw new UnsupportedOperationException(label() + " cannot restart its server");
    }

    /**
     * {@link FaultKind#SERVER_PAUSE}: freezes the lock server (SIGSTOP or similar: connections stay
     * open, nothing is answered) until {@link #resumeServer()}. Returns once the server is frozen.
     */
    default void pauseServer() {
        throw new UnsupportedOperationException(label() + " cannot pause its server");
    }

    /** Ends a {@link #pauseServer()}. */
    default void resumeServer() {
        throw new UnsupportedOperationException(label() + " cannot pause its server");
    }

    /**
     * {@link FaultKind#PARTITION}: a new participant whose path to the server goes through a
     * {@link Partition} the TCK controls (and that affects no other participant).
     */
    default PartitionedClient newPartitionedClient() {
        throw new UnsupportedOperationException(label() + " cannot partition a client");
    }

    /**
     * {@link FaultKind#FAILOVER}, first half: from now on the primary acknowledges writes without
     * replicating them (replication held back), so that the next {@link #failover()} loses them.
     * Returns at once.
     */
    default void prepareFailover() {
        throw new UnsupportedOperationException(label() + " cannot fail over");
    }

    /**
     * {@link FaultKind#FAILOVER}, second half: the primary dies and a replica that lacks every write
     * since {@link #prepareFailover()} is promoted; returns once the new primary serves writes (and
     * the old one has rejoined as a replica or been replaced, so that the topology can fail over again).
     */
    default void failover() {
        throw new UnsupportedOperationException(label() + " cannot fail over");
    }

    /** Frees what the harness started (servers, proxies). Called once, after the last rule. */
    @Override
    default void close() {
    }
}
