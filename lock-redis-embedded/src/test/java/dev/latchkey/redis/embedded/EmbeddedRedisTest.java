package dev.latchkey.redis.embedded;

import static dev.latchkey.redis.embedded.Timing.scaled;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static dev.latchkey.redis.embedded.Timing.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class EmbeddedRedisTest {

    @Test
    void plainServerRunsOnLoopbackInATemporaryDirectoryWithoutPersistence() throws IOException {
        try (EmbeddedRedis server = EmbeddedRedis.start(); Jedis jedis = jedis(server)) {
            assertEquals("127.0.0.1", server.host());
            assertEquals("redis://127.0.0.1:" + server.port(), server.uri());
            assertEquals("PONG", jedis.ping());
            assertTrue(jedis.info("server").contains("process_id:" + server.pid() + "\r\n"));
            assertEquals(Map.of("save", ""), jedis.configGet("save"));
            assertEquals(Map.of("appendonly", "no"), jedis.configGet("appendonly"));

            Path dir = server.directory();
            assertTrue(dir.getFileName().toString().startsWith("latchkey-redis-"), dir.toString());
            assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toRealPath(), dir.getParent().toRealPath());
            assertFalse(dir.startsWith(Path.of("").toAbsolutePath()), "not under the working directory: " + dir);
            assertEquals(Map.of("dir", dir.resolve("data").toRealPath().toString()), jedis.configGet("dir"));
            assertEquals(dir.resolve("redis.log"), server.logFile());
            assertTrue(Files.readString(server.logFile()).contains("Ready to accept connections"));
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsDirectory() throws IOException {
        EmbeddedRedis server = EmbeddedRedis.start();
        long pid = server.pid();
        Path dir = server.directory();
        server.stop();
        assertTrue(Files.readString(server.logFile()).contains("ready to exit"), "SIGTERM: a graceful shutdown");
        assertTrue(Files.isDirectory(dir), "stop keeps the directory, for a restart");

        server.close();
        assertTrue(Timing.exited(pid));
        assertFalse(Files.exists(dir), dir + " survived close()");
        assertThrows(IllegalStateException.class, server::restart);
        server.close(); // idempotent
    }

    @Test
    void appendOnlyFsyncAlwaysKeepsAcknowledgedWritesAcrossAKill() {
        try (EmbeddedRedis server = EmbeddedRedis.builder().appendOnlyFsyncAlways().start()) {
            try (Jedis jedis = jedis(server)) {
                assertEquals(Map.of("appendonly", "yes"), jedis.configGet("appendonly"));
                assertEquals(Map.of("appendfsync", "always"), jedis.configGet("appendfsync"));
                jedis.set("k", "v");
            }
            server.kill();
            server.restart();
            try (Jedis jedis = jedis(server)) {
                assertEquals("v", jedis.get("k"));
            }
            server.restartEmpty();
            try (Jedis jedis = jedis(server)) {
                assertNull(jedis.get("k"), "restartEmpty wipes the data directory");
            }
        }
    }

    @Test
    void restartReturnsOnlyOnceTheAppendOnlyFileIsLoaded() throws InterruptedException {
        int keys = 1_000_000; // loading them takes hundreds of milliseconds, far more than one readiness probe
        try (EmbeddedRedis server = EmbeddedRedis.builder().appendOnlyFsyncAlways().enableDebugCommand().start()) {
            try (Jedis jedis = jedis(server)) {
                jedis.sendCommand(() -> "DEBUG".getBytes(US_ASCII), "POPULATE", String.valueOf(keys));
                jedis.bgrewriteaof(); // DEBUG POPULATE is not logged: a rewrite puts the data set in the file
                while (jedis.info("persistence").matches("(?s).*aof_rewrite_(in_progress|scheduled):1.*")) {
                    Thread.sleep(20);
                }
            }
            server.restart();
            try (Jedis jedis = jedis(server)) {
                // Before the fix, restart() returned as soon as INFO answered, while every other command was
                // refused with "LOADING Redis is loading the dataset in memory".
                assertEquals(keys, jedis.dbSize());
            }
        }
    }

    @Test
    void killRefusesConnectionsAndRestartComesBackOnTheSamePortWithoutData() {
        try (EmbeddedRedis server = EmbeddedRedis.start()) {
            try (Jedis jedis = jedis(server)) {
                jedis.set("k", "v");
            }
            int port = server.port();
            long firstPid = server.pid();

            server.kill();
            assertFalse(server.isAlive());
            assertTrue(Timing.exited(firstPid));
            assertThrows(ConnectException.class, () -> new Socket(server.host(), server.port()).close());
            server.kill(); // nothing to kill: no effect

            server.restart();
            assertEquals(port, server.port());
            assertNotEquals(firstPid, server.pid());
            try (Jedis jedis = jedis(server)) {
                assertNull(jedis.get("k"), "nothing was persisted");
            }
        }
    }

    @Test
    void pausedServerAnswersNothingUntilResumed() {
        try (EmbeddedRedis server = EmbeddedRedis.start()) {
            server.pause();
            assertTrue(server.isAlive());
            int timeoutMillis = 300;
            long start = System.nanoTime();
            JedisConnectionException e = assertThrows(JedisConnectionException.class,
                    () -> new Jedis(server.host(), server.port(), timeoutMillis).ping());
            assertInstanceOf(SocketTimeoutException.class, rootCause(e));
            assertTrue(since(start).toMillis() >= timeoutMillis, "timed out after only " + since(start));

            server.resume();
            try (Jedis jedis = jedis(server)) {
                assertEquals("PONG", jedis.ping());
            }
            server.pause();
            server.restart(); // a paused server is killed, then started
            try (Jedis jedis = jedis(server)) {
                assertEquals("PONG", jedis.ping());
            }
        }
    }

    @Test
    void closeEndsAPausedServerAtOnce() {
        EmbeddedRedis server = EmbeddedRedis.start();
        long pid = server.pid();
        server.pause();
        long start = System.nanoTime();
        server.close();
        assertTrue(since(start).compareTo(scaled(Duration.ofSeconds(2))) < 0, "close took " + since(start));
        assertTrue(Timing.exited(pid));
    }

    @Test
    void passwordIsRequiredAndTheServerIsReadyAnyway() {
        try (EmbeddedRedis server = EmbeddedRedis.builder().password("s3cret").start(); Jedis jedis = jedis(server)) {
            JedisDataException refused = assertThrows(JedisDataException.class, jedis::ping);
            assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
            jedis.auth("s3cret");
            assertEquals("PONG", jedis.ping());
            assertEquals(Map.of("masterauth", "s3cret"), jedis.configGet("masterauth"));
        }
    }

    @Test
    void replicaOfCopiesTheMaster() {
        // Redis 7 waits 5 s by default before a diskless full sync, in case more replicas come.
        try (EmbeddedRedis master = EmbeddedRedis.builder().args("--repl-diskless-sync-delay", "0").start();
             EmbeddedRedis replica = EmbeddedRedis.builder().replicaOf(master.host(), master.port()).start();
             Jedis toMaster = jedis(master); Jedis toReplica = jedis(replica)) {
            assertTrue(toReplica.info("replication").contains("master_port:" + master.port() + "\r\n"));
            toMaster.set("k", "v");
            Timing.await("the replica has the write", () -> "v".equals(toReplica.get("k")), Duration.ofSeconds(10));
        }
    }

    @Test
    void sentinelMonitorsAMasterFromItsWritableConfigFile() throws IOException {
        try (EmbeddedRedis master = EmbeddedRedis.start();
             EmbeddedRedis sentinel = EmbeddedRedis.builder()
                     .sentinel("sentinel monitor watched 127.0.0.1 " + master.port() + " 1").start();
             Jedis jedis = jedis(sentinel)) {
            assertTrue(jedis.info("server").contains("redis_mode:sentinel"));
            assertEquals(List.of("127.0.0.1", Integer.toString(master.port())), jedis.sentinelGetMasterAddrByName("watched"));
            Path config = sentinel.directory().resolve("data/sentinel.conf");
            assertTrue(Files.readString(config).contains("sentinel myid "), "Sentinel rewrote its config file");
        }
    }

    @Test
    void clusterNodeHasItsBusPortAndNodesFileInTheDataDirectory() throws IOException {
        try (EmbeddedRedis node = EmbeddedRedis.builder().cluster().start(); Jedis jedis = jedis(node)) {
            assertTrue(jedis.info("cluster").contains("cluster_enabled:1"));
            assertThrows(IOException.class, () -> new ServerSocket(node.port() + 10_000, 1,
                    java.net.InetAddress.getByName("127.0.0.1")).close(), "the cluster bus port is in use");
            String id = jedis.clusterMyId();
            assertTrue(Files.readString(node.directory().resolve("data/nodes.conf")).contains(id));
            node.restart();
            try (Jedis again = jedis(node)) {
                assertEquals(id, again.clusterMyId(), "restart keeps the node's identity");
            }
            node.restartEmpty();
            try (Jedis again = jedis(node)) {
                assertNotEquals(id, again.clusterMyId(), "restartEmpty makes a new node");
            }
        }
    }

    @Test
    void extraArgumentsComeLastAndWin() {
        try (EmbeddedRedis server = EmbeddedRedis.builder().args("--maxmemory", "1mb", "--appendonly", "yes").start();
             Jedis jedis = jedis(server)) {
            assertEquals(Map.of("maxmemory", "1048576"), jedis.configGet("maxmemory"));
            assertEquals(Map.of("appendonly", "yes"), jedis.configGet("appendonly"), "overrides the default");
        }
    }

    @Test
    void failureToStartThrowsWithTheLogTailAndLeavesNoDirectory() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbeddedRedis.builder().args("--no-such-directive", "x").start());
        assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("Bad directive"), e.getMessage());
        assertTrue(e.getMessage().contains("--no-such-directive x"), e.getMessage());
        Matcher log = Pattern.compile("log (\\S+) ends with").matcher(e.getMessage());
        assertTrue(log.find(), e.getMessage());
        Path dir = Path.of(log.group(1)).getParent();
        assertTrue(dir.getFileName().toString().startsWith("latchkey-redis-"), dir.toString());
        assertFalse(Files.exists(dir), dir + " was left behind");
    }

    private static Throwable rootCause(Throwable e) {
        return e.getCause() == null ? e : rootCause(e.getCause());
    }

    private static Jedis jedis(EmbeddedRedis server) {
        return new Jedis(server.host(), server.port(), 5_000);
    }
}
