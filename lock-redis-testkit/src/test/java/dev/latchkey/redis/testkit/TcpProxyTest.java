package dev.latchkey.redis.testkit;

import static dev.latchkey.redis.testkit.Timing.scaled;
import static dev.latchkey.redis.testkit.Timing.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

    private static RedisServer server;

    @BeforeAll
    static void startServer() {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void forwardsBothWaysAndCountsConnections() throws IOException {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Socket b = connect(proxy)) {
            try (Socket a = connect(proxy)) {
                assertEquals("OK", send(a, "SET", "proxied", "yes"));
                assertEquals("yes", send(b, "GET", "proxied"));
                assertEquals(2, proxy.connectionCount());
            }
            Timing.await("the closed connection is dropped", () -> proxy.connectionCount() == 1, Duration.ofSeconds(5));
        }
    }

    @Test
    void cutBreaksLiveConnectionsAndRefusesNewOnesUntilRestore() throws IOException {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Socket live = connect(proxy)) {
            assertEquals("PONG", send(live, "PING"));

            proxy.cut();
            assertThrows(IOException.class, () -> send(live, "PING"));
            assertEquals(0, proxy.connectionCount());
            assertThrows(ConnectException.class, () -> connect(proxy).close());
            assertEquals("PONG", server.command("PING"), "the server itself is untouched");

            proxy.restore();
            try (Socket fresh = connect(proxy)) {
                assertEquals("PONG", send(fresh, "PING"));
            }
        }
    }

    @Test
    void delayHoldsEachDirectionUntilRestore() throws IOException {
        Duration delay = Duration.ofMillis(250);
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Socket socket = connect(proxy)) {
            proxy.delay(delay);
            long start = System.nanoTime();
            assertEquals("PONG", send(socket, "PING"));
            Duration roundTrip = since(start);
            assertTrue(roundTrip.compareTo(delay.multipliedBy(2)) >= 0, "round trip took only " + roundTrip);
            assertTrue(roundTrip.compareTo(scaled(Duration.ofSeconds(5))) < 0, "round trip took " + roundTrip);

            proxy.restore();
            start = System.nanoTime();
            assertEquals("PONG", send(socket, "PING"));
            assertTrue(since(start).compareTo(scaled(delay.multipliedBy(2))) < 0, "still delayed: " + since(start));
        }
    }

    @Test
    void blackholeKeepsConnectionsButDropsBytesUntilRestore() throws IOException {
        try (TcpProxy proxy = TcpProxy.start(server.host(), server.port()); Socket socket = connect(proxy)) {
            assertEquals("PONG", send(socket, "PING"));

            proxy.blackhole();
            socket.setSoTimeout(300);
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> send(socket, "PING"));
            assertTrue(since(start).compareTo(Duration.ofMillis(300)) >= 0, "timed out after only " + since(start));
            assertEquals(1, proxy.connectionCount());

            proxy.restore();
            socket.setSoTimeout(5_000);
            assertEquals("PONG", send(socket, "PING"), "the dropped PING never reached the server");
        }
    }

    @Test
    void closeEndsConnectionsAndListening() throws IOException {
        TcpProxy proxy = TcpProxy.start(server.host(), server.port());
        try (Socket socket = connect(proxy)) {
            assertEquals("PONG", send(socket, "PING"));
            proxy.close();
            assertThrows(IOException.class, () -> send(socket, "PING"));
        }
        assertEquals(0, proxy.connectionCount());
        assertThrows(ConnectException.class, () -> connect(proxy).close());
        assertThrows(IllegalStateException.class, proxy::restore);
        proxy.close();
    }

    @Test
    void unreachableTargetClosesTheClientConnection() throws IOException {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", deadPort); Socket socket = connect(proxy)) {
            assertEquals(-1, socket.getInputStream().read());
            assertEquals(0, proxy.connectionCount());
        }
    }

    private static Socket connect(TcpProxy proxy) throws IOException {
        Socket socket = new Socket("127.0.0.1", proxy.port());
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static Object send(Socket socket, String... command) throws IOException {
        socket.getOutputStream().write(Resp.encode(command));
        return Resp.read(socket.getInputStream());
    }
}
