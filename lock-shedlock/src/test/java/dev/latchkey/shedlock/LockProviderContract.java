package dev.latchkey.shedlock;

import dev.latchkey.redis.testkit.TestTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ShedLock's provider contract, after its own {@code AbstractLockProviderIntegrationTest},
 * {@code AbstractExtensibleLockProviderIntegrationTest} and {@code FuzzTester} (shedlock-test-support,
 * which ShedLock does not publish), with durations shortened and stretched by the time scale, plus the
 * Latchkey-specific choices (lockAtLeastFor by extension, a lost lease at unlock, argument checks).
 * A subclass names the backend.
 */
abstract class LockProviderContract {
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    protected final String name1 = TestTime.name("shed");
    private final LockClient client = newClient();
    /** A second participant on the same backend: another node of the application. */
    private final LockClient otherNode = newClient();
    protected final LatchkeyLockProvider provider = new LatchkeyLockProvider(client);

    /** A new participant on the backend under test. */
    abstract LockClient newClient();

    /** Iterations per thread of the fuzz test. */
    int fuzzIterations() {
        return 100;
    }

    @AfterEach
    void closeClients() {
        client.close();
        otherNode.close();
    }

    static LockConfiguration config(String name, Duration atMost, Duration atLeast) {
        return new LockConfiguration(ClockProvider.now(), name, atMost, atLeast);
    }

    static LockConfiguration config(String name) {
        return config(name, FIVE_MINUTES, Duration.ZERO);
    }

    void assertLocked(String name) {
        assertTrue(otherNode.inspect(name).orElseThrow().isHeld(), name + " should be held");
    }

    void assertUnlocked(String name) {
        assertFalse(otherNode.inspect(name).orElseThrow().isHeld(), name + " should be free");
    }

    private SimpleLock lock(Duration atMost) {
        SimpleLock lock = provider.lock(config(name1, atMost, Duration.ZERO)).orElseThrow();
        assertLocked(name1);
        return lock;
    }

    // ---- AbstractLockProviderIntegrationTest ----

    @Test
    void shouldCreateLock() {
        SimpleLock lock = provider.lock(config(name1)).orElseThrow();
        assertLocked(name1);
        lock.unlock();
        assertUnlocked(name1);
    }

    @Test
    void shouldNotReturnSecondLock() {
        SimpleLock lock = provider.lock(config(name1)).orElseThrow();
        assertTrue(provider.lock(config(name1)).isEmpty());
        assertTrue(new LatchkeyLockProvider(otherNode).lock(config(name1)).isEmpty(), "nor on another node");
        lock.unlock();
    }

    @Test
    void shouldCreateTwoIndependentLocks() {
        SimpleLock lock1 = provider.lock(config(name1)).orElseThrow();
        SimpleLock lock2 = provider.lock(config(name1 + "-2")).orElseThrow();
        lock1.unlock();
        lock2.unlock();
    }

    @Test
    void shouldLockTwiceInARow() {
        provider.lock(config(name1)).orElseThrow().unlock();
        provider.lock(config(name1)).orElseThrow().unlock();
    }

    @Test
    void shouldTimeout() throws InterruptedException {
        Duration atMost = TestTime.scaled(Duration.ofMillis(300));
        long start = System.nanoTime();
        assertTrue(provider.lock(config(name1, atMost, Duration.ZERO)).isPresent());
        assertTrue(provider.lock(config(name1)).isEmpty(), "held until lockAtMostFor");
        assertTrue(System.nanoTime() - start < atMost.toNanos(), "the machine was too slow to check the hold; rerun with a larger latchkey.timeScale");
        Thread.sleep(atMost.multipliedBy(2).toMillis());
        assertUnlocked(name1);
        provider.lock(config(name1, Duration.ofMillis(50), Duration.ZERO)).orElseThrow().unlock();
    }

    @Test
    void shouldBeAbleToLockRightAfterUnlock() {
        for (int i = 0; i < 10; i++) {
            SimpleLock lock = provider.lock(config(name1)).orElseThrow(() -> new AssertionError("not locked"));
            assertTrue(provider.lock(config(name1)).isEmpty());
            lock.unlock();
        }
    }

    @Test
    void shouldLockAtLeastFor_andNoLonger() throws InterruptedException {
        Duration atLeast = TestTime.scaled(Duration.ofMillis(800));
        LockConfiguration configuration = config(name1, atLeast.multipliedBy(2), atLeast);
        provider.lock(configuration).orElseThrow().unlock();
        assertLocked(name1);
        assertTrue(provider.lock(config(name1)).isEmpty(), "held after unlock until lockAtLeastFor has passed");
        Optional<SimpleLock> next;
        do {
            Thread.sleep(5);
            next = provider.lock(config(name1));
        } while (next.isEmpty() && ClockProvider.now().isBefore(configuration.getLockAtLeastUntil().plus(TestTime.scaled(Duration.ofSeconds(1)))));
        Instant freed = ClockProvider.now();
        assertTrue(next.isPresent(), "free again soon after lockAtLeastUntil");
        assertFalse(freed.isBefore(configuration.getLockAtLeastUntil()), "freed at " + freed + ", before " + configuration.getLockAtLeastUntil());
        next.get().unlock();
    }

