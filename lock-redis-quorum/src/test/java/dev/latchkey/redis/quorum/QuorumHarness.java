package dev.latchkey.redis.quorum;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Partition;
import dev.latchkey.tck.PartitionedClient;
import dev.latchkey.tck.TckHarness;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * The TCK harness for {@code redis-quorum} over N real, independent redis-server processes, whose
 * faults act on a fixed <b>minority</b> of the nodes (the first N/2, rounded down: one of three, two
 * of five), so that a row shows what the quorum keeps under any minority fault.
 *
 * <ul>
 *   <li>{@link FaultKind#SERVER_RESTART}: the minority is killed (SIGKILL) and started again, as the
 *       row's {@link Restart} policy says: with AOF {@code appendfsync always} (keys and fences survive),
 *       or empty after the delayed-restart rule (it stays down until every hold it had has expired), or
 *       empty at once (the rule broken); {@link Restart#ALL_EMPTY} restarts every node empty at once,
 *       the assumption broken on purpose.</li>
 *   <li>{@link FaultKind#SERVER_PAUSE}: the minority is frozen with SIGSTOP, then resumed.</li>
 *   <li>{@link FaultKind#PARTITION}: the participant reaches every node through its own TCP proxies;
 *       the TCK's cut and black hole act on its proxies to a <em>majority</em> of the nodes (the last
 *       N/2 + 1), leaving it connected to a minority: it is on the losing side of a network split, so
 *       it must lose the lock and learn of it before anyone else is granted. (A minority of the nodes
 *       cut off from everyone is the {@link Background#NODE_DOWN} row and the module's fault tests.)</li>
 *   <li>{@link FaultKind#CLIENT_CRASH}: a child JVM opens {@link #uri()} and is killed.</li>
 *   <li>{@link FaultKind#CLOCK_SKEW} comes from the TCK through the environment: the backend reads no wall clock (TTLs
 *       are relative and measured by each node; validity by the client's monotonic ticker).</li>
 * </ul>
 * A {@link Background} fault, if any, holds for the whole run on the same minority.
 *
 * <p>Thread-safe.
 */
final class QuorumHarness implements TckHarness {
    /** What {@link #restartServer()} does to the nodes. */
    enum Restart {
        /** The minority restarts with AOF {@code appendfsync always}: nothing acknowledged is lost. */
        MINORITY_PERSISTENT,
        /** The minority restarts empty, after staying down until every hold it had has expired. */
        MINORITY_EMPTY_DELAYED,
        /** The minority restarts empty at once: the delayed-restart rule broken. */
        MINORITY_EMPTY,
        /** Every node restarts empty at once: more than a minority loses its data (the assumption broken). */
        ALL_EMPTY
    }

    /** A fault that holds for the whole run, on the minority. */
    enum Background {
        NONE,
        /** The minority is killed before the first rule and stays down. */
        NODE_DOWN,
        /** Every participant's links to the minority are delayed by {@link #SLOW_LINK} each way (its own TCP proxies). */
        SLOW_LINK
    }

    /** The delay of a slow link, each way. */
    static final Duration SLOW_LINK = Duration.ofMillis(20);

    private final int size;
    private final int minority;
    private final String client;
    private final Restart restart;
    private final Background background;
    private final List<RedisServer> nodes = new ArrayList<>();
    private final List<TcpProxy> proxies = new CopyOnWriteArrayList<>();

    QuorumHarness(int size, String client, Restart restart, Background background) {
        this.size = size;
        this.minority = size / 2;
        this.client = client;
        this.restart = restart;
        this.background = background;
        try {
            for (int i = 0; i < size; i++) {
                nodes.add(restart == Restart.MINORITY_PERSISTENT
                        ? RedisServer.start("--appendonly", "yes", "--appendfsync", "always")
                        : RedisServer.start());
            }
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
        if (background == Background.NODE_DOWN) {
            minorityNodes().forEach(RedisServer::kill);
        }
    }

    @Override
    public String label() {
        String what;
        switch (background) {
            case NODE_DOWN:
                what = minority + " node" + (minority == 1 ? "" : "s") + " down";
                break;
            case SLOW_LINK:
                what = "slow links (" + SLOW_LINK.toMillis() + " ms) to " + minority + " node" + (minority == 1 ? "" : "s")
                        + ", " + restartLabel();
                break;
            default:
                what = restartLabel();
        }
        return "redis-quorum-" + size + " (" + (client.equals("jedis") ? "Jedis" : "Lettuce") + ", " + what + ")";
    }

    private String restartLabel() {
        switch (restart) {
            case MINORITY_PERSISTENT:
                return "minority restart with AOF";
            case MINORITY_EMPTY_DELAYED:
                return "minority restart empty, delayed";
            case MINORITY_EMPTY:
                return "minority restart empty, no delay";
            default:
                return "every node restarted empty, no delay";
        }
    }

    @Override
    public Set<Capability> declared() {
        EnumSet<Capability> claimed = EnumSet.copyOf(QuorumLockDriver.CAPABILITIES);
        if (restart == Restart.MINORITY_EMPTY || restart == Restart.ALL_EMPTY) {
            // The assumption is broken: nothing is claimed that it supports; the TCK reports what it observes.
            claimed.remove(Capability.MUTUAL_EXCLUSION);
            claimed.remove(Capability.FENCING_TOKENS);
        }
        return claimed;
    }

    @Override
    public Set<FaultKind> faults() {
        if (background == Background.NODE_DOWN) {
            return Set.of(FaultKind.PARTITION); // another node down would be a majority
        }
        return Set.of(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION);
    }

    /** The nodes faults act on. */
    List<RedisServer> minorityNodes() {
        return nodes.subList(0, minority);
    }

    List<RedisServer> nodes() {
        return nodes;
    }

    /** One-second timeouts, so that faults are noticed quickly. */
    private String uriFor(List<Integer> ports) {
        return TestQuorum.uri(ports, client, "timeout=1s");
    }

    /** The ports a new participant uses: its own delayed proxies to the minority on a slow-link row. */
    private List<Integer> participantPorts() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            RedisServer node = nodes.get(i);
            if (background == Background.SLOW_LINK && i < minority) {
                TcpProxy proxy = proxy(node);
                proxy.delay(SLOW_LINK);
                ports.add(proxy.port());
            } else {
                ports.add(node.port());
            }
        }
        return ports;
    }

    private TcpProxy proxy(RedisServer node) {
        TcpProxy proxy = TcpProxy.start(node.host(), node.port());
        proxies.add(proxy);
        return proxy;
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(URI.create(uriFor(participantPorts())), env);
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(URI.create(uriFor(participantPorts())));
    }

    @Override
    public void restartServer() {
        List<RedisServer> hit = restart == Restart.ALL_EMPTY ? nodes : minorityNodes();
        long stayDown = 0;
        if (restart == Restart.MINORITY_EMPTY_DELAYED) {
            stayDown = longestHold(hit);
        }
        hit.forEach(RedisServer::kill);
        if (stayDown > 0) {
            sleep(stayDown);
        }
        hit.forEach(RedisServer::restart);
    }

    /**
     * The delayed-restart rule, applied with the node's own knowledge: the longest remaining TTL of a
     * lock key on the nodes about to crash (read after pausing their writes, so no renewal can extend
     * one between the reading and the crash), plus a margin. An operator applies it by keeping a node
     * that lost its data out for the longest lease in use.
     */
    private static long longestHold(List<RedisServer> hit) {
        long longest = 0;
        for (RedisServer node : hit) {
            node.call("CLIENT", "PAUSE", "60000", "WRITE");
            Object keys = node.call("KEYS", "*:qlock");
            for (Object key : (List<?>) keys) {
                Object ttl = node.call("PTTL", key.toString());
                longest = Math.max(longest, ttl instanceof Long ? (Long) ttl : 0);
            }
        }
        return longest + 50;
    }

    @Override
    public void pauseServer() {
        minorityNodes().forEach(RedisServer::pause);
    }

    @Override
    public void resumeServer() {
        minorityNodes().forEach(RedisServer::resume);
    }

    @Override
    public PartitionedClient newPartitionedClient() {
        List<TcpProxy> own = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            TcpProxy proxy = proxy(nodes.get(i));
            if (background == Background.SLOW_LINK && i < minority) {
                proxy.delay(SLOW_LINK);
            }
            own.add(proxy);
        }
        List<TcpProxy> majority = own.subList(size - (size / 2 + 1), size);
        LockClient participant = Locks.open(uriFor(own.stream().map(TcpProxy::port).collect(Collectors.toList())));
        return new PartitionedClient(participant, Partition.of(
                () -> majority.forEach(TcpProxy::cut),
                () -> majority.forEach(TcpProxy::blackhole),
                () -> {
                    for (int i = 0; i < own.size(); i++) {
                        own.get(i).restore();
                        if (background == Background.SLOW_LINK && i < minority) {
                            own.get(i).delay(SLOW_LINK);
                        }
                    }
                }));
    }

    @Override
    public void close() {
        proxies.forEach(TcpProxy::close);
        nodes.forEach(RedisServer::close);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
