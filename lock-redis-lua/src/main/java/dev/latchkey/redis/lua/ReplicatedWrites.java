package dev.latchkey.redis.lua;

import dev.latchkey.LockUnavailableException;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.ReplicaWait;
import java.time.Duration;
import java.util.List;

/**
 * The scripts that change a lock (acquire, extend, release), run so that they count only once the
 * replicas have them: options {@code replicas=N&replicaTimeout=T&waitaof=false}.
 *
 * <p>Design note. A failover (Sentinel, Redis Cluster) promotes a replica, which has only what reached it
 * before the master died: a grant the master acknowledged but never replicated is forgotten, and the lock
 * is granted twice (the Redis documentation's caveat on replication in "Distributed Locks with Redis";
 * Kleppmann, "How to do distributed locking"). With {@code replicas=N}, every such script is followed on its
 * own connection, in the same round trip, by {@code WAIT N T} (which counts only that connection's writes),
 * or {@code WAITAOF 0 N T} with {@code waitaof=true} on Redis 7.2 or later (on an older server, WAIT: the
 * description says so). A script that changed the lock, or found it the caller's (any answer but {@code {0, …}}), counts only when N
 * replicas acknowledged it; otherwise the call throws {@link LockUnavailableException} ({@code NOT_READY},
 * "not acknowledged by N replicas within T ms"), so the engine undoes an acquisition with an owner-checked
 * release, as it undoes any failed one, and a release or extend so failed has an unknown outcome, as after a
 * lost reply. This class never undoes anything. A script that changed nothing (not granted, not the holder)
 * answers as it is. An acquisition that finds the lock already its own (a hand-off announced by a release
 * whose own WAIT may yet fail) writes too, so that its WAIT covers the hand-off before it in the stream. The fencing counter is incremented by the acquire script, so the same WAIT covers it.
 *
 * <p>WAIT is only as strong as N: Sentinel and Cluster promote the replica with the most data that they know
 * of, which need not be one that acknowledged. With N equal to the number of replicas that can be promoted,
 * every candidate has every write that counted.
 *
 * <p>Immutable and thread-safe.
 */
final class ReplicatedWrites {
    private static final System.Logger LOG = System.getLogger(ReplicatedWrites.class.getName());

    private final RedisPort port;
    /** Null: no acknowledgement. */
    private final ReplicaWait wait;
    private final String description;

    private ReplicatedWrites(RedisPort port, ReplicaWait wait, String description) {
        this.port = port;
        this.wait = wait;
        this.description = description;
    }

    /** Writes that count as soon as the master has them. */
    static ReplicatedWrites none(RedisPort port) {
        return new ReplicatedWrites(port, null, "");
    }

    /**
     * Writes that count once {@code replicas} replicas acknowledged them within {@code timeout}; none if
     * {@code replicas} is 0. With {@code aof}, asks the server its version: WAITAOF needs 7.2 or later, else WAIT.
     */
    static ReplicatedWrites of(RedisPort port, int replicas, Duration timeout, boolean aof) {
        if (replicas == 0) {
            return none(port);
        }
        String note = "";
        if (aof) {
            String version = port.serverVersion();
            if (!ReplicaWait.hasWaitAof(version)) {
                aof = false;
                note = "; WAITAOF asked, but Redis " + version + " has none";
                LOG.log(System.Logger.Level.WARNING, "redis-lua: option waitaof=true, but the server ({0}) is Redis {1}, which has"
                        + " no WAITAOF (7.2 or later): writes wait for WAIT {2} instead (in the replicas'' memory, not fsynced)",
                        port.describe(), version, replicas);
            }
        }
        ReplicaWait wait = new ReplicaWait(replicas, timeout.toMillis(), aof);
        return new ReplicatedWrites(port, wait, ", acknowledged by " + replicas + (replicas == 1 ? " replica" : " replicas")
                + " within " + timeout.toMillis() + " ms (" + (aof ? "WAITAOF" : "WAIT") + note + ")");
    }

    /** Whether writes wait for replicas. */
    boolean acknowledged() {
        return wait != null;
    }

    /** For the driver's description: empty, or {@code , acknowledged by 1 replica within 500 ms (WAIT)}. */
    String describe() {
        return description;
    }

    /**
     * Runs a script that changes lock {@code name}, or finds it the caller's, when it answers anything but
     * {@code {0, …}}.
     *
     * @throws LockUnavailableException if it changed the lock and fewer replicas than required acknowledged
     */
    List<Object> eval(RedisScript script, String name, List<String> keys, List<String> args) {
        if (wait == null) {
            return port.eval(script, keys, args);
        }
        ReplicaWait.Acknowledged done = port.evalAndWait(script, keys, args, wait);
        if (!Long.valueOf(0).equals(done.reply().get(0)) && done.acknowledged() < wait.replicas()) {
            throw new LockUnavailableException("redis " + script.name().replace(".lua", "") + " of lock '" + name
                    + "' not acknowledged by " + wait.replicas() + (wait.replicas() == 1 ? " replica" : " replicas") + " within "
                    + wait.timeoutMillis() + " ms (" + done.acknowledged() + " did, " + wait.command() + " at " + port.describe()
                    + "): it does not count, as a failover could lose it", LockUnavailableException.Reason.NOT_READY, null);
        }
        return done.reply();
    }
}
