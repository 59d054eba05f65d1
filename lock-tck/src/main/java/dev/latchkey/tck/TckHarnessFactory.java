package dev.latchkey.tck;

import java.net.URI;
import java.util.Optional;

/**
 * The fault SPI: how a backend hands the TCK (and {@code lockctl tck} and {@code lockctl demo}) a
 * harness with its own server controls (restart, pause, partition) for the URIs it recognises.
 * Registered for {@link java.util.ServiceLoader} ({@code META-INF/services/dev.latchkey.tck.TckHarnessFactory},
 * or {@code provides} in a module descriptor), typically in a small test-support jar of the backend
 * rather than in the backend itself. When no factory claims a URI, {@link TckHarness#forUri} is used:
 * client-side faults only.
 *
 * <p>Implementations must be stateless and thread-safe, with a public no-argument constructor.
 */
public interface TckHarnessFactory {

    /**
     * A harness for {@code uri}, or empty if this factory does not handle it. The harness may start
     * servers (a URI naming a throw-away server, for example); the caller closes it.
     *
     * @throws IllegalArgumentException if the factory recognises the URI but it is malformed
     */
    Optional<TckHarness> harness(URI uri);
}
