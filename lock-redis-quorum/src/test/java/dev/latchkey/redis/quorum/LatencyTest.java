package dev.latchkey.redis.quorum;

import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Measures uncontended acquire and release latency on 3 and 5 local nodes, for the README. Not a
 * benchmark (that is JMH's job) and not an assertion: it prints percentiles. Runs with the soak profile.
 */
@Tag("soak")
class LatencyTest {
    private static final int WARMUP = 2_000;
    private static final int SAMPLES = 10_000;

    @ParameterizedTest
    @CsvSource({"3,jedis", "3,lettuce", "5,jedis", "5,lettuce"})
    void uncontendedAcquireAndRelease(int size, String client) throws Exception {
        List<RedisServer> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            nodes.add(RedisServer.start());
        }
        try (LockClient c = TestQuorum.open(nodes, client, "")) {
            String name = TestQuorum.name("latency");
            long[] acquire = new long[SAMPLES];
            long[] release = new long[SAMPLES];
            for (int i = 0; i < WARMUP + SAMPLES; i++) {
                long t0 = System.nanoTime();
                Lease lease = c.lock(name).tryAcquire(Duration.ZERO, Duration.ofSeconds(30)).orElseThrow();
                long t1 = System.nanoTime();
                lease.release();
                long t2 = System.nanoTime();
                if (i >= WARMUP) {
                    acquire[i - WARMUP] = t1 - t0;
                    release[i - WARMUP] = t2 - t1;
                }
            }
            long[] ping = new long[1_000];
            for (int i = 0; i < ping.length; i++) {
                long t0 = System.nanoTime();
                nodes.get(0).call("PING");
                ping[i] = System.nanoTime() - t0;
            }
            System.out.printf(Locale.ROOT, "[latency] quorum-%d %-7s acquire %s | release %s | PING on a new connection (testkit) %s%n",
                    size, client, percentiles(acquire), percentiles(release), percentiles(ping));
        } finally {
            nodes.forEach(RedisServer::close);
        }
    }

    private static String percentiles(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms", s[s.length / 2] / 1e6,
                s[(int) (s.length * 0.99)] / 1e6, s[(int) (s.length * 0.999)] / 1e6);
    }
}
