package consumer;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.embedded.EmbeddedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's "Using it" example on a redis-server of its own. The argument says how it was
 * started, and is checked: {@code class-path}, {@code module-path}, or {@code without-client} (class
 * path without lock-redis-jedis: {@code Locks.open} must say which artifact to add). Any failure
 * ends the JVM with a non-zero status, which fails the build.
 */
public final class Main {
    private static final List<Long> store = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        String how = args[0];
        if (Main.class.getModule().isNamed() != how.equals("module-path")) {
            throw new AssertionError("meant to run on the " + how + ", but runs in " + Main.class.getModule());
        }
        try (EmbeddedRedis redis = EmbeddedRedis.start()) {
            String uri = "redis-lua://127.0.0.1:" + redis.port() + "?lease=30s";
            if (how.equals("without-client")) {
                try {
                    Locks.open(uri).close();
                } catch (IllegalArgumentException e) {
                    String expected = "redis-lua needs a Redis client: add dev.latchkey:lock-redis-jedis (or dev.latchkey:lock-redis-lettuce)";
                    if (!e.getMessage().startsWith(expected)) {
                        throw new AssertionError("expected '" + expected + "...', got: " + e.getMessage(), e);
                    }
                    System.out.println("without-client: Locks.open said: " + e.getMessage());
                    return;
                }
                throw new AssertionError("Locks.open worked without a client adapter");
            }
            // The README's example, on this server's port:
            try (LockClient client = Locks.open(uri)) {
                DistributedLock lock = client.lock("orders");
                try (Lease lease = lock.acquire(Duration.ofSeconds(5), Duration.ofSeconds(30))) {
                    lease.renewAutomatically().onLost(e -> abortWork());
                    write(lease.fencingToken());   // the store rejects tokens lower than it has seen
                    try (LockClient other = Locks.open(uri)) {
                        if (other.lock("orders").tryAcquire().isPresent()) {
                            throw new AssertionError("a second client got the lock while the first held it");
                        }
                    }
                }
                try (Lease again = lock.acquire(Duration.ofSeconds(5), Duration.ofSeconds(30))) {
                    write(again.fencingToken());
                }
                System.out.println(how + ": " + client.describe() + ", fencing tokens " + store);
            }
        }
    }

    private static void write(long fencingToken) {
        if (!store.isEmpty() && fencingToken <= store.get(store.size() - 1)) {
            throw new AssertionError("fencing token " + fencingToken + " after " + store);
        }
        store.add(fencingToken);
    }

    private static void abortWork() {
        throw new AssertionError("lease lost");
    }
}
