package dev.latchkey.tck;

/**
 * A fault a rule may need. Rules needing a fault that the harness cannot inject are reported
 * {@link Outcome#SKIPPED} with that reason, never silently dropped. Immutable and thread-safe.
 *
 * @see TckHarness#faults()
 */
public enum FaultKind {
    /**
     * A holder dies without releasing. Where {@link TckHarness#uri()} is present the TCK starts a child
     * JVM that acquires and kills it with SIGKILL; otherwise, for a harness that honours
     * {@link dev.latchkey.spi.LockEnvironment}, a kill switch in the participant's environment makes it
     * fall silent (every call fails without reaching the backend, nothing is renewed or released).
     */
    CLIENT_CRASH,
    /** A holder frozen past its lease (stops renewing, then wakes up). Simulated by the TCK itself; always available. */
    CLIENT_PAUSE,
    /** The lock server restarts; see {@link TckHarness#restartServer()}. */
    SERVER_RESTART,
    /** The lock server freezes for a while; see {@link TckHarness#pauseServer}. */
    SERVER_PAUSE,
    /** A participant's network path is cut or black-holed; see {@link TckHarness#newPartitionedClient()}. */
    PARTITION,
    /**
     * A participant's wall clock is offset from the others': its {@link dev.latchkey.spi.LockEnvironment#clock()}
     * runs ahead or behind. Available for every harness that honours the environment; a backend that
     * reads no wall clock through it is not affected (the report says so).
     */
    CLOCK_SKEW,
    /**
     * The reply to an acquisition reaches the participant late (a stalled network or process between
     * the backend and the engine): injected in the participant's environment, for every harness that
     * honours it.
     */
    CLIENT_DELAY,
    /**
     * The primary fails and a replica takes its place (Sentinel, Cluster with replicas, any managed
     * Redis): see {@link TckHarness#prepareFailover()} and {@link TckHarness#failover()}. Writes made
     * between the two calls are acknowledged by the primary but not replicated, so a backend that
     * reports a grant before a replica has it is caught granting a lock twice.
     */
    FAILOVER
}
