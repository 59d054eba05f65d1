package dev.latchkey.redis.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Several independent Redis masters, each its own {@link RedisServer} (as Redlock needs). They
 * share nothing: a key written to one is not on the others, and killing one leaves the rest up.
 *
 * <p>Thread-safe: the list of servers is fixed, and each server is thread-safe.
 */
public final class RedisNodes implements AutoCloseable {

    private final List<RedisServer> servers;

    private RedisNodes(List<RedisServer> servers) {
        this.servers = servers;
    }

    /**
     * Starts {@code n} servers on distinct free ports.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException if a server cannot be started; those already started are stopped
     */
    public static RedisNodes start(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        List<RedisServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                servers.add(RedisServer.start());
            }
        } catch (RuntimeException e) {
            Topology.closeAll(servers, e);
            throw e;
        }
        return new RedisNodes(List.copyOf(servers));
    }

    /** The {@code i}-th server, from 0. */
    public RedisServer get(int i) {
        return servers.get(i);
    }

    /** The number of servers. */
    public int size() {
        return servers.size();
    }

    /** The servers' {@code redis://} URIs, in order. */
    public List<String> uris() {
        return servers.stream().map(RedisServer::uri).toList();
    }

    /** Stops every server and deletes its directory. Idempotent. */
    @Override
    public void close() {
        Topology.closeAll(servers, null);
    }
}
