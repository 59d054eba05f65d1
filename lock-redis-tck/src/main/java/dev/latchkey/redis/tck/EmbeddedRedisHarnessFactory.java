package dev.latchkey.redis.tck;

import dev.latchkey.spi.UriOptions;
import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.TckHarnessFactory;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Claims every lock URI whose host is {@code embedded}, e.g. {@code redis-lua://embedded?client=lettuce}:
 * starts a durable {@code redis-server} of its own ({@link RedisTckHarness}) and substitutes
 * {@code 127.0.0.1:<port>} for the host. It knows no backend by name: any backend whose URI names a
 * Redis host this way gets the server's restart, pause and partition faults. Options meant for a TCK
 * run (command timeouts of a second) are up to the URI. Stateless and thread-safe.
 */
public final class EmbeddedRedisHarnessFactory implements TckHarnessFactory {
    /** The host that asks for a throw-away server. */
    public static final String HOST = "embedded";
    private static final Pattern AUTHORITY = Pattern.compile("(?i)//" + HOST + "(:\\d+)?");

    @Override
    public Optional<TckHarness> harness(URI uri) {
        if (!HOST.equalsIgnoreCase(uri.getHost())) {
            return Optional.empty();
        }
        String text = uri.toString();
        String label = UriOptions.redact(uri) + " (AOF, fsync always)";
        return Optional.of(new RedisTckHarness(label, port -> AUTHORITY.matcher(text).replaceFirst("//127.0.0.1:" + port)));
    }
}
