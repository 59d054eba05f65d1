package dev.latchkey.redis.tck;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.redis.testkit.RedisSentinel;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.tck.FaultKind;
import dev.latchkey.tck.TckHarness;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The TCK harness of any Redis-backed lock on Sentinel: a master named {@value #MASTER_NAME}, its replicas and
 * three Sentinels, all real processes from the test kit. Participants open a URI naming the three Sentinels.
 * The fault is {@link FaultKind#FAILOVER}: {@link #prepareFailover()} holds replication back (the replicas are
 * frozen and cut off, so the master acknowledges writes that no replica gets), and {@link #failover()} kills the
 * master, has a Sentinel promote a replica at once ({@link RedisSentinel#crashMasterAndFailOver}), and brings
 * the old master back as a replica before it returns. Restart, pause and partition are not offered: on this
 * topology each of them is a failover, or no fault at all.
 *
 * <p>Thread-safe: the topology is.
 */
public final class SentinelTckHarness implements TckHarness {
    /** The master's name. */
    public static final String MASTER_NAME = RedisSentinel.DEFAULT_MASTER_NAME;
    /** The longest a failover may take once asked for (about 1.2 s here). */
    private static final Duration FAILOVER = Duration.ofSeconds(10);

    private final String label;
    private final UnaryOperator<String> uriForSentinels;
    private final RedisSentinel sentinel;

    /**
     * Starts a master with {@code replicas} replicas and three Sentinels.
     *
     * @param label           the backend and its setting in reports, e.g. {@code "redis-lua Sentinel 1+1 (Jedis, replicas=1)"}
     * @param uriForSentinels the participants' URI for the Sentinels {@code host:port,host:port,host:port}, which know
     *                        the master as {@value #MASTER_NAME}; use timeouts of about a second
     */
    public SentinelTckHarness(String label, int replicas, UnaryOperator<String> uriForSentinels) {
        this.label = label;
        this.uriForSentinels = uriForSentinels;
        this.sentinel = RedisSentinel.start(MASTER_NAME, replicas);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(uri().orElseThrow(), env);
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(URI.create(uriForSentinels.apply(String.join(",", sentinel.sentinelAddresses()))));
    }

    @Override
    public Set<FaultKind> faults() {
        return Set.of(FaultKind.FAILOVER);
    }

    /** Back to full strength first, in case an earlier {@code prepareFailover()} was not followed by a failover. */
    @Override
    public void prepareFailover() {
        sentinel.rejoin();
        sentinel.holdBackReplication();
    }

    @Override
    public void failover() {
        sentinel.crashMasterAndFailOver(FAILOVER);
        sentinel.rejoin();
    }

    /** The topology, for a test that wants to look at it or fault it otherwise. */
    public RedisSentinel sentinel() {
        return sentinel;
    }

    @Override
    public void close() {
        sentinel.close();
    }
}
