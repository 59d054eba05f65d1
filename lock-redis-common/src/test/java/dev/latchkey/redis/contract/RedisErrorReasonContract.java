package dev.latchkey.redis.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockUnavailableException;
import dev.latchkey.LockUnavailableException.Reason;
import dev.latchkey.redis.common.RedisPort;
import dev.latchkey.redis.common.RedisPorts;
import dev.latchkey.redis.common.RedisScript;
import dev.latchkey.redis.common.RedisSettings;
import dev.latchkey.redis.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of trouble against a real redis-server, and the {@link Reason} it is reported with. Each
 * client adapter module runs it on its client by subclassing (this class ships in lock-redis-common's
 * test jar). Every server a test starts is closed by that test.
 */
public abstract class RedisErrorReasonContract {
    private static final RedisServer shared = RedisServer.shared();

    /** The adapter under test: {@code jedis} or {@code lettuce}. */
    private final String client;

    protected RedisErrorReasonContract(String client) {
        this.client = client;
    }

    private RedisPort open(String authority, String path, String options) {
        return RedisPorts.open(RedisSettings.parse(URI.create("redis-x://" + authority + path + "?client=" + client
                + "&timeout=1s" + options), Set.of(), Duration.ofSeconds(30)));
    }

    private LockUnavailableException failsToOpen(String authority, String path, String options) {
        return assertThrows(LockUnavailableException.class, () -> open(authority, path, options).close());
    }

    private static void assertReason(Reason reason, String says, LockUnavailableException e) {
        assertEquals(reason, e.reason(), e::toString);
        assertTrue(e.getMessage().contains(says), () -> "'" + says + "' in " + e.getMessage());
    }

    @Test
    void wrongPasswordNoPasswordAndNoSuchUser_areRefused() {
        try (RedisServer server = RedisServer.start("--requirepass", "s3cret")) {
            String at = "127.0.0.1:" + server.port();
            assertReason(Reason.REFUSED, "authentication failed", failsToOpen(":wrong@" + at, "", ""));
            assertReason(Reason.REFUSED, "authentication failed", failsToOpen(at, "", ""));
            assertReason(Reason.REFUSED, "authentication failed", failsToOpen("nobody:s3cret@" + at, "", ""));
            open(":s3cret@" + at, "", "").close(); // the right password works
        }
    }

    @Test
    void aDatabaseTheServerDoesNotHave_isRefused() {
        LockUnavailableException e = failsToOpen("127.0.0.1:" + shared.port(), "/99", ""); // --databases 16, the default
        assertReason(Reason.REFUSED, "no such database", e);
        assertTrue(e.getMessage().contains("DB index is out of range"), e.getMessage());
    }

    @Test
    void writesToAServerOutOfMemory_areRefused() {
        try (RedisServer server = RedisServer.start("--maxmemory", "1mb")) {
            server.call("DEBUG", "POPULATE", "20000", "fill", "100"); // DEBUG ignores maxmemory: about 2 MB
            try (RedisPort port = open("127.0.0.1:" + server.port(), "", "")) {
                assertEquals(null, port.get("absent"), "reads still work");
                assertRefusedForMemory(() -> port.setNx("k", "v", 1000));
                assertRefusedForMemory(() -> port.eval(new RedisScript("write.lua", "redis.call('SET', KEYS[1], 'v') return {1}"),
                        List.of("k"), List.of()));
            }
        }
    }

    private static void assertRefusedForMemory(Runnable write) {
        assertReason(Reason.REFUSED, "out of memory", assertThrows(LockUnavailableException.class, write::run));
    }

    @Test
    void aReplicaCutOffFromItsMaster_isNotReady() {
        try (RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1", String.valueOf(closedPort()),
                "--replica-serve-stale-data", "no")) {
            try (RedisPort port = open("127.0.0.1:" + replica.port(), "", "")) {
                assertReason(Reason.NOT_READY, "read-only replica", assertThrows(LockUnavailableException.class,
                        () -> port.setNx("k", "v", 1000)));
                assertReason(Reason.NOT_READY, "not ready", assertThrows(LockUnavailableException.class,
                        () -> port.get("k"))); // MASTERDOWN
            }
        }
    }

    @Test
    void refusedTimedOutAndCutConnections_areUnreachable() {
        assertReason(Reason.UNREACHABLE, "could not be reached", failsToOpen("127.0.0.1:" + closedPort(), "", ""));
        try (RedisServer server = RedisServer.start()) {
            String at = "127.0.0.1:" + server.port();
            server.pause(); // the kernel accepts, nothing answers: a timeout, not a TLS problem
            assertReason(Reason.UNREACHABLE, "could not be reached", failsToOpen(at, "", ""));
            server.resume();
            try (RedisPort port = open(at, "", "")) {
                server.pause();
                assertReason(Reason.UNREACHABLE, "outcome of the call is unknown",
                        assertThrows(LockUnavailableException.class, () -> port.get("k")));
                server.resume();
                server.kill();
                assertReason(Reason.UNREACHABLE, "could not be reached",
                        assertThrows(LockUnavailableException.class, () -> port.get("k")));
            }
        }
    }

    @Test
    void tlsAgainstPlainTextAndPlainTextAgainstTls_areTls(@TempDir Path dir) {
        int tlsPort = closedPort();
        Path cert = selfSignedCertificate(dir);
        try (RedisServer server = RedisServer.start("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", cert + ".crt",
                "--tls-key-file", cert + ".key", "--tls-ca-cert-file", cert + ".crt", "--tls-auth-clients", "no")) {
            open("127.0.0.1:" + server.port(), "", "").close(); // the client's classes are loaded: what follows is the timeout
            long start = System.nanoTime();
            LockUnavailableException toPlain = failsToOpen("127.0.0.1:" + server.port(), "", "&tls=true");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertReason(Reason.TLS, "no TLS handshake within 1000 ms", toPlain);
            double scale = Double.parseDouble(System.getProperty("latchkey.timeScale", "1"));
            assertTrue(tookMillis < 1_000 + 1_000 * scale, "gave up at the 1 s timeout, not later: " + tookMillis + " ms");

            assertReason(Reason.TLS, "tls=true", failsToOpen("127.0.0.1:" + tlsPort, "", ""));
            // TLS on both sides, but the JVM does not trust the server's self-signed certificate
            assertReason(Reason.TLS, "TLS handshake failed", failsToOpen("127.0.0.1:" + tlsPort, "", "&tls=true"));
        }
    }

    /** A port nothing listens on (bound a moment ago, then released). */
    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <dir>/server.crt} and {@code <dir>/server.key} in PEM, from the JDK's keytool; returns {@code <dir>/server}. */
    private static Path selfSignedCertificate(Path dir) {
        Path store = dir.resolve("server.p12");
        char[] pass = "changeit".toCharArray();
        try {
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "redis", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", new String(pass))
                    .redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!keytool.waitFor(30, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            Files.writeString(dir.resolve("server.crt"), pem("CERTIFICATE", ks.getCertificate("redis").getEncoded()));
            Files.writeString(dir.resolve("server.key"), pem("PRIVATE KEY", ks.getKey("redis", pass).getEncoded()));
            return dir.resolve("server");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
