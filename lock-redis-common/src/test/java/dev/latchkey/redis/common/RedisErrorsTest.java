package dev.latchkey.redis.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.LockUnavailableException.Reason;
import dev.latchkey.redis.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The translation of the messages and exception types the clients raise. The same cases against a
 * real server, on each client: {@code RedisErrorReasonContract}; this covers the codes a test cannot
 * easily provoke (LOADING, CLUSTERDOWN, TRYAGAIN) and the message layout.
 */
class RedisErrorsTest {

    private static LockUnavailableException translated(RuntimeException e) {
        LockException out = RedisErrors.translate(e, "EVALSHA acquire.lua", "127.0.0.1:6379/0");
        assertTrue(out instanceof LockUnavailableException);
        assertSame(e, out.getCause());
        assertTrue(out.getMessage().startsWith("redis EVALSHA acquire.lua failed at 127.0.0.1:6379/0: "), out.getMessage());
        return (LockUnavailableException) out;
    }

    private static void assertReason(Reason reason, String says, RuntimeException e) {
        LockUnavailableException out = translated(e);
        assertEquals(reason, out.reason(), out::getMessage);
        assertTrue(out.getMessage().contains(says), out::getMessage);
    }

    @Test
    void errorCodesInsideAScriptError_areRecognized() {
        assertReason(Reason.REFUSED, "out of memory", new RuntimeException("ERR Error running script (call to f_abc): @user_script:5: "
                + "@user_script: 5: -OOM command not allowed when used memory > 'maxmemory'."));
        assertReason(Reason.NOT_READY, "read-only replica", new RuntimeException("ERR Error running script (call to f_abc): "
                + "@user_script:5: -READONLY You can't write against a read only replica."));
    }

    @Test
    void errorCodesInACause_areRecognized() {
        RuntimeException wrapped = new RuntimeException("Unable to connect to 127.0.0.1:6379",
                new RuntimeException("WRONGPASS invalid username-password pair or user is disabled."));
        assertReason(Reason.REFUSED, "WRONGPASS", wrapped);
        assertReason(Reason.REFUSED, "authentication failed", wrapped);
        assertReason(Reason.REFUSED, "authentication failed", new RuntimeException("NOAUTH Authentication required."));
        assertReason(Reason.REFUSED, "authentication failed", new RuntimeException("NOPERM this user has no permissions to run the 'eval' command"));
        assertReason(Reason.REFUSED, "no such database", new RuntimeException("Unable to connect", new RuntimeException("ERR DB index is out of range")));
    }

    @Test
    void serversThatCannotServeNow_areNotReady() {
        assertReason(Reason.NOT_READY, "not ready", new RuntimeException("LOADING Redis is loading the dataset in memory"));
        assertReason(Reason.NOT_READY, "not ready", new RuntimeException("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."));
        assertReason(Reason.NOT_READY, "not ready", new RuntimeException("CLUSTERDOWN The cluster is down"));
        assertReason(Reason.NOT_READY, "not ready", new RuntimeException("TRYAGAIN Multiple keys request during rehashing of slot"));
    }

    @Test
    void connectionProblems_sayTheOutcomeIsUnknown() {
        assertReason(Reason.UNREACHABLE, "outcome of the call is unknown", new UncheckedIOException(new IOException("Connection refused")));
        assertReason(Reason.UNREACHABLE, "could not be reached", new IllegalStateException("x", new SocketTimeoutException("Read timed out")));
    }

    @Test
    void handshakeFailures_areTls() {
        assertReason(Reason.TLS, "TLS handshake failed", new IllegalStateException("x", new SSLHandshakeException("PKIX path building failed")));
    }

    @Test
    void onConnecting_aTimeoutWithTls_andACutWithout_areTls() {
        RedisSettings tls = settings("tls=true");
        RedisSettings plain = settings("tls=false");
        LockUnavailableException timeout = translated(new IllegalStateException("x", new SocketTimeoutException("Read timed out")));
        // as the clients raise them: a TLS port resets a plain-text client; Jedis keeps its ConnectException as suppressed
        LockUnavailableException cut = translated(new IllegalStateException("x", new SocketException("Connection reset")));
        IllegalStateException jedisRefused = new IllegalStateException("Failed to connect to 127.0.0.1:6379.");
        jedisRefused.addSuppressed(new ConnectException("Connection refused"));
        LockUnavailableException refused = translated(jedisRefused);

        assertEquals(Reason.TLS, RedisErrors.opening(timeout, tls).reason());
        assertTrue(RedisErrors.opening(timeout, tls).getMessage().contains("no TLS handshake within 1000 ms"));
        LockUnavailableException cutAndNoRespToPing = RedisErrors.opening(cut, plain, () -> "");
        assertEquals(Reason.TLS, cutAndNoRespToPing.reason());
        assertTrue(cutAndNoRespToPing.getMessage().contains("add tls=true"));
        assertSame(cut, RedisErrors.opening(cut, plain, () -> null), "nothing learned from the PING: a cut stays a cut");
        assertSame(cut, RedisErrors.opening(cut, plain, () -> "+PONG"), "a server that answers PING is not a TLS port");
        assertSame(timeout, RedisErrors.opening(timeout, plain), "a plain-text timeout is a timeout");
        assertSame(refused, RedisErrors.opening(refused, tls), "a refused connection is not about TLS");
        assertSame(refused, RedisErrors.opening(refused, plain));
    }

    @Test
    void onConnecting_aCutIsJudgedByTheServersAnswerToAPlainPing() {
        // what Lettuce raises when a failed handshake closes the channel before it reads the reason (a race)
        LockUnavailableException cut = translated(new RedisConnectionException("Unable to connect to 127.0.0.1:6379",
                new IllegalStateException("RedisHandshakeHandler not registered")));
        assertEquals(Reason.UNREACHABLE, cut.reason());
        try (RedisServer locked = RedisServer.start("--requirepass", "s3cret"); RedisServer open = RedisServer.start()) {
            LockUnavailableException refused = RedisErrors.opening(cut, settings(locked.port(), "tls=false"));
            assertEquals(Reason.REFUSED, refused.reason(), refused::getMessage);
            assertTrue(refused.getMessage().contains("authentication failed") && refused.getMessage().contains("NOAUTH"),
                    refused::getMessage);
            assertSame(cut, RedisErrors.opening(cut, settings(open.port(), "tls=false")), "the server answers PONG: not TLS");
        }
    }

    @Test
    void lowerCaseWords_doNotCountAsErrorCodes() {
        assertReason(Reason.SERVER_ERROR, "returned an error", new RuntimeException("ERR unknown command 'oom', with args beginning with:"));
    }

    @Test
    void lockExceptionsPassThrough() {
        LockUnavailableException e = new LockUnavailableException("already translated");
        assertSame(e, RedisErrors.translate(e, "X", "y"));
    }

    /** Stands for Lettuce's exception of that name, without depending on Lettuce here. */
    private static final class RedisConnectionException extends RuntimeException {
        RedisConnectionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static RedisSettings settings(String options) {
        return settings(6379, options);
    }

    private static RedisSettings settings(int port, String options) {
        return RedisSettings.parse(URI.create("redis-x://127.0.0.1:" + port + "?timeout=1s&" + options), Set.of(), Duration.ofSeconds(30));
    }
}
