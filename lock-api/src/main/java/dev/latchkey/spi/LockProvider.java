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
     * Opens a client.
     *
     * @throws IllegalArgumentException  for a malformed URI or an unknown or invalid option, naming it
     * @throws dev.latchkey.LockUnavailableException if the backend cannot be reached
     */
    LockClient open(URI uri);
}
