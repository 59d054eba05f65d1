package dev.latchkey.tck;

import java.net.URI;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the harness for a URI: the first {@link TckHarnessFactory} on the class path that claims it
 * (with the backend's own server faults), else {@link TckHarness#forUri} (client-side faults only).
 * Stateless and thread-safe.
 */
public final class TckHarnesses {
    private TckHarnesses() {
    }

    /** The harness for {@code uri}, found through the context class loader. */
    public static TckHarness forUri(URI uri) {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return forUri(uri, tccl != null ? tccl : TckHarnesses.class.getClassLoader());
    }

    /** The harness for {@code uri}, found through {@code loader}. */
    public static TckHarness forUri(URI uri, ClassLoader loader) {
        for (TckHarnessFactory factory : ServiceLoader.load(TckHarnessFactory.class, loader)) {
            Optional<TckHarness> harness = factory.harness(uri);
            if (harness.isPresent()) {
                return harness.get();
            }
        }
        return TckHarness.forUri(uri);
    }
}
