package dev.latchkey.redis.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster of masters without replicas, each a {@link RedisServer} started with
 * {@code --cluster-enabled yes}. It is built over plain commands, since the embedded binary has
 * no {@code redis-cli}: distinct config epochs, {@code CLUSTER MEET} from the first node, then an
 * even split of the 16384 slots with {@code CLUSTER ADDSLOTS} (Redis 6.2 has no ADDSLOTSRANGE).
 * {@link #start(int)} returns once every node reports {@code cluster_state:ok} and knows every other.
 *
 * <p>Thread-safe: the list of nodes is fixed, and each node is thread-safe.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16_384;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** Starts a cluster of three masters, as {@link #start(int)}. */
    public static RedisCluster start() {
        return start(3);
    }

    /**
     * Starts a cluster of {@code masters} masters and waits until it is ready.
     *
     * @throws IllegalArgumentException if {@code masters < 1}
     * @throws IllegalStateException if a node cannot be started or the cluster is not ready within
     *     30 s; every node already started is stopped
     */
    public static RedisCluster start(int masters) {
        if (masters < 1) {
            throw new IllegalArgumentException("masters must be at least 1, was " + masters);
        }
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                RedisServer node = RedisServer.start("--cluster-enabled", "yes");
                nodes.add(node);
                node.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
            }
            for (RedisServer node : nodes.subList(1, masters)) {
                nodes.get(0).call("CLUSTER", "MEET", node.host(), Integer.toString(node.port()));
            }
            for (int i = 0; i < masters; i++) {
                List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = i * SLOTS / masters; slot < (i + 1) * SLOTS / masters; slot++) {
                    args.add(Integer.toString(slot));
                }
                nodes.get(i).call(args.toArray(String[]::new));
            }
            awaitReady(nodes);
        } catch (RuntimeException e) {
            RedisNodes.stopAll(nodes, e);
            throw e;
        }
        return new RedisCluster(List.copyOf(nodes));
    }

    /** The nodes; node {@code i} serves slots {@code [i * 16384 / n, (i + 1) * 16384 / n)}. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The URI of the first node, enough for a cluster client to discover the others. */
    public String seedUri() {
        return nodes.get(0).uri();
    }

    /** Stops every node. Idempotent. */
    @Override
    public void close() {
        RedisNodes.stopAll(nodes, null);
    }

    private static void awaitReady(List<RedisServer> nodes) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String expectedNodes = "cluster_known_nodes:" + nodes.size() + "\r\n";
        while (true) {
            StringBuilder views = new StringBuilder();
            boolean ready = true;
            for (RedisServer node : nodes) {
                String info = (String) node.call("CLUSTER", "INFO");
                ready &= info.contains("cluster_state:ok\r\n") && info.contains(expectedNodes);
                views.append("\n").append(node.uri()).append(":\n").append(info.strip());
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Redis Cluster not ready within " + READY_TIMEOUT.toSeconds() + " s:" + views);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the Redis Cluster", e);
            }
        }
    }
}
