package dev.latchkey.redis.common;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The Redis backends' background threads: daemons (a client left open never keeps a JVM alive), named for a thread dump. */
public final class Daemons {
    private Daemons() {
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, … */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * One daemon thread that runs {@code task} every {@code period} (at least 1 ms) until the returned
     * executor is shut down. The task must not throw: a task that throws is not run again.
     */
    public static ScheduledExecutorService every(String name, Duration period, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(named(name));
        long millis = Math.max(1, period.toMillis());
        executor.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
        return executor;
    }
}
