package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import dev.latchkey.redis.testkit.RedisServer;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Opens backends for one command run, with the errors a user can act on: an unknown scheme or bad
 * option (exit 2) and an unreachable server (exit 3).
 *
 * <p>The {@code embedded} convenience: in a {@code redis-*} URI the host {@code embedded} (for
 * example {@code redis-lua://embedded?client=lettuce}) starts one throw-away {@code redis-server}
 * through the Redis test kit (a binary on the PATH, else the one bundled in the embedded-redis jar)
 * and stands for its {@code 127.0.0.1:port}. All such URIs of a run share that server, which
 * {@link #close()} stops.
 *
 * <p>Not thread-safe: use it from the command's thread; clients it opened are thread-safe.
 */
final class Backends implements AutoCloseable {
    static final String EMBEDDED_HOST = "embedded";

    private final ClassLoader loader;
    private final String[] serverArgs;
    private RedisServer embedded;

    Backends() {
        this(Thread.currentThread().getContextClassLoader());
    }

    /**
     * @param serverArgs extra {@code redis-server} arguments for the embedded server, e.g. persistence
     */
    Backends(ClassLoader loader, String... serverArgs) {
        this.loader = loader;
        this.serverArgs = serverArgs.clone();
    }

    /** The providers visible to this run, sorted by scheme. */
    List<LockProvider> providers() {
        return Locks.providers(loader);
    }

    /** The provider for the URI's scheme, or a usage error listing the schemes there are. */
    LockProvider provider(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        List<LockProvider> all = providers();
        Optional<LockProvider> found = all.stream().filter(p -> p.scheme().equals(scheme)).findFirst();
        return found.orElseThrow(() -> new CliException(ExitCodes.USAGE, "unknown backend scheme '" + scheme
                + "' in " + display(uri) + "; available: "
                + (all.isEmpty() ? "none" : all.stream().map(LockProvider::scheme).collect(Collectors.joining(", ")))));
    }

    /** Whether the URI asks for the embedded Redis. */
    static boolean wantsEmbedded(URI uri) {
        return uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).startsWith("redis")
                && EMBEDDED_HOST.equalsIgnoreCase(uri.getHost());
    }

    /** The URI with host {@code embedded} replaced by the embedded server's address (started on first use). */
    URI resolve(URI uri) {
        provider(uri);
        if (!wantsEmbedded(uri)) {
            return uri;
        }
        RedisServer server = embeddedServer();
        StringBuilder s = new StringBuilder(uri.getScheme()).append("://");
        if (uri.getRawUserInfo() != null) {
            s.append(uri.getRawUserInfo()).append('@');
        }
        s.append(server.host()).append(':').append(server.port());
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append('?').append(uri.getRawQuery());
        }
        return URI.create(s.toString());
    }

    /** A new client (one participant, its own connections) for a URI; {@code embedded} is resolved. */
    LockClient open(URI uri) {
        URI resolved = resolve(uri);
        try {
            return Locks.open(resolved, loader);
        } catch (LockUnavailableException e) {
            throw unreachable(resolved, e);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** The error for a backend that does not answer. */
    static CliException unreachable(URI uri, LockUnavailableException e) {
        return new CliException(ExitCodes.UNREACHABLE, "backend unreachable: " + display(uri) + ": " + e.getMessage(), e);
    }

    /** The embedded server that stands for {@code uri}'s host, or null if it names another server. */
    RedisServer embeddedFor(URI uri) {
        return wantsEmbedded(uri) ? embeddedServer() : null;
    }

    /** The embedded server's address, or empty if none was started. */
    Optional<String> embeddedAddress() {
        return Optional.ofNullable(embedded).map(RedisServer::uri);
    }

    /** The URI's text without secrets. */
    static String display(URI uri) {
        return UriOptions.redact(uri);
    }

    /** The URI with {@code key=value} added to its options. */
    static URI withOption(URI uri, String key, String value) {
        String s = uri.toString();
        boolean hasQuery = uri.isOpaque() ? uri.getRawSchemeSpecificPart().contains("?") : uri.getRawQuery() != null;
        return URI.create(s + (hasQuery ? "&" : "?") + key + "=" + value);
    }

    private RedisServer embeddedServer() {
        if (embedded == null) {
            try {
                embedded = RedisServer.start(serverArgs);
            } catch (IllegalStateException e) {
                throw new CliException(ExitCodes.UNREACHABLE, "cannot start an embedded redis-server: " + e.getMessage(), e);
            }
        }
        return embedded;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
            embedded = null;
        }
    }
}
