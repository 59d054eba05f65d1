package dev.latchkey.redis.common;

import java.util.List;

/**
 * What a write waits for before it counts, sent after it on the same connection: {@code WAIT replicas
 * timeout} (the replicas have it in memory), or with {@code aof} {@code WAITAOF 0 replicas timeout} (they
 * have it fsynced to their append-only file; Redis 7.2 or later, see {@link #hasWaitAof}). Immutable and
 * thread-safe.
 *
 * @param replicas      how many replicas must acknowledge, at least 1
 * @param timeoutMillis how long the server waits for them, at least 1 ms (0 would mean forever)
 * @param aof           WAITAOF instead of WAIT
 */
public record ReplicaWait(int replicas, long timeoutMillis, boolean aof) {

    public ReplicaWait {
        if (replicas < 1 || timeoutMillis < 1) {
            throw new IllegalArgumentException("need replicas >= 1 and timeoutMillis >= 1, was " + replicas + " and " + timeoutMillis);
        }
    }

    /** {@code WAIT 1 500} or {@code WAITAOF 0 1 500}, for messages. */
    public String command() {
        return (aof ? "WAITAOF 0 " : "WAIT ") + replicas + " " + timeoutMillis;
    }

    /** Whether a server of this version ({@code INFO server}'s {@code redis_version}, e.g. {@code 7.2.4}) has WAITAOF (7.2 or later). */
    public static boolean hasWaitAof(String version) {
        String[] parts = version.strip().split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 7 || major == 7 && minor >= 2;
        } catch (NumberFormatException unknown) {
            return false;
        }
    }

    /**
     * A script's reply and how many replicas acknowledged, when the reply came, every write its connection had
     * made up to and including the script's.
     *
     * @param reply        as {@link RedisPort#eval}
     * @param acknowledged the replicas that acknowledged (WAIT's reply, or WAITAOF's second number)
     */
    public record Acknowledged(List<Object> reply, long acknowledged) {
    }
}
