package dev.latchkey.redis.testkit;

import dev.latchkey.redis.embedded.EmbeddedRedis;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A master, its replicas, and three Sentinels ({@code redis-server <config> --sentinel}) that
 * monitor it with quorum 2, {@code down-after-milliseconds} {@link #DOWN_AFTER} and
 * {@code failover-timeout} {@link #FAILOVER_TIMEOUT}. After the master dies, a failover takes about
 * {@code DOWN_AFTER} plus a few seconds of Sentinel's own timers; see {@link #awaitFailover}.
 *
 * <p>Faults: {@code master().kill()} (or pause, restart) as on any {@link RedisServer}, and so for
 * a replica or a Sentinel; {@link #holdBackReplication()}, so that the master acknowledges writes
 * that no replica receives; {@link #failover(Duration)} ({@code SENTINEL FAILOVER}); and
 * {@link #rejoin()} to bring every server back.
 *
 * <p>Thread-safe: the methods are synchronized; the servers themselves are thread-safe.
 */
public final class RedisSentinel implements AutoCloseable {

    /** The master's name when none is given. */
    public static final String DEFAULT_MASTER_NAME = "mymaster";
    /**
     * How long a master must be unreachable before a Sentinel considers it down. Not 1 s: Sentinel
     * pings every {@code min(down-after, 1 s)} and starts counting at a switch of master, so with 1 s
     * the first ping to a new master races the deadline and can start a spurious second failover.
     */
    public static final Duration DOWN_AFTER = Duration.ofSeconds(2);
    /** Sentinel's failover timeout: a failover not done by then is aborted, and retried after twice as long. */
    public static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(3);

    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;

    private final String masterName;
    private final List<RedisServer> servers; // data nodes
    private final List<RedisServer> sentinels;
    private final Set<RedisServer> heldBack = new HashSet<>(); // guarded by this

    private RedisSentinel(String masterName, List<RedisServer> servers, List<RedisServer> sentinels) {
        this.masterName = masterName;
        this.servers = servers;
        this.sentinels = sentinels;
    }

    /** Starts a master named {@value #DEFAULT_MASTER_NAME} with two replicas, as {@link #start(String, int)}. */
    public static RedisSentinel start() {
        return start(DEFAULT_MASTER_NAME, 2);
    }

    /**
     * Starts a master and {@code replicas} replicas, waits until they are in sync, then starts three
     * Sentinels and waits until each knows the master, every replica and the other two Sentinels.
     *
     * @throws IllegalArgumentException if {@code replicas < 1} or the name is blank or has spaces
     * @throws IllegalStateException if a server cannot be started or the topology is not ready within
     *     30 s; every server already started is stopped
     */
    public static RedisSentinel start(String masterName, int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
        }
        if (masterName.isBlank() || masterName.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("masterName must be one word, was '" + masterName + "'");
        }
        List<RedisServer> all = new ArrayList<>();
        try {
            RedisServer master = RedisServer.start(Topology.dataNode());
            all.add(master);
            for (int i = 0; i < replicas; i++) {
                all.add(RedisServer.start(Topology.dataNode().replicaOf(master.host(), master.port())));
            }
            List<RedisServer> servers = List.copyOf(all);
            Topology.await("replicas in sync", Topology.READY_TIMEOUT,
                    () -> Topology.notInSync(master, servers.subList(1, servers.size())));
            for (int i = 0; i < SENTINELS; i++) {
                all.add(RedisServer.start(EmbeddedRedis.builder().sentinel(
                        "sentinel monitor " + masterName + " " + master.host() + " " + master.port() + " " + QUORUM,
                        "sentinel down-after-milliseconds " + masterName + " " + DOWN_AFTER.toMillis(),
                        "sentinel failover-timeout " + masterName + " " + FAILOVER_TIMEOUT.toMillis())));
            }
            RedisSentinel sentinel = new RedisSentinel(masterName, servers, List.copyOf(all.subList(servers.size(), all.size())));
            sentinel.awaitSentinels(Topology.READY_TIMEOUT);
            return sentinel;
        } catch (RuntimeException e) {
            Topology.closeAll(all, e);
            throw e;
        }
    }

    /** The name the Sentinels know the master by. */
    public String masterName() {
        return masterName;
    }

    /** The three Sentinels. */
    public List<RedisServer> sentinels() {
        return sentinels;
    }

    /** The Sentinels' addresses, {@code 127.0.0.1:port}, as Sentinel-aware clients take them. */
    public List<String> sentinelAddresses() {
        return sentinels.stream().map(s -> s.host() + ":" + s.port()).toList();
    }

    /** The master and replicas, in start order (the first was the master at start). */
    public List<RedisServer> servers() {
        return servers;
    }

    /**
     * The master as the first running Sentinel that answers reports it
     * ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}).
     *
     * @throws IllegalStateException if no Sentinel answers
     */
    public synchronized RedisServer master() {
        RuntimeException failure = new IllegalStateException("No Sentinel answers");
        for (RedisServer sentinel : runningSentinels()) {
            try {
                return byPort(reportedMasterPort(sentinel));
            } catch (UncheckedIOException | RedisReplyException e) {
                failure.addSuppressed(e);
            }
        }
        throw failure;
    }

    /** Every server but the {@link #master()}, in start order, whether running or not. */
    public synchronized List<RedisServer> replicas() {
        RedisServer master = master();
        return servers.stream().filter(s -> s != master).toList();
    }

    /**
     * From now on, the master acknowledges writes that no replica receives: every replica is frozen
     * (SIGSTOP) and its replication link closed. Kill the master, {@link #releaseReplication()}, and a
     * Sentinel promotes a replica without those writes. While the master lives,
     * {@link #releaseReplication()} lets the replicas catch up. A frozen replica is not promoted.
     */
    public synchronized void holdBackReplication() {
        heldBack.addAll(Topology.holdBack(master(), replicas()));
    }

    /** Resumes the replicas that {@link #holdBackReplication()} froze. */
    public synchronized void releaseReplication() {
        heldBack.forEach(RedisServer::resume);
        heldBack.clear();
    }

    /**
     * Asks a Sentinel to fail over at once ({@code SENTINEL FAILOVER}, no agreement needed), and
     * returns the new master once the failover is complete, as {@link #awaitFailover}.
     *
     * @throws RedisReplyException if the Sentinel refuses, for example {@code NOGOODSLAVE}
     * @throws IllegalStateException if the failover is not complete within {@code timeout}
     */
    public synchronized RedisServer failover(Duration timeout) {
        RedisServer old = master();
        runningSentinels().get(0).call("SENTINEL", "FAILOVER", masterName);
        return awaitFailover(old, timeout);
    }

    /**
     * The master crashes and a replica takes over at once: kills the master (SIGKILL), resumes the replicas
     * that {@link #holdBackReplication()} froze (which therefore lack every write since), and asks a Sentinel
     * to fail over ({@code SENTINEL FAILOVER}) instead of waiting for {@link #DOWN_AFTER} and the Sentinels'
     * agreement. Returns the new master once the failover is complete, as {@link #awaitFailover}: about
     * 1.2 s here, against about 3.2 s for the Sentinels' own detection. The request is made only within half of
     * {@code DOWN_AFTER} of the kill, so that it never races a failover the other Sentinels start by themselves;
     * if no replica is eligible by then (one frozen for more than a few seconds), the Sentinels' own
     * failover is awaited instead.
     *
     * @throws IllegalStateException if the failover is not complete within {@code timeout}
     */
    public synchronized RedisServer crashMasterAndFailOver(Duration timeout) {
        RedisServer old = master();
        RedisServer asked = runningSentinels().get(0);
        old.kill();
        long killed = System.nanoTime();
        releaseReplication();
        while (System.nanoTime() - killed < DOWN_AFTER.toNanos() / 2) {
            try {
                asked.call("SENTINEL", "FAILOVER", masterName);
                break;
            } catch (RedisReplyException e) {
                if (String.valueOf(e.getMessage()).contains("INPROG")) {
                    break; // already under way
                }
                // NOGOODSLAVE: a resumed replica has not answered a Sentinel's ping yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while failing over", e);
            }
        }
        return awaitFailover(old, timeout);
    }

    /**
     * Waits until a failover away from {@code oldMaster} is complete: every running Sentinel reports
     * the same new master, which says it is a master and answers a write. Returns it.
     *
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    public synchronized RedisServer awaitFailover(RedisServer oldMaster, Duration timeout) {
        RedisServer[] found = new RedisServer[1];
        Topology.await("a failover away from " + oldMaster.port(), timeout, () -> {
            Map<RedisServer, Integer> reported = new HashMap<>();
            for (RedisServer sentinel : runningSentinels()) {
                reported.put(sentinel, reportedMasterPort(sentinel));
            }
            if (Set.copyOf(reported.values()).size() != 1 || reported.containsValue(oldMaster.port())) {
                return "Sentinels report " + reported;
            }
            found[0] = byPort(reported.values().iterator().next());
            if (!"master".equals(Topology.info(found[0], "replication").get("role"))) {
                return found[0].port() + " is not a master yet";
            }
            return Topology.notWritable(found[0], "latchkey:testkit:probe");
        });
        return found[0];
    }

    /**
     * Brings the topology back to full strength: restarts every stopped server and Sentinel, resumes
     * held-back replicas, makes every server but the master its replica (without waiting for the
     * Sentinels to do it), and waits until they are in sync and every Sentinel sees them.
     *
     * @throws IllegalStateException if that takes more than 30 s
     */
    public synchronized void rejoin() {
        releaseReplication();
        for (RedisServer sentinel : sentinels) {
            if (!sentinel.isAlive()) {
                sentinel.restart();
            }
        }
        RedisServer master = master();
        List<RedisServer> replicas = replicas();
        for (RedisServer server : replicas) {
            if (!server.isAlive()) {
                server.restart();
            }
            server.call("REPLICAOF", master.host(), Integer.toString(master.port()));
        }
        Topology.await("replicas in sync", Topology.READY_TIMEOUT, () -> Topology.notInSync(master, replicas));
        awaitSentinels(Topology.READY_TIMEOUT);
    }

    /** Stops every server and Sentinel and deletes their directories. Idempotent. */
    @Override
    public void close() {
        List<RedisServer> all = new ArrayList<>(sentinels);
        all.addAll(servers);
        Topology.closeAll(all, null);
    }

    /** Waits until every Sentinel sees the master up, every replica, and the other Sentinels. */
    private void awaitSentinels(Duration timeout) {
        Topology.await("Sentinels see the whole topology", timeout, () -> {
            for (RedisServer sentinel : sentinels) {
                Map<String, String> state = sentinelState(sentinel);
                if (!"master".equals(state.get("flags"))
                        || !String.valueOf(servers.size() - 1).equals(state.get("num-slaves"))
                        || !String.valueOf(SENTINELS - 1).equals(state.get("num-other-sentinels"))) {
                    return "Sentinel " + sentinel.port() + " sees " + state;
                }
            }
            return null;
        });
    }

    private Map<String, String> sentinelState(RedisServer sentinel) {
        List<?> fields = (List<?>) sentinel.call("SENTINEL", "MASTER", masterName);
        Map<String, String> state = new HashMap<>();
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            state.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
        }
        return state;
    }

    private int reportedMasterPort(RedisServer sentinel) {
        List<?> address = (List<?>) sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        return Integer.parseInt(String.valueOf(Objects.requireNonNull(address, "no master named " + masterName).get(1)));
    }

    private List<RedisServer> runningSentinels() {
        return sentinels.stream().filter(RedisServer::isAlive).toList();
    }

    private RedisServer byPort(int port) {
        return servers.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("Sentinel reports a master on port " + port + ", not one of " + servers));
    }
}
