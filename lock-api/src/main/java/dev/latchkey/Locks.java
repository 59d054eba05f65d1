package dev.latchkey;

import org.jspecify.annotations.Nullable;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Entry point: opens a {@link LockClient} for a URI, choosing the backend by the URI's scheme among
 * the {@link LockProvider}s found with {@link ServiceLoader}, like a JDBC driver.
 *
 * <pre>{@code
 * try (LockClient client = Locks.open("redis-lua://127.0.0.1:6379?lease=30s");
 *      Lease lease = client.lock("orders").acquire(Duration.ofSeconds(5), Duration.ofSeconds(30))) {
 *     write(order, lease.fencingToken());
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class Locks {

    /** The longest lock name accepted, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 512;

    /** The longest lease accepted in one grant or extension; longer holds should renew. */
    public static final Duration MAX_LEASE = Duration.ofDays(1);

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");

    private Locks() {
    }

    /** Opens a client for the URI, e.g. {@code inmemory:} or {@code redis-lua://host:6379?lease=30s}. */
    public static LockClient open(String uri) {
        return open(parse(uri));
    }

    /** Opens a client for the URI. */
    public static LockClient open(URI uri) {
        return open(uri, defaultLoader());
    }

    /** Opens a client for the URI, looking for providers through the given class loader. */
    public static LockClient open(URI uri, ClassLoader loader) {
        return open(uri, LockEnvironment.SYSTEM, loader);
    }

    /**
     * Opens a client for the URI in the given environment (its clocks and a driver decorator): what the
     * conformance kit uses to skew a participant's clock or delay its calls. Applications use
     * {@link #open(String)}.
     */
    public static LockClient open(URI uri, LockEnvironment env) {
        return open(uri, env, defaultLoader());
    }

    /** Opens a client for the URI in the given environment, looking for providers through the given class loader. */
    public static LockClient open(URI uri, LockEnvironment env, ClassLoader loader) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(env, "env");
        return provider(uri.getScheme(), loader).open(uri, env);
    }

    /**
     * Parses a lock URI. Accepts the bare form {@code scheme:} (meaning the backend's defaults).
     *
     * @throws IllegalArgumentException naming the problem if the text is not a valid lock URI
     */
    public static URI parse(@Nullable String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be null or blank");
        }
        String text = uri.strip();
        int colon = text.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(text.substring(0, colon)).matches()) {
            throw new IllegalArgumentException("uri '" + UriOptions.redact(text) + "' has no scheme; expected e.g. 'inmemory:' or 'redis-lua://127.0.0.1:6379'");
        }
        if (colon == text.length() - 1) {
            text = text + "/";
        }
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            // the exception's message quotes the text, password and all
            throw new IllegalArgumentException("malformed uri '" + UriOptions.redact(text) + "': " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
    }

    /** The provider for a scheme. */
    public static LockProvider provider(String scheme) {
        return provider(scheme, defaultLoader());
    }

    private static LockProvider provider(@Nullable String scheme, ClassLoader loader) {
        if (scheme == null) {
            throw new IllegalArgumentException("uri has no scheme");
        }
        String wanted = scheme.toLowerCase(Locale.ROOT);
        List<LockProvider> all = providers(loader);
        return all.stream()
                .filter(p -> p.scheme().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Latchkey provider for scheme '" + scheme
                        + "'; schemes found: " + (all.isEmpty() ? "(none on the class path)"
                        : all.stream().map(LockProvider::scheme).collect(Collectors.joining(", ")))));
    }

    /** Every provider on the class path (or module path), sorted by scheme. */
    public static List<LockProvider> providers() {
        return providers(defaultLoader());
    }

    /** Every provider visible to the class loader, sorted by scheme. */
    public static List<LockProvider> providers(ClassLoader loader) {
        List<LockProvider> found = new ArrayList<>();
        ServiceLoader.load(LockProvider.class, loader).forEach(found::add);
        if (found.isEmpty() && loader != Locks.class.getClassLoader()) {
            ServiceLoader.load(LockProvider.class, Locks.class.getClassLoader()).forEach(found::add);
        }
        found.sort(Comparator.comparing(LockProvider::scheme));
        return List.copyOf(found);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : Locks.class.getClassLoader();
    }
}
