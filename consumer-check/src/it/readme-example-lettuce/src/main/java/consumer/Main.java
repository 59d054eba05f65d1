package consumer;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.embedded.EmbeddedRedis;
import java.time.Duration;

/**
 * The README's example with lock-redis-lettuce as the only client adapter, so that the URI needs no
 * {@code client} option. The argument ({@code class-path} or {@code module-path}) is checked; any
 * failure ends the JVM with a non-zero status.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        if (Main.class.getModule().isNamed() != args[0].equals("module-path")) {
            throw new AssertionError("meant to run on the " + args[0] + ", but runs in " + Main.class.getModule());
        }
        try (EmbeddedRedis redis = EmbeddedRedis.start();
             LockClient client = Locks.open("redis-lua://127.0.0.1:" + redis.port() + "?lease=30s")) {
            if (!client.describe().contains("lettuce")) {
                throw new AssertionError("the only adapter present is lettuce, but: " + client.describe());
            }
            DistributedLock lock = client.lock("orders");
            try (Lease lease = lock.acquire(Duration.ofSeconds(5), Duration.ofSeconds(30))) {
                lease.renewAutomatically().onLost(e -> { throw new AssertionError("lease lost", e); });
                if (lease.fencingToken() < 1) {
                    throw new AssertionError("fencing token " + lease.fencingToken());
                }
            }
            System.out.println(args[0] + ": " + client.describe());
        }
    }
}
