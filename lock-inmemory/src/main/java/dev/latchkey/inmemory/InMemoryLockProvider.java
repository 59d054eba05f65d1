package dev.latchkey.inmemory;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code inmemory:} scheme. {@code inmemory:} and {@code inmemory:NAME} open a participant in a
 * JVM-wide lock space (clients of the same space contend with each other). Options:
 * {@code lease} (default 30s) and {@code fair} (default true). Stateless and thread-safe.
 */
public final class InMemoryLockProvider implements LockProvider {
    /** The default lease when the URI gives none. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

    @Override
    public String scheme() {
        return "inmemory";
    }

    @Override
    public Set<Capability> capabilities() {
        return InMemoryDriver.capabilities(true);
    }

    @Override
    public String description() {
        return "in-JVM reference backend; inmemory:[space][?lease=30s&fair=true]";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        UriOptions options = UriOptions.of(uri).allowOnly(Set.of("lease", "fair"));
        String ssp = uri.getSchemeSpecificPart();
        int q = ssp.indexOf('?');
        String space = (q < 0 ? ssp : ssp.substring(0, q)).replace("/", "");
        return InMemorySpace.named(space.isEmpty() ? "default" : space)
                .client(options.duration("lease", DEFAULT_LEASE), options.bool("fair", true), env);
    }
}
