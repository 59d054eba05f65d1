package dev.latchkey.tck;

/**
 * A fault a rule may need. Rules needing a fault that the harness cannot inject are reported
 * {@link Outcome#SKIPPED} with that reason, never silently dropped. Immutable and thread-safe.
 *
 * @see TckHarness#faults()
 */
public enum FaultKind {
    /**
     * A holder dies without releasing. Out-of-process backends ({@link TckHarness#uri()} present):
     * the TCK starts a child JVM that acquires and kills it with SIGKILL. In-process backends: the
     * harness lists this fault and implements {@link TckHarness#crash}.
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
    /** A participant's wall clock is offset from the others'; see {@link TckHarness#newClient(java.time.Duration)}. */
    CLOCK_SKEW
}
