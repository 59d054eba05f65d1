package dev.latchkey.tck;

/**
 * Control over one participant's network path to the lock server, typically a TCP proxy between
 * them. Implementations must be thread-safe: the TCK calls these from any thread, while the
 * participant is busy.
 *
 * @see TckHarness#newPartitionedClient()
 */
public interface Partition {

    /** Closes the participant's connections and refuses new ones until {@link #restore()}. */
    void cut();

    /** Keeps connections open but silently drops every byte in both directions until {@link #restore()}. */
    void blackhole();

    /** Ends any cut or black hole; new connections work again. */
    void restore();

    /** A partition from three actions, e.g. {@code Partition.of(proxy::cut, proxy::blackhole, proxy::restore)}. */
    static Partition of(Runnable cut, Runnable blackhole, Runnable restore) {
        return new Partition() {
            @Override
            public void cut() {
                cut.run();
            }

            @Override
            public void blackhole() {
                blackhole.run();
            }

            @Override
            public void restore() {
                restore.run();
            }
        };
    }
}