    @Test
    void fuzzTestShouldPass() throws Exception {
        // FuzzTester: 8 threads, two jobs; a counter read and written with a sleep in between stays
        // exact only if no two runs of a job overlap.
        LockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
        int threads = 8;
        int iterations = fuzzIterations();
        int shortIterations = 10;
        int[] counters = new int[2];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int job = t % 2;
                int runs = t == 0 ? shortIterations : iterations;
                String lockName = name1 + "-job" + job;
                done.add(pool.submit(() -> {
                    int[] ran = {0};
                    while (ran[0] < runs) {
                        executor.executeWithLock((Runnable) () -> {
                            int n = counters[job];
                            sleep(1);
                            counters[job] = n + 1;
                            ran[0]++;
                        }, config(lockName, FIVE_MINUTES, Duration.ofMillis(5)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(TestTime.scaled(Duration.ofMinutes(2)).toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads / 2 * iterations, counters[1]);
        assertEquals((threads / 2 - 1) * iterations + shortIterations, counters[0]);
    }

    // ---- AbstractExtensibleLockProviderIntegrationTest ----

    @Test
    void shouldBeAbleToExtendLock() throws InterruptedException {
        Duration original = Duration.ofMillis(300);
        SimpleLock lock = lock(original);
        SimpleLock extended = lock.extend(Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
        Thread.sleep(original.multipliedBy(2).toMillis());
        assertLocked(name1);
        extended.unlock();
        assertUnlocked(name1);
    }

    @Test
    void shouldBeAbleToExtendMultipleTimes() throws InterruptedException {
        Duration original = Duration.ofMillis(300);
        SimpleLock lock = lock(original);
        for (int i = 0; i < 3; i++) {
            lock = lock.extend(Duration.ofSeconds(10), Duration.ZERO).orElseThrow();
        }
        Thread.sleep(original.multipliedBy(2).toMillis());
        assertLocked(name1);
        lock.unlock();
        assertUnlocked(name1);
    }

    @Test
    void shouldNotBeAbleToExtendUnlockedLock() {
        SimpleLock lock = lock(Duration.ofSeconds(10));
        lock.unlock();
        assertUnlocked(name1);
        assertThrows(IllegalStateException.class, () -> lock.extend(Duration.ofSeconds(10), Duration.ZERO));
    }

    @Test
    void shouldNotBeAbleToExtendExpiredLock() throws InterruptedException {
        Duration atMost = Duration.ofMillis(50);
        SimpleLock lock = provider.lock(config(name1, atMost, Duration.ZERO)).orElseThrow();
        Thread.sleep(atMost.multipliedBy(2).toMillis());
        assertTrue(lock.extend(Duration.ofSeconds(10), Duration.ZERO).isEmpty());
        assertUnlocked(name1);
    }

    @Test
    void shouldBeAbleToExtendAtLeast() {
        SimpleLock lock = lock(Duration.ofSeconds(10));
        SimpleLock extended = lock.extend(Duration.ofSeconds(10), Duration.ofSeconds(9)).orElseThrow();
        extended.unlock();
        assertLocked(name1);
    }

    @Test
    void lockCanNotBeExtendedTwice() {
        SimpleLock lock = lock(Duration.ofSeconds(10));
        lock.extend(Duration.ofSeconds(10), Duration.ofSeconds(9)).orElseThrow();
        assertThrows(IllegalStateException.class, () -> lock.extend(Duration.ofSeconds(10), Duration.ofSeconds(9)));
    }

    @Test
    void lockCanNotBeUnlockedAfterExtending() {
        SimpleLock lock = lock(Duration.ofSeconds(10));
        lock.extend(Duration.ofSeconds(10), Duration.ofSeconds(9)).orElseThrow();
        assertThrows(IllegalStateException.class, lock::unlock);
    }

    // ---- Latchkey's choices ----

    @Test
    void lostLease_isReportedByUnlock_andFreesNothingOfTheSuccessor() {
        SimpleLock lock = lock(Duration.ofSeconds(10));
        assertTrue(otherNode.forceRelease(name1));
        SimpleLock successor = new LatchkeyLockProvider(otherNode).lock(config(name1)).orElseThrow();
        assertThrows(LockLostException.class, lock::unlock);
        assertLocked(name1);
        assertTrue(lock.toString().contains(name1));
        successor.unlock();
        assertUnlocked(name1);
    }

    @Test
    void lostLease_reachesTheCallerOfTheLockingTaskExecutor() {
        LockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
        LockLostException e = assertThrows(LockLostException.class, () -> executor.executeWithLock(
                (Runnable) () -> assertTrue(otherNode.forceRelease(name1)), config(name1)));
        assertEquals(name1, e.lockName());
    }

    @Test
    void badArguments_areNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LatchkeyLockProvider(null)).getMessage().contains("client"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> provider.lock(null)).getMessage().contains("lockConfiguration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> provider.lock(config(name1, Duration.ZERO, Duration.ZERO))).getMessage().contains("lockAtMostFor"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> provider.lock(config(name1, Duration.ofDays(2), Duration.ZERO))).getMessage().contains("lockAtMostFor"));
        assertUnlocked(name1);
        SimpleLock lock = lock(Duration.ofSeconds(10));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.extend(Duration.ZERO, Duration.ZERO)).getMessage().contains("lockAtMostFor"));
        assertLocked(name1);
        lock.unlock(); // a rejected extension leaves the lock usable
        assertUnlocked(name1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
