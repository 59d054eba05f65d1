package dev.latchkey.cli;

import dev.latchkey.Locks;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * The only backend URIs lockctl names: what {@code demo} and {@code tck} run when no {@code --uri} is
 * given, and the example in help texts. They are input like any {@code --uri}: lockctl has no logic
 * for any scheme, and finds every backend through {@link java.util.ServiceLoader}. Documented in
 * lock-cli/README.md. Constants only.
 */
final class Defaults {
    /** The host that stands for a throw-away {@code redis-server} that lockctl starts (and stops). */
    static final String EMBEDDED_HOST = "embedded";
    /** {@code demo}: the article's algorithm and the production backend, side by side. */
    static final String DEMO_URIS = "redis-getset://embedded?mode=article, redis-lua://embedded";
    /**
     * {@code tck}: the reference fake, both modes of the article's algorithm, the production backend,
     * with the options of the modules' own TCK runs (docs/tck-matrix.md): command timeouts of a second, as
     * {@link dev.latchkey.tck.TckHarness} asks, and getset's polling at 30 ms (at its default 100 ms a
     * waiter may see an expiry later than LE-06 allows).
     */
    static final String TCK_URIS = "inmemory:, redis-getset://embedded?mode=article&timeout=1s&retry=30ms, "
            + "redis-getset://embedded?mode=checked&timeout=1s&retry=30ms, redis-lua://embedded?timeout=1s";
    /** The example in help texts. */
    static final String EXAMPLE_URI = "redis-lua://127.0.0.1:6379";

    private Defaults() {
    }

    /** The URIs of a comma-separated list above. */
    static List<URI> uris(String list) {
        return Arrays.stream(list.split(", ")).map(Locks::parse).toList();
    }
}
