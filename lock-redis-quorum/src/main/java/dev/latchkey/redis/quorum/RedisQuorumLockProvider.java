package dev.latchkey.redis.quorum;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.Arguments;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code redis-quorum} scheme, a lock over independent Redis masters (Redlock) with fencing tokens:
 * {@code redis-quorum://[user:password@]host1:port1,host2:port2,host3:port3[/db]?client=jedis|lettuce&lease=30s&timeout=2s&fallback=5s&prefix=latchkey:&tls=false&user=&password=}.
 * The host list names an odd number (at least 3) of distinct masters that share nothing (no
 * replication, no cluster); user, password, database and options apply to every node. A lock is
 * granted when a majority of them grant it within its validity; {@code timeout} bounds each call to a
 * node (and so how long a dead node can delay a decision that needs it), {@code fallback} bounds how
 * long a waiter sleeps without a wake-up message. See the module's README for the algorithm, the
 * fencing argument and its assumption (persistent fence keys, or restarts delayed by the longest lease).
 *
 * <p>Stateless and thread-safe.
 *
 * <p>On lease loss: see {@link dev.latchkey.Lease}. A hold lasts while a majority of the nodes hold it;
 * a client from this provider renews leases ({@link Capability#LEASE_RENEWAL}) on a majority and
 * reports a renewal that a majority did not confirm as a loss before the deadline.
 */
public final class RedisQuorumLockProvider implements LockProvider {
    /** The scheme. */
    public static final String SCHEME = "redis-quorum";
    /** The default lease when the URI gives none. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** The default bound on a waiter's sleep without a wake-up. */
    public static final Duration DEFAULT_FALLBACK = Duration.ofSeconds(5);

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Set<Capability> capabilities() {
        return QuorumLockDriver.CAPABILITIES;
    }

    @Override
    public String description() {
        return "a lock over N independent Redis masters granted by majority (Redlock), fencing tokens by majority intersection; "
                + "redis-quorum://[user:password@]h1:p1,h2:p2,h3:p3[/db][?client=jedis|lettuce&lease=30s&timeout=2s"
                + "&fallback=5s&prefix=latchkey:&tls=false]";
    }

    /**
     * @throws IllegalArgumentException for a malformed URI, a host list that is not an odd number (at
     *         least 3) of distinct nodes, or an unknown or invalid option, naming it
     * @throws dev.latchkey.LockUnavailableException if fewer than a majority of the nodes can be reached
     */
    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        QuorumUri parsed = QuorumUri.parse(uri, DEFAULT_LEASE, DEFAULT_FALLBACK);
        Duration lease = Duration.ofMillis(Arguments.leaseMillis(parsed.lease()));
        return LockEngine.client(QuorumLockDriver.open(parsed.nodes(), parsed.fallback(), env.ticker()), lease, env);
    }
}
