package dev.latchkey.redis.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.latchkey.redis.embedded.RedisBinary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster: masters sharing the 16384 slots evenly, in node order, each with the same number
 * of replicas; every node a {@link RedisServer} started with {@code cluster-node-timeout}
 * {@link #NODE_TIMEOUT} (so that a replica takes over a dead master within a few seconds) and
 * {@code cluster-replica-validity-factor 0} (a replica may take over however stale its data).
 *
 * <p>It is created with {@code redis-cli --cluster create} when a {@code redis-cli} sits next to the
 * {@code redis-server} binary ({@link RedisBinary#redisCli()}); otherwise, as the embedded binary has
 * none, with plain commands: distinct config epochs, {@code CLUSTER MEET}, {@code CLUSTER ADDSLOTS}
 * on the first nodes, {@code CLUSTER REPLICATE} on the others. {@code start} returns once every node
 * reports {@code cluster_state:ok}, knows every other, and every replica is in sync.
 *
 * <p>Roles change with failovers, so {@link #masters()}, {@link #replicasOf} and {@link #masterFor}
 * ask the cluster ({@code CLUSTER NODES}) each time. Faults: {@code kill()} (or pause, restart) of
 * any node; {@link #holdBackReplication}, so that a master acknowledges writes its replicas never
 * receive; {@link #failover} ({@code CLUSTER FAILOVER FORCE} or {@code TAKEOVER}); and
 * {@link #rejoin()}.
 *
 * <p>Thread-safe: the methods are synchronized; the nodes themselves are thread-safe.
 */
public final class RedisCluster implements AutoCloseable {

    /** How long a node may be unreachable before the cluster considers it failed. */
    public static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

    /** How a replica takes over its master's slots with {@code CLUSTER FAILOVER}. Immutable, so thread-safe. */
    public enum Failover {
        /** Without asking its master (which may be dead), with a majority of masters' votes. */
        FORCE,
        /** Without asking anyone: the replica bumps its epoch and claims the slots. */
        TAKEOVER
    }

    private static final int SLOTS = 16_384;
    private static final String PROBE_KEY = "latchkey:testkit:probe:";

    private final List<RedisServer> nodes;
    private final int masters;
    private final Map<RedisServer, String> probeKeys = new HashMap<>(); // guarded by this: a key of each master
    private final Set<RedisServer> heldBack = new HashSet<>(); // guarded by this

    private RedisCluster(List<RedisServer> nodes, int masters) {
        this.nodes = nodes;
        this.masters = masters;
    }

    /** Starts a cluster of three masters without replicas, as {@link #start(int, int)}. */
    public static RedisCluster start() {
        return start(3, 0);
    }

    /** Starts a cluster of {@code masters} masters without replicas, as {@link #start(int, int)}. */
    public static RedisCluster start(int masters) {
        return start(masters, 0);
    }

    /**
     * Starts a cluster of {@code masters} masters with {@code replicasPerMaster} replicas each, and
     * waits until it is ready.
     *
     * @throws IllegalArgumentException if {@code masters < 1} or {@code replicasPerMaster < 0}
     * @throws IllegalStateException if a node cannot be started or the cluster is not ready within
     *     30 s; every node already started is stopped
     */
    public static RedisCluster start(int masters, int replicasPerMaster) {
        if (masters < 1 || replicasPerMaster < 0) {
            throw new IllegalArgumentException("need masters >= 1 and replicasPerMaster >= 0, was "
                    + masters + " and " + replicasPerMaster);
        }
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
                nodes.add(RedisServer.start(Topology.dataNode().cluster().args(
                        "--cluster-node-timeout", Long.toString(NODE_TIMEOUT.toMillis()),
                        "--cluster-replica-validity-factor", "0")));
            }
            Optional<Path> cli = RedisBinary.get().redisCli();
            if (cli.isPresent()) {
                createWithCli(cli.get(), nodes, replicasPerMaster);
            } else {
                createWithCommands(nodes, masters);
            }
            RedisCluster cluster = new RedisCluster(List.copyOf(nodes), masters);
            cluster.awaitReady(Topology.READY_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            Topology.closeAll(nodes, e);
            throw e;
        }
    }

    /** Every node, in start order; at start, the first {@code masters} are the masters. */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The URI of the first node, enough for a cluster client to discover the others. */
    public String seedUri() {
        return nodes.get(0).uri();
    }

    /** The nodes that serve slots now, as a running node sees the cluster, in start order. */
    public synchronized List<RedisServer> masters() {
        List<Node> view = view(anyNode());
        return nodes.stream().filter(n -> view.stream().anyMatch(v -> v.port == n.port() && v.isMaster())).toList();
    }

    /** The replicas of {@code master} now, as a running node sees the cluster, in start order. */
    public synchronized List<RedisServer> replicasOf(RedisServer master) {
        List<Node> view = view(anyNode());
        String id = view.stream().filter(v -> v.port == master.port()).findFirst().orElseThrow().id;
        return nodes.stream().filter(n -> view.stream().anyMatch(v -> v.port == n.port() && id.equals(v.masterId))).toList();
    }

    /** The master that serves {@code key}'s slot now, as a running node sees the cluster. */
    public synchronized RedisServer masterFor(String key) {
        RedisServer node = anyNode();
        return ownerOf(view(node), slotOf(node, key));
    }

    /**
     * From now on, {@code master} acknowledges writes that its replicas never receive: they are
     * frozen (SIGSTOP) and their replication links closed. Kill the master,
     * {@link #releaseReplication()}, and the replica that takes over lacks those writes. While the
     * master lives, {@link #releaseReplication()} lets the replicas catch up.
     */
    public synchronized void holdBackReplication(RedisServer master) {
        heldBack.addAll(Topology.holdBack(master, replicasOf(master)));
    }

    /** Resumes every replica that {@link #holdBackReplication} froze. */
    public synchronized void releaseReplication() {
        heldBack.forEach(RedisServer::resume);
        heldBack.clear();
    }

    /**
     * Sends {@code CLUSTER FAILOVER FORCE} or {@code TAKEOVER} to {@code replica}, and returns the new
     * master of its master's slots once the failover is complete, as {@link #awaitFailover}.
     *
     * @throws IllegalArgumentException if {@code replica} is a master
     * @throws RedisReplyException if the replica refuses
     * @throws IllegalStateException if the failover is not complete within {@code timeout}
     */
    public synchronized RedisServer failover(RedisServer replica, Failover mode, Duration timeout) {
        List<Node> view = view(replica);
        String masterId = view.stream().filter(Node::isMyself).findFirst().orElseThrow().masterId;
        if (masterId.equals("-")) {
            throw new IllegalArgumentException(replica + " is a master, not a replica");
        }
        RedisServer oldMaster = byPort(view.stream().filter(v -> v.id.equals(masterId)).findFirst().orElseThrow().port);
        replica.call("CLUSTER", "FAILOVER", mode.name());
        return awaitFailover(oldMaster, timeout);
    }

    /**
     * Waits until the slots of {@code oldMaster} (a master when the cluster was last ready) have
     * moved: every running node names the same new master for them, reports
     * {@code cluster_state:ok}, and the new master answers a write there. Returns the new master.
     *
     * @throws IllegalArgumentException if {@code oldMaster} served no slots when last seen
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    public synchronized RedisServer awaitFailover(RedisServer oldMaster, Duration timeout) {
        String key = probeKeys.get(oldMaster);
        if (key == null) {
            throw new IllegalArgumentException(oldMaster + " served no slots when last seen; masters were " + probeKeys.keySet());
        }
        int slot = slotOf(anyNode(), key);
        RedisServer[] found = new RedisServer[1];
        Topology.await("a failover of slot " + slot + " away from " + oldMaster.port(), timeout, () -> {
            Set<Integer> owners = new HashSet<>();
            for (RedisServer node : reachableNodes()) {
                if (!String.valueOf(node.call("CLUSTER", "INFO")).contains("cluster_state:ok\r\n")) {
                    return node.port() + " reports the cluster not ok";
                }
                owners.add(ownerOf(view(node), slot).port());
            }
            if (owners.size() != 1 || owners.contains(oldMaster.port())) {
                return "nodes name the master of slot " + slot + ": " + owners;
            }
            found[0] = byPort(owners.iterator().next());
            return Topology.notWritable(found[0], key);
        });
        probeKeys.remove(oldMaster);
        probeKeys.put(found[0], key);
        return found[0];
    }

    /**
     * Brings the cluster back to full strength: resumes held-back replicas, restarts every stopped
     * node (which keeps its identity; a former master comes back as a replica of the node that took
     * its slots), and waits until the cluster is ready again.
     *
     * @throws IllegalStateException if that takes more than 30 s
     */
    public synchronized void rejoin() {
        releaseReplication();
        for (RedisServer node : nodes) {
            if (!node.isAlive()) {
                node.restart();
            }
        }
        awaitReady(Topology.READY_TIMEOUT);
    }

    /** Stops every node and deletes its directory. Idempotent. */
    @Override
    public void close() {
        Topology.closeAll(nodes, null);
    }

    private static void createWithCli(Path cli, List<RedisServer> nodes, int replicasPerMaster) {
        List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
        nodes.forEach(n -> command.add(n.host() + ":" + n.port()));
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        String output;
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            output = new String(process.getInputStream().readAllBytes(), UTF_8);
            if (!process.waitFor(Topology.READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + cli + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the cluster", e);
        }
    }

    /** Redis 6.2 has no ADDSLOTSRANGE: each master gets its slots one by one, in one command. */
    private static void createWithCommands(List<RedisServer> nodes, int masters) {
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        }
        for (RedisServer node : nodes.subList(1, nodes.size())) {
            nodes.get(0).call("CLUSTER", "MEET", node.host(), Integer.toString(node.port()));
        }
        for (int i = 0; i < masters; i++) {
            List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = i * SLOTS / masters; slot < (i + 1) * SLOTS / masters; slot++) {
                args.add(Integer.toString(slot));
            }
            nodes.get(i).call(args.toArray(String[]::new));
        }
        for (int i = masters; i < nodes.size(); i++) {
            RedisServer replica = nodes.get(i);
            String masterId = (String) nodes.get(i % masters).call("CLUSTER", "MYID");
            // Refused with "Unknown node" until the gossip from MEET has reached the replica.
            Topology.await(replica.port() + " replicates " + masterId, Topology.READY_TIMEOUT,
                    () -> "OK".equals(replica.call("CLUSTER", "REPLICATE", masterId)) ? null : "not yet");
        }
    }

    /**
     * Waits until every reachable node reports the cluster ok and knows every node, none is flagged
     * failing, {@code masters} nodes serve slots, and each has its replicas in sync; then picks a
     * probe key in each master's slots.
     */
    private void awaitReady(Duration timeout) {
        Topology.await("the Redis Cluster is ready", timeout, () -> {
            for (RedisServer node : reachableNodes()) {
                String info = String.valueOf(node.call("CLUSTER", "INFO"));
                if (!info.contains("cluster_state:ok\r\n") || !info.contains("cluster_known_nodes:" + nodes.size() + "\r\n")) {
                    return node.port() + ": " + info.strip();
                }
            }
            List<Node> view = view(anyNode());
            for (Node v : view) {
                if (v.flags.contains("fail") || v.flags.contains("fail?") || v.flags.contains("handshake")) {
                    return "node " + v.port + " is flagged " + v.flags;
                }
            }
            List<Node> serving = view.stream().filter(Node::isMaster).toList();
            if (serving.size() != masters) {
                return serving.size() + " masters serve slots, not " + masters;
            }
            // A restarted former master serves no slots until it learns it lost them, and replicates
            // no one until it turns into a replica of their new owner: not ready until it has.
            for (Node v : view) {
                if (!v.isMaster() && serving.stream().noneMatch(m -> m.id.equals(v.masterId))) {
                    return "node " + v.port + " neither serves slots nor replicates a master that does";
                }
            }
            for (Node master : serving) {
                List<RedisServer> replicas = view.stream().filter(v -> master.id.equals(v.masterId)).map(v -> byPort(v.port)).toList();
                String problem = Topology.notInSync(byPort(master.port), replicas);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        });
        pickProbeKeys();
    }

    /** A key in the slots of each master, for checking later that whoever serves them takes writes. */
    private void pickProbeKeys() {
        RedisServer node = anyNode();
        List<Node> view = view(node);
        probeKeys.clear();
        for (int i = 0; probeKeys.size() < masters; i++) {
            String key = PROBE_KEY + i;
            probeKeys.putIfAbsent(ownerOf(view, slotOf(node, key)), key);
        }
    }

    private static int slotOf(RedisServer node, String key) {
        return ((Long) node.call("CLUSTER", "KEYSLOT", key)).intValue();
    }

    private RedisServer ownerOf(List<Node> view, int slot) {
        return view.stream().filter(v -> v.serves(slot)).findFirst().map(v -> byPort(v.port))
                .orElseThrow(() -> new IllegalStateException("no node serves slot " + slot + " in " + view));
    }

    /** Running nodes, except frozen replicas, which would not answer. */
    private List<RedisServer> reachableNodes() {
        return nodes.stream().filter(n -> n.isAlive() && !heldBack.contains(n)).toList();
    }

    private RedisServer anyNode() {
        return reachableNodes().stream().findFirst().orElseThrow(() -> new IllegalStateException("No node is running"));
    }

    private RedisServer byPort(int port) {
        return nodes.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("The cluster names a node on port " + port + ", not one of ours"));
    }

    private static List<Node> view(RedisServer node) {
        List<Node> view = new ArrayList<>();
        for (String line : String.valueOf(node.call("CLUSTER", "NODES")).split("\n")) {
            if (!line.isBlank()) {
                view.add(Node.parse(line.strip()));
            }
        }
        return view;
    }

    /**
     * One line of {@code CLUSTER NODES}: {@code <id> <ip:port@cport[,hostname]> <flags> <master id>
     * <ping> <pong> <epoch> <link> <slot ranges...>}.
     */
    private record Node(String id, int port, Set<String> flags, String masterId, List<int[]> slots) {

        static Node parse(String line) {
            String[] f = line.split(" ");
            int port = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':', f[1].indexOf('@')) + 1, f[1].indexOf('@')));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (!f[i].startsWith("[")) { // "[slot->-id]": a slot being migrated
                    String[] range = f[i].split("-");
                    slots.add(new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[range.length - 1])});
                }
            }
            return new Node(f[0], port, Set.of(f[2].split(",")), f[3], slots);
        }

        boolean isMaster() {
            return flags.contains("master") && !slots.isEmpty();
        }

        boolean isMyself() {
            return flags.contains("myself");
        }

        boolean serves(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        @Override
        public String toString() {
            return port + " " + flags;
        }
    }
}
