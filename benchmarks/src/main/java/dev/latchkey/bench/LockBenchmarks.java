package dev.latchkey.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.Jedis;

/**
 * The JMH part: the floor and scenarios S1 to S3. Thread counts, iterations and the
 * {@code backend} values are chosen by {@link BenchmarkRunner}; the Redis port comes in the system
 * property {@value #PORT_PROPERTY}. Every benchmark is one acquire and one release (empty critical
 * section), so one operation is one "pair".
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LockBenchmarks {

    /** System property with the port of the Redis that the runner started. */
    public static final String PORT_PROPERTY = "latchkey.bench.redisPort";

    static int port() {
        return Integer.getInteger(PORT_PROPERTY, 6379);
    }

    /** One client of one backend, shared by all threads of a fork, as an application would share it. */
    @State(Scope.Benchmark)
    public static class Client {
        @Param({"inmemory", "getset", "lua-jedis", "lua-lettuce", "redisson"})
        public String backend;

        Backend.Target target;
        Backend.Mutex shared;

        @Setup(Level.Trial)
        public void open() {
            target = Backend.byId(backend).open(port());
            shared = target.lock(backend + ":shared");
        }

        @TearDown(Level.Trial)
        public void close() {
            target.close();
        }
    }

    /** A lock name of the thread's own, for S2. */
    @State(Scope.Thread)
    public static class OwnName {
        private static final AtomicInteger NEXT = new AtomicInteger();
        Backend.Mutex mutex;

        @Setup(Level.Trial)
        public void name(Client client) {
            mutex = client.target.lock(client.backend + ":s2:" + NEXT.incrementAndGet());
        }
    }

    /** One Jedis connection for the floor. */
    @State(Scope.Thread)
    public static class Raw {
        Jedis jedis;

        @Setup(Level.Trial)
        public void open() {
            jedis = new Jedis("127.0.0.1", port());
        }

        @TearDown(Level.Trial)
        public void close() {
            jedis.close();
        }
    }

    /** The floor: one raw round trip on one connection. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public String floorPing(Raw raw) {
        return raw.jedis.ping();
    }

    /** S1 (one thread) and S3 (eight threads): acquire+release pairs on one name. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    public void oneName(Client client) throws InterruptedException {
        client.shared.acquire().release();
    }

    /** S2: every thread works on its own name. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void distinctNames(OwnName own) throws InterruptedException {
        own.mutex.acquire().release();
    }
}
