package dev.latchkey.redis.tck;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.redis.testkit.TcpProxy;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.Partition;
import dev.latchkey.tck.PartitionedClient;
import dev.latchkey.tck.TckHarness;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * The TCK harness of any Redis-backed lock: participants open a URI aimed at one real
 * {@code redis-server} that this harness starts (from the test kit), and the server-side faults are
 * that server's: {@link FaultKind#SERVER_RESTART} is a SIGKILL and a start on the same port,
 * {@link FaultKind#SERVER_PAUSE} is SIGSTOP and SIGCONT, and {@link FaultKind#PARTITION} puts a TCP
 * proxy of its own between one participant and the server. Client-side faults (crash, clock skew,
 * delayed replies) come from the TCK through each participant's {@link LockEnvironment}, and a real
 * process crash through {@link #uri()}.
 *
 * <p>By default the server keeps an append-only file fsynced on every write, so that a restart keeps
 * every acknowledged write, as a server configured for locks would: without it any single Redis node
 * grants a lock twice across a restart, and that is the deployment's choice, not the backend's
 * algorithm. The label says which.
 *
 * <p>Thread-safe.
 */
public final class RedisTckHarness implements TckHarness {
    /** Redis arguments for an append-only file fsynced on every write. */
    public static final List<String> DURABLE = List.of("--appendonly", "yes", "--appendfsync", "always");

    private final String label;
    private final IntFunction<String> uriForPort;
    private final RedisServer server;
    private final List<TcpProxy> proxies = new CopyOnWriteArrayList<>();

    /**
     * Starts a durable server ({@link #DURABLE}).
     *
     * @param label      the backend's name in reports, e.g. {@code "redis-lua (Jedis)"}
     * @param uriForPort the participants' URI for a server or proxy listening on 127.0.0.1 and the given
     *                   port; use command and connect timeouts of about a second, so faults end quickly
     */
    public RedisTckHarness(String label, IntFunction<String> uriForPort) {
        this(label, uriForPort, DURABLE);
    }

    /** Starts a server with the given {@code redis-server} arguments (say in {@code label} what they mean). */
    public RedisTckHarness(String label, IntFunction<String> uriForPort, List<String> serverArguments) {
        this.label = label;
        this.uriForPort = uriForPort;
        this.server = RedisServer.start(serverArguments.toArray(String[]::new));
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(URI.create(uriForPort.apply(server.port())), env);
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(URI.create(uriForPort.apply(server.port())));
    }

    @Override
    public Set<FaultKind> faults() {
        return EnumSet.of(FaultKind.SERVER_RESTART, FaultKind.SERVER_PAUSE, FaultKind.PARTITION);
    }

    @Override
    public void restartServer() {
        server.kill();
        server.restart();
    }

    @Override
    public void pauseServer() {
        server.pause();
    }

    @Override
    public void resumeServer() {
        server.resume();
    }

    @Override
    public PartitionedClient newPartitionedClient() {
        TcpProxy proxy = TcpProxy.start(server.host(), server.port());
        proxies.add(proxy);
        LockClient participant = Locks.open(URI.create(uriForPort.apply(proxy.port())));
        return new PartitionedClient(participant, Partition.of(proxy::cut, proxy::blackhole, proxy::restore));
    }

    /** The server, for a test that wants to look at it. */
    public RedisServer server() {
        return server;
    }

    @Override
    public void close() {
        proxies.forEach(TcpProxy::close);
        server.close();
    }
}
