package dev.latchkey.redis.getset;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.redis.testkit.RedisServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A real holder process killed with SIGKILL: the lock passes on once its lease has run out, and not before. */
class ClientCrashTest {
    private static final long LEASE_MILLIS = 1_000;
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.latchkey.redis.getset.Redis#clientsAndModes")
    void aKilledHoldersLockIsTakenOverAfterItsLease(String client, String mode) throws Exception {
        String name = "crash-" + client + "-" + mode;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long launched = System.nanoTime();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                Redis.uri(server, client, mode, ""), name, Long.toString(LEASE_MILLIS))
                .redirectErrorStream(true).start();
        try (LockClient survivor = Redis.open(server, client, mode, "")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> readUntilHolding(out)).get(Redis.scaledMillis(30_000), TimeUnit.MILLISECONDS);
            long startup = Redis.millisSince(launched);
            String[] words = line.split(" ");
            long childBefore = Long.parseLong(words[1]);
            long childHolding = Long.parseLong(words[2]);

            child.destroyForcibly(); // SIGKILL: no release, no shutdown hook
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child must die");
            Lease lease = survivor.lock(name).acquire(Duration.ofSeconds(10), Duration.ofSeconds(5));
            long takeover = System.currentTimeMillis();
            lease.release();

            long sinceBefore = takeover - childBefore;
            long sinceHolding = takeover - childHolding;
            System.out.printf("crash %s %s: child held the lock %d ms after launch; taken over %d ms after its grant (lease %d ms)%n",
                    client, mode, startup, sinceHolding, LEASE_MILLIS);
            assertTrue(sinceBefore >= LEASE_MILLIS, "taken over " + sinceBefore + " ms after the child started acquiring");
            assertTrue(sinceHolding <= LEASE_MILLIS + Redis.scaledMillis(1_000), "taken over " + sinceHolding + " ms after the child's grant");
        } finally {
            child.destroyForcibly();
        }
    }

    private static String readUntilHolding(BufferedReader out) {
        StringBuilder seen = new StringBuilder();
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("HOLDING ")) {
                    return line;
                }
                seen.append(line).append('\n');
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("the child exited without holding the lock:\n" + seen);
    }
}
