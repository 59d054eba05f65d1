package dev.latchkey.tck;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the harness for a URI: the first {@link TckHarnessFactory} that claims it (with the backend's
 * own server faults), else {@link TckHarness#forUri} (client-side faults only). Factories loaded by
 * the given class loader itself are asked first: a backend's jar passed to {@code lockctl --jar}
 * brings its own factory, which wins over a generic one of the tool (such as the one for any URI
 * whose host is {@code embedded}). Stateless and thread-safe.
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
        List<TckHarnessFactory> own = new ArrayList<>();
        List<TckHarnessFactory> inherited = new ArrayList<>();
        for (TckHarnessFactory factory : ServiceLoader.load(TckHarnessFactory.class, loader)) {
            (factory.getClass().getClassLoader() == loader ? own : inherited).add(factory);
        }
        own.addAll(inherited);
        for (TckHarnessFactory factory : own) {
            Optional<TckHarness> harness = factory.harness(uri);
            if (harness.isPresent()) {
                return harness.get();
            }
        }
        return TckHarness.forUri(uri);
    }
}
