package dev.latchkey.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system's wall clock, {@code offset} ahead (behind, if negative), counting every read in a counter
 * the caller may share among clocks: a participant's skewed clock for the TCK's clock rules and for
 * {@code lockctl demo}, and the evidence of whether a backend reads the wall clock at all. Thread-safe.
 */
public final class CountingClock extends Clock {
    private final long offsetMillis;
    private final AtomicLong reads;

    /**
     * @param offset how far ahead of the system's clock this one runs
     * @param reads  incremented on every read
     */
    public CountingClock(Duration offset, AtomicLong reads) {
        this.offsetMillis = offset.toMillis();
        this.reads = reads;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        reads.incrementAndGet();
        return Instant.now().plusMillis(offsetMillis);
    }

    @Override
    public long millis() {
        reads.incrementAndGet();
        return System.currentTimeMillis() + offsetMillis;
    }
}
