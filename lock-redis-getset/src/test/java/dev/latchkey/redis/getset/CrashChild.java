package dev.latchkey.redis.getset;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import java.time.Duration;

/**
 * The holder that {@link ClientCrashTest} kills: opens {@code args[0]}, acquires lock {@code args[1]}
 * with a lease of {@code args[2]} ms, prints {@code HOLDING <wall ms before acquiring> <wall ms after>}
 * and waits to be killed.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        LockClient client = Locks.open(args[0]);
        long before = System.currentTimeMillis();
        client.lock(args[1]).acquire(Duration.ofSeconds(30), Duration.ofMillis(Long.parseLong(args[2])));
        long after = System.currentTimeMillis();
        System.out.println("HOLDING " + before + " " + after);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
