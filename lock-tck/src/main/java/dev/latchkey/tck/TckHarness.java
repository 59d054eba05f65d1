package dev.latchkey.tck;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * How the TCK reaches one backend: the only thing a backend's author writes to be tested.
 *
 * <p>A harness makes participants ({@link #newClient()}); every participant must have its own
 * connections, as separate processes would, and all participants of one harness must contend for
 * the same locks. The TCK gives each rule fresh lock names and closes every client it asked for.
 *
 * <p>Faults are optional. {@link #faults()} lists the ones this harness can inject, and only those
 * callbacks are ever called. Rules needing a fault the harness cannot inject are reported
 * {@link Outcome#SKIPPED} with that reason. Two faults need no callback:
 * {@link FaultKind#CLIENT_PAUSE} is simulated by the TCK, and {@link FaultKind#CLIENT_CRASH} is done
 * by killing a child JVM whenever {@link #uri()} is present.
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
     * The harness for a backend named by a URI, as found by {@link dev.latchkey.Locks#open(URI)}: each
     * participant opens the URI; no fault is injected except {@link FaultKind#CLIENT_CRASH} through a
     * child JVM (reported SKIPPED if the backend turns out not to be shared between processes). This
     * is what the zero-code suite and {@code lockctl tck --uri} use.
     */
    static TckHarness forUri(URI uri) {
        return new UriHarness(uri);
    }

    /** The backend's name in reports and the matrix, e.g. {@code "redis-lua (Jedis)"}. Stable across runs. */
    String label();

    /** A new participant with its own connections. The TCK closes it. */
    LockClient newClient();

    /**
     * A URI that {@link dev.latchkey.Locks#open(URI)} resolves, in a separate JVM with the current class
     * path, to a participant of the same backend (same server, same lock space). Present only for
     * backends reachable from another process; it enables {@link FaultKind#CLIENT_CRASH} with a real
     * SIGKILL of a real process. Empty by default.
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

    /**
     * The faults this harness can inject through the callbacks below. Empty by default.
     * {@link FaultKind#CLIENT_PAUSE} is always available, and {@link FaultKind#CLIENT_CRASH} whenever
     * {@link #uri()} is present, whether listed or not.
     */
    default Set<FaultKind> faults() {
        return Set.of();
    }

    /**
     * {@link FaultKind#CLIENT_CRASH} for in-process backends: makes {@code client} (one of this
     * harness's) die at once, as a killed process would: it stops talking to the server, releases
     * nothing and renews nothing, so its holds end only when their leases run out.
     */
    default void crash(LockClient client) {
        throw new UnsupportedOperationException(label() + " cannot crash a client");
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
     * open, nothing is answered) for {@code duration}, then resumes it and returns.
     */
    default void pauseServer(Duration duration) {
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
     * {@link FaultKind#CLOCK_SKEW}: a new participant whose wall clock reads {@code skew} ahead of the
     * true time (behind if negative), in everything it computes from a wall clock. A backend that
     * reads no wall clock at all may return an ordinary participant: for it that is the truth.
     */
    default LockClient newClient(Duration skew) {
        throw new UnsupportedOperationException(label() + " cannot skew a client's clock");
    }

    /** Frees what the harness started (servers, proxies). Called once, after the last rule. */
    @Override
    default void close() {
    }
}
