package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.embedded.EmbeddedRedis;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Opens backends by URI for one command run, through {@link Locks} and {@link java.util.ServiceLoader}
 * only: lockctl knows no backend by name.
 *
 * <p>The {@code embedded} host: in any URI whose host is {@value Defaults#EMBEDDED_HOST} (for example
 * {@code redis-lua://embedded?client=lettuce}) the authority is replaced by the address of one
 * throw-away {@code redis-server} (lock-redis-embedded's {@link EmbeddedRedis}, in a temporary
 * directory, killed even if this JVM is SIGKILLed), started on first use and shared by every such URI
 * of the run; {@link #close()} stops it and deletes its directory.
 *
 * <p>Not thread-safe: use it from the command's thread; the clients it opens are thread-safe.
 */
final class Backends implements AutoCloseable {
    private final ClassLoader loader;
    private EmbeddedRedis embedded;

    Backends() {
        this.loader = Lockctl.class.getClassLoader();
    }

    /** The provider for the URI's scheme, or a usage error listing the schemes there are. */
    static LockProvider provider(URI uri, ClassLoader loader) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        List<LockProvider> all = Locks.providers(loader);
        return all.stream().filter(p -> p.scheme().equals(scheme)).findFirst()
                .orElseThrow(() -> new CliException(ExitCodes.USAGE, "unknown backend scheme '" + scheme + "' in "
                        + display(uri) + "; available: "
                        + (all.isEmpty() ? "none" : all.stream().map(LockProvider::scheme).collect(Collectors.joining(", ")))));
    }

    /** Whether the URI names the throw-away server. */
    static boolean wantsEmbedded(URI uri) {
        return Defaults.EMBEDDED_HOST.equalsIgnoreCase(uri.getHost());
    }

    /** The URI with host {@code embedded} replaced by the embedded server's address (started on first use). */
    URI resolve(URI uri) {
        provider(uri, loader);
        if (!wantsEmbedded(uri)) {
            return uri;
        }
        EmbeddedRedis server = embeddedServer();
        String authority = (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@") + server.host() + ":" + server.port();
        return URI.create(uri.getScheme() + "://" + authority + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }

    /** A new client (one participant, its own connections) in {@code env}; {@code embedded} is resolved. */
    LockClient open(URI uri, LockEnvironment env) {
        return Locks.open(resolve(uri), env, loader);
    }

    /** A new client in the system's environment. */
    LockClient open(URI uri) {
        return open(uri, LockEnvironment.SYSTEM);
    }

    /** The embedded server, if one was started. */
    Optional<EmbeddedRedis> embedded() {
        return Optional.ofNullable(embedded);
    }

    /** The URI's text without secrets. */
    static String display(URI uri) {
        return UriOptions.redact(uri);
    }

    private EmbeddedRedis embeddedServer() {
        if (embedded == null) {
            try {
                embedded = EmbeddedRedis.start();
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
