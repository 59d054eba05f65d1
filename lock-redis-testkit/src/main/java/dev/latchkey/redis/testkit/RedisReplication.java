package dev.latchkey.redis.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A master and its replicas ({@code replicaof}), with no Sentinel: failover is by hand, with
 * {@link #promote(RedisServer)}.
 *
 * <p>Faults: {@code master().kill()} (or pause, restart) as on any {@link RedisServer};
 * {@link #holdBackReplication()}, so that the master acknowledges writes that no replica receives;
 * {@link #promote(RedisServer)}; and {@link #rejoin()} to bring every server back as a replica.
 *
 * <p>Thread-safe: the methods are synchronized; the servers themselves are thread-safe.
 */
public final class RedisReplication implements AutoCloseable {

    private final List<RedisServer> servers;
    private final Set<RedisServer> heldBack = new HashSet<>(); // guarded by this
    private RedisServer master; // guarded by this

    private RedisReplication(List<RedisServer> servers) {
        this.servers = servers;
        this.master = servers.get(0);
    }

    /**
     * Starts a master and {@code replicas} replicas, and waits until the replicas are in sync.
     *
     * @throws IllegalArgumentException if {@code replicas < 1}
     * @throws IllegalStateException if a server cannot be started or the replicas are not in sync
     *     within 30 s; every server already started is stopped
     */
    public static RedisReplication start(int replicas) {
        return start(replicas, new String[0]);
    }

    /**
     * Like {@link #start(int)}, every server also started with {@code serverArgs} (for example an
     * append-only file fsynced on every write, so that a restart keeps every acknowledged write).
     */
    public static RedisReplication start(int replicas, String... serverArgs) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, was " + replicas);
        }
        List<RedisServer> servers = new ArrayList<>();
        try {
            RedisServer master = RedisServer.start(Topology.dataNode().args(serverArgs));
            servers.add(master);
            for (int i = 0; i < replicas; i++) {
                servers.add(RedisServer.start(Topology.dataNode().args(serverArgs).replicaOf(master.host(), master.port())));
            }
            RedisReplication replication = new RedisReplication(List.copyOf(servers));
            replication.awaitInSync(Topology.READY_TIMEOUT);
            return replication;
        } catch (RuntimeException e) {
            Topology.closeAll(servers, e);
            throw e;
        }
    }

    /** The current master: the first server, until {@link #promote(RedisServer)}. */
    public synchronized RedisServer master() {
        return master;
    }

    /** Every server but the current master, in start order, whether running or not. */
    public synchronized List<RedisServer> replicas() {
        return servers.stream().filter(s -> s != master).toList();
    }

    /** Every server, in start order (the first was the master at start). */
    public List<RedisServer> servers() {
        return servers;
    }

    /**
     * Waits until every running replica has the master's link up and has replicated everything the
     * master had written when the wait began.
     *
     * @throws IllegalStateException if they are not in sync within {@code timeout}
     */
    public synchronized void awaitInSync(Duration timeout) {
        List<RedisServer> running = replicas().stream().filter(RedisServer::isAlive).toList();
        Topology.await("replicas in sync with " + master.port(), timeout, () -> Topology.notInSync(master, running));
    }

    /**
     * From now on, the master acknowledges writes that no replica receives: every replica is frozen
     * (SIGSTOP) and its replication link closed. If the master then dies, those writes are lost on
     * any replica promoted after {@link #releaseReplication()}. While the master lives,
     * {@link #releaseReplication()} lets the replicas catch up.
     */
    public synchronized void holdBackReplication() {
        heldBack.addAll(Topology.holdBack(master, replicas()));
    }

    /** Resumes the replicas that {@link #holdBackReplication()} froze. */
    public synchronized void releaseReplication() {
        heldBack.forEach(RedisServer::resume);
        heldBack.clear();
    }

    /**
     * Promotes a replica ({@code REPLICAOF NO ONE}), points the other running replicas at it, and
     * returns it once it answers writes. The old master, if it still runs, is left alone: it is a
     * second master until {@link #rejoin()}.
     *
     * @throws IllegalArgumentException if {@code replica} is not one of this topology's replicas
     * @throws IllegalStateException if it does not answer writes within 30 s
     */
    public synchronized RedisServer promote(RedisServer replica) {
        if (!replicas().contains(replica)) {
            throw new IllegalArgumentException(replica + " is not a replica of " + master);
        }
        replica.resume();
        heldBack.remove(replica);
        replica.call("REPLICAOF", "NO", "ONE");
        RedisServer old = master;
        master = replica;
        for (RedisServer other : replicas()) {
            if (other != old && other.isAlive() && !heldBack.contains(other)) {
                other.call("REPLICAOF", master.host(), Integer.toString(master.port()));
            }
        }
        Topology.await(replica.port() + " answers writes", Topology.READY_TIMEOUT,
                () -> Topology.notWritable(replica, "latchkey:testkit:probe"));
        return replica;
    }

    /**
     * Brings the topology back to full strength: restarts every stopped server, resumes held-back
     * replicas, makes every server but the master its replica, and waits until they are in sync.
     *
     * @throws IllegalStateException if that takes more than 30 s
     */
    public synchronized void rejoin() {
        releaseReplication();
        for (RedisServer server : replicas()) {
            if (!server.isAlive()) {
                server.restart();
            }
            server.call("REPLICAOF", master.host(), Integer.toString(master.port()));
        }
        awaitInSync(Topology.READY_TIMEOUT);
    }

    /** Stops every server and deletes its directory. Idempotent. */
    @Override
    public void close() {
        Topology.closeAll(servers, null);
    }
}
