package dev.latchkey.redis.quorum;

import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Parses {@code redis-quorum://[user:password@]h1:p1,h2:p2,h3:p3[/db][?options]} into one
 * {@link RedisSettings} per node: {@link RedisSettings#parse} reads the host list, the user-info, the
 * database and the options, as for any Redis URI; this adds what a quorum needs, an odd number of at
 * least 3 distinct masters and no {@code cluster} or {@code sentinel}. Messages never show the password.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodes    one settings record per node, in the order given
 * @param lease    the default lease
 * @param fallback the longest a waiter sleeps without a wake-up message
 */
record QuorumUri(List<RedisSettings> nodes, Duration lease, Duration fallback) {
    /** The options this backend adds to {@link RedisSettings#COMMON_OPTIONS}. */
    static final Set<String> OPTIONS = Set.of("fallback");
    private static final String SCHEME = RedisQuorumLockProvider.SCHEME;

    static QuorumUri parse(URI uri, Duration defaultLease, Duration defaultFallback) {
        if (uri == null || !SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a " + SCHEME + " uri: " + (uri == null ? null : UriOptions.redact(uri)));
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty() || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("malformed " + SCHEME + " uri '" + UriOptions.redact(uri)
                    + "': expected " + SCHEME + "://host1:port1,host2:port2,host3:port3[/db][?options]");
        }
        RedisSettings all = RedisSettings.parse(uri, OPTIONS, defaultLease);
        if (all.cluster() || all.sentinel() != null) {
            throw new IllegalArgumentException("option '" + (all.cluster() ? "cluster" : "sentinel") + "' is not supported by " + SCHEME
                    + ": list the independent masters in the host list instead");
        }
        int n = all.nodes().size();
        if (n < 3) {
            throw new IllegalArgumentException("the host list of '" + all.redacted() + "' names " + n + " node" + (n == 1 ? "" : "s")
                    + "; a quorum needs at least 3 independent masters (an odd number)");
        }
        if (n % 2 == 0) {
            throw new IllegalArgumentException("the host list of '" + all.redacted() + "' names " + n
                    + " nodes; use an odd number: " + n + " nodes tolerate no more failures than " + (n - 1));
        }
        Duration fallback = all.options().duration("fallback", defaultFallback);
        if (fallback.isNegative() || fallback.toMillis() < 1) {
            throw new IllegalArgumentException("option 'fallback' must be at least 1 ms, was " + fallback);
        }
        List<RedisSettings> nodes = all.nodes().stream().map(all::only).toList();
        return new QuorumUri(nodes, all.lease(), fallback);
    }
}
