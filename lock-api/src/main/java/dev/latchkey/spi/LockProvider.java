package dev.latchkey.spi;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import java.net.URI;
import java.util.Set;

/**
 * A backend, registered for {@link java.util.ServiceLoader} (a {@code provides} clause in the
 * module descriptor and a {@code META-INF/services/dev.latchkey.spi.LockProvider} entry).
 * Implementations must be stateless and thread-safe, with a public no-argument constructor.
 */
public interface LockProvider {

    /** The URI scheme this provider answers to, in lower case, e.g. {@code redis-lua}. */
    String scheme();

    /** The capabilities of a client opened with default options (a client reports its own). */
    Set<Capability> capabilities();

    /** One line for humans: what this backend is and which options its URI takes. */
    String description();

    /**
     * Opens a client with the system's clocks: {@code open(uri, LockEnvironment.SYSTEM)}.
     *
     * @throws IllegalArgumentException  for a malformed URI or an unknown or invalid option, naming it
     * @throws dev.latchkey.LockUnavailableException if the backend cannot be reached
     */
    default LockClient open(URI uri) {
        return open(uri, LockEnvironment.SYSTEM);
    }

    /**
     * Opens a client in the given environment: its driver measures time with {@code env.ticker()},
     * reads any wall clock through {@code env.clock()}, and the client is built with
     * {@link LockEngine#client(LockDriver, java.time.Duration, LockEnvironment)}, which applies the
     * environment's driver decorator. The conformance kit injects client-side faults this way.
     *
     * @throws IllegalArgumentException  for a malformed URI or an unknown or invalid option, naming it
     * @throws dev.latchkey.LockUnavailableException if the backend cannot be reached
     */
    LockClient open(URI uri, LockEnvironment env);
}
