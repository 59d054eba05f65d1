package dev.latchkey.cli;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisServer;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.TckHarness;
import java.net.URI;
import dev.latchkey.spi.LockEnvironment;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The harness {@code lockctl tck} gives the TCK for one URI: each participant opens the URI
 * through the run's class loader (which sees {@code --jar} providers). Beyond what
 * {@link TckHarness#forUri} offers, it injects the faults it can honestly inject:
 * <ul>
 *   <li>{@link FaultKind#SERVER_RESTART} and {@link FaultKind#SERVER_PAUSE}, when the URI named the
 *       {@code embedded} Redis, which lockctl started and therefore controls;</li>
 *   <li>{@link FaultKind#CLOCK_SKEW} for {@code redis-getset}, through its {@code skew} URI option,
 *       and for {@code redis-lua}, which reads no client wall clock (its leases are server TTLs), so
 *       an ordinary participant is the truth for it.</li>
 * </ul>
 * {@link FaultKind#CLIENT_CRASH} (a child JVM, killed) is offered when a child JVM on this class
 * path can open the URI, that is, unless the provider came from {@code --jar}. Thread-safe.
 */
final class CliHarness implements TckHarness {
    private final URI uri;
    private final ClassLoader loader;
    private final RedisServer server;
    private final boolean onClassPath;

    /**
     * @param uri         a resolved URI (no {@code embedded} host)
     * @param server      the embedded Redis behind the URI, or null if lockctl does not control the server
     * @param onClassPath whether the provider is visible without {@code --jar}
     */
    CliHarness(URI uri, ClassLoader loader, RedisServer server, boolean onClassPath) {
        this.uri = uri;
        this.loader = loader;
        this.server = server;
        this.onClassPath = onClassPath;
    }

    private String scheme() {
        return uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String label() {
        String label = Backends.display(uri).replaceFirst(":/?$", ""); // a bare "inmemory:" is labelled "inmemory"
        return server == null ? label : label.replaceFirst("//127\\.0\\.0\\.1:\\d+", "//embedded") + " (AOF, fsync always)";
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(uri, env, loader);
    }

    @Override
    public Optional<URI> uri() {
        return onClassPath ? Optional.of(uri) : Optional.empty();
    }

    @Override
    public Set<FaultKind> faults() {
        Set<FaultKind> faults = EnumSet.noneOf(FaultKind.class);
        if (server != null) {
            faults.add(FaultKind.SERVER_RESTART);
            faults.add(FaultKind.SERVER_PAUSE);
        }
        return faults;
    }

    @Override
    public void restartServer() {
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
}
