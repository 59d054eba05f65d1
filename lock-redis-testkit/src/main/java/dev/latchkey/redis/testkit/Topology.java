package dev.latchkey.redis.testkit;

import dev.latchkey.redis.embedded.EmbeddedRedis;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the topologies share: node options, INFO parsing, waiting for replicas to be in
 * sync, holding replication back, and polling with a readable failure. Stateless, so thread-safe.
 */
final class Topology {

    /** How long a topology may take to become ready; generous, as a failure only costs time then. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private Topology() {
    }

    /**
     * Options of every data node in a replicated topology: diskless full syncs without the delay of
     * Redis 7's default, so that replicas are in sync within milliseconds of starting.
     */
    static EmbeddedRedis.Builder dataNode() {
        return EmbeddedRedis.builder().args("--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0");
    }

    /** One INFO section as a map, for example {@code info(server, "replication").get("role")}. */
    static Map<String, String> info(RedisInstance server, String section) {
        Map<String, String> fields = new HashMap<>();
        for (String line : String.valueOf(server.call("INFO", section)).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    /**
     * Why the replicas are not (yet) in sync with {@code master}: each must report its link to that
     * master up and have processed at least the master's offset read first, and together they must
     * acknowledge a new write within {@link #QUICK_ACK} (a replica that has just resynchronised, and
     * rewrites its append-only file, can be slow to acknowledge for a moment: a test's first
     * acknowledged write must not meet that moment). The write is a PUBLISH to a channel nobody
     * listens to, so that no key is left behind. Null when they are.
     */
    static String notInSync(RedisServer master, Collection<RedisServer> replicas) {
        long offset = Long.parseLong(info(master, "replication").get("master_repl_offset"));
        for (RedisServer replica : replicas) {
            Map<String, String> info = info(replica, "replication");
            if (!"slave".equals(info.get("role")) || !String.valueOf(master.port()).equals(info.get("master_port"))
                    || !"up".equals(info.get("master_link_status"))) {
                return replica.port() + " is not a connected replica of " + master.port() + ": " + info;
            }
            long replicated = Long.parseLong(info.get("slave_repl_offset"));
            if (replicated < offset) {
                return replica.port() + " has replicated up to offset " + replicated + " of " + offset;
            }
        }
        if (replicas.isEmpty()) {
            return null;
        }
        master.call("PUBLISH", "latchkey-testkit:probe", "ack?");
        Object acked = master.call("WAIT", Integer.toString(replicas.size()), Long.toString(QUICK_ACK.toMillis()));
        return acked instanceof Long n && n >= replicas.size() ? null
                : acked + " of " + replicas.size() + " replicas acknowledged a write within " + QUICK_ACK.toMillis() + " ms";
    }

    /** How soon replicas in sync must acknowledge a write. */
    static final Duration QUICK_ACK = Duration.ofMillis(100);

    /**
     * Holds replication back: freezes the running replicas (SIGSTOP), then closes every replication link on
     * the master, so that the master acknowledges writes that no replica receives. A frozen replica
     * cannot reconnect, and SIGSTOP alone would not do: the kernel would still buffer the stream for
     * it. Undone by resuming the replicas, which then catch up if the master is still there.
     */
    static List<RedisServer> holdBack(RedisServer master, Collection<RedisServer> replicas) {
        List<RedisServer> running = replicas.stream().filter(RedisServer::isAlive).toList();
        running.forEach(RedisServer::pause);
        master.call("CLIENT", "KILL", "TYPE", "replica");
        await("the master has no replica connected", READY_TIMEOUT, () -> {
            String connected = info(master, "replication").get("connected_slaves");
            return "0".equals(connected) ? null : connected + " replicas still connected";
        });
        return running;
    }

    /** Why {@code server} does not take a write of {@code key} (as master of its slot). Null when it does. */
    static String notWritable(RedisServer server, String key) {
        Object reply = server.call("SET", key, "written by the testkit");
        return "OK".equals(reply) ? null : "SET answered " + reply;
    }

    /**
     * Polls until {@code problem} returns null, at most {@code timeout}. An error reply or an
     * unreachable server counts as a problem, not a failure.
     *
     * @throws IllegalStateException after the timeout, with the last problem
     */
    static void await(String what, Duration timeout, Supplier<String> problem) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String last;
            try {
                last = problem.get();
            } catch (RedisReplyException | UncheckedIOException e) {
                last = e.getMessage();
            }
            if (last == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Not done within " + timeout.toMillis() + " ms: " + what + "; last seen: " + last);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting until " + what, e);
            }
        }
    }

    /** Stops every server even if some fail to stop; the first failure is thrown, the others suppressed. */
    static void closeAll(List<RedisServer> servers, RuntimeException failure) {
        RuntimeException first = failure;
        for (RedisServer server : servers) {
            try {
                server.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (failure == null && first != null) {
            throw first;
        }
    }
}
