package dev.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.redis.embedded.EmbeddedRedis;
import org.junit.jupiter.api.Test;

/**
 * A wrong password, a database the server lacks, a server out of memory and TLS against a plain-text
 * port each get their own message and exit code from lockctl, on a real redis-server, with both clients.
 */
class ReasonsOnRealServersTest {

    @Test
    void refusedAndTlsAreToldApartFromUnreachable() {
        try (EmbeddedRedis locked = EmbeddedRedis.builder().password("s3cret").start();
             EmbeddedRedis plain = EmbeddedRedis.start()) {
            for (String client : new String[] {"jedis", "lettuce"}) {
                String q = "?client=" + client + "&timeout=1s";
                Cli.Result wrongPassword = Cli.run("inspect", "x", "--uri", "redis-lua://:wrong@127.0.0.1:" + locked.port() + q);
                assertReason(ExitCodes.REFUSED, "backend refused", wrongPassword);
                assertTrue(wrongPassword.err().contains("authentication"), wrongPassword::toString);

                Cli.Result noSuchDatabase = Cli.run("inspect", "x", "--uri", "redis-lua://127.0.0.1:" + plain.port() + "/99" + q);
                assertReason(ExitCodes.REFUSED, "backend refused", noSuchDatabase);

                Cli.Result tls = Cli.run("inspect", "x", "--uri", "redis-lua://127.0.0.1:" + plain.port() + q + "&tls=true");
                assertReason(ExitCodes.TLS, "TLS", tls);

                Cli.Result fine = Cli.run("inspect", "x", "--uri", "redis-lua://:s3cret@127.0.0.1:" + locked.port() + q);
                assertEquals(ExitCodes.OK, fine.code(), fine::toString);
            }
        }
    }

    @Test
    void aServerOutOfMemoryIsRefusedNotAFailedCheck() throws Exception {
        try (EmbeddedRedis full = EmbeddedRedis.builder().args("--maxmemory", "2mb", "--maxmemory-policy", "noeviction").start()) {
            command(full.port(), "DEBUG", "POPULATE", "30000", "filler", "100"); // past maxmemory: writes are refused
            Cli.Result r = Cli.run("tck", "--uri", "redis-lua://127.0.0.1:" + full.port() + "?timeout=1s", "--rule", "MX-01");
            assertReason(ExitCodes.REFUSED, "out of memory", r);
        }
    }

    /** One command in RESP on a socket of its own; returns the first line of the reply. */
    private static String command(int port, String... args) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                resp.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            socket.getOutputStream().write(resp.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static void assertReason(int code, String message, Cli.Result r) {
        assertEquals(code, r.code(), r::toString);
        assertTrue(r.err().contains(message), r::toString);
    }
}
