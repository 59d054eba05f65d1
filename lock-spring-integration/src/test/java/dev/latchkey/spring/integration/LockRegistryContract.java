package dev.latchkey.spring.integration;

import dev.latchkey.redis.testkit.TestTime;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.integration.support.locks.DistributedLock;

/**
 * Spring Integration's lock registry contract, after {@code RedisLockRegistryTests} (the cases that
 * concern the contract rather than Redis internals), plus Latchkey's choices: renewal, fencing, loss.
 * Each registry stands for one node; {@code node1} and {@code node2} are two participants. A subclass
 * names the backend.
 */
abstract class LockRegistryContract {
    private final LockClient client1 = newClient();
    private final LockClient client2 = newClient();
    final LatchkeyLockRegistry node1 = new LatchkeyLockRegistry(client1);
    final LatchkeyLockRegistry node2 = new LatchkeyLockRegistry(client2);
    final String foo = TestTime.name("foo");
    private final ExecutorService pool = Executors.newCachedThreadPool();

    /** A new participant on the backend under test. */
    abstract LockClient newClient();

    @AfterEach
    void close() {
        pool.shutdownNow();
        client1.close();
        client2.close();
    }

    boolean heldInBackend(String key) {
        return client2.inspect(key).orElseThrow().isHeld();
    }

    @Test
    void testLock_sameLockPerKey_untilExpiredUnused() {
        Lock first = node1.obtain(foo);
        for (int i = 0; i < 10; i++) {
            Lock lock = node1.obtain(foo);
            assertSame(first, lock);
            lock.lock();
            try {
                assertTrue(heldInBackend(foo));
            } finally {
                lock.unlock();
            }
            assertFalse(heldInBackend(foo));
        }
        node1.expireUnusedOlderThan(-1000);
        assertNotSame(first, node1.obtain(foo));
        assertEquals(first, node1.obtain(foo), "a new object for the same key is an equal lock");
    }

    @Test
    void testLockWithCustomTtl_outlivesExpireAfter() throws InterruptedException {
        LatchkeyLockRegistry registry = new LatchkeyLockRegistry(client1, Duration.ofMillis(100));
        for (int i = 0; i < 3; i++) {
            DistributedLock lock = registry.obtain(foo);
            lock.lock(Duration.ofSeconds(5));
            try {
                Thread.sleep(200);
                assertTrue(heldInBackend(foo));
            } finally {
                assertDoesNotThrow(lock::unlock);
            }
        }
    }

    @Test
    void testTryLockWithCustomTtl() throws InterruptedException {
        LatchkeyLockRegistry registry = new LatchkeyLockRegistry(client1, Duration.ofMillis(100));
        DistributedLock lock = registry.obtain(foo);
        assertTrue(lock.tryLock(Duration.ofMillis(100), Duration.ofSeconds(5)));
        try {
            Thread.sleep(200);
            assertTrue(heldInBackend(foo));
        } finally {
            assertDoesNotThrow(lock::unlock);
        }
    }

    @Test
    void testUnlockAfterTtlExpired_throwsConcurrentModification() throws InterruptedException {
        DistributedLock lock = node1.obtain(foo);
        lock.lock(Duration.ofMillis(100));
        Thread.sleep(250);
        assertFalse(heldInBackend(foo));
        ConcurrentModificationException e = assertThrows(ConcurrentModificationException.class, lock::unlock);
        assertTrue(e.getMessage().contains("Lock was released in the store due to expiration"), e.getMessage());
        assertTrue(e.getCause() instanceof LockLostException);
        assertFalse(((FencedLock) lock).isHeldByCurrentThread());
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "the thread no longer holds it");
    }

    @Test
    void testRenewalOnExpire_defaultLockIsRenewedPastExpireAfter() throws InterruptedException {
        Duration expireAfter = Duration.ofMillis(300);
        LatchkeyLockRegistry registry = new LatchkeyLockRegistry(client1, expireAfter);
        Lock lock = registry.obtain(foo);
        assertTrue(lock.tryLock());
        Thread.sleep(expireAfter.multipliedBy(3).toMillis());
        assertTrue(heldInBackend(foo));
        assertDoesNotThrow(lock::unlock);
        assertFalse(heldInBackend(foo));
    }

    @Test
    void testLockInterruptibly() throws Exception {
        Lock lock = node1.obtain(foo);
        for (int i = 0; i < 3; i++) {
            lock.lockInterruptibly();
            lock.unlock();
        }
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, lock::lockInterruptibly);
        assertFalse(Thread.interrupted());
        assertFalse(heldInBackend(foo));
        node2.obtain(foo).lock();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                lock.lockInterruptibly();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        waiter.start();
        Thread.sleep(100);
        assertFalse(outcome.isDone(), "it waits while node 2 holds");
        waiter.interrupt();
        waiter.join(TestTime.scaled(Duration.ofSeconds(5)).toMillis());
        assertTrue(outcome.getNow(null) instanceof InterruptedException, String.valueOf(outcome.getNow(null)));
        node2.obtain(foo).unlock();
        assertFalse(heldInBackend(foo), "the interrupted waiter took nothing");
    }

    @Test
    void testReentrantLock() throws Exception {
        for (int i = 0; i < 3; i++) {
            Lock lock1 = node1.obtain(foo);
            lock1.lockInterruptibly();
            try {
                Lock lock2 = node1.obtain(foo);
                assertSame(lock1, lock2);
                lock2.lock();
                assertTrue(lock2.tryLock());
                assertTrue(lock2.tryLock(10, TimeUnit.MILLISECONDS));
                lock2.unlock();
                lock2.unlock();
                lock2.unlock();
                assertTrue(heldInBackend(foo), "held until the outermost unlock");
            } finally {
                lock1.unlock();
            }
            assertFalse(heldInBackend(foo));
        }
    }

    @Test
    void testReentrancy_survivesExpireUnused() {
        FencedLock lock = node1.obtain(foo);
        lock.lock();
        node1.expireUnusedOlderThan(-1000);
        assertSame(lock, node1.obtain(foo), "a held lock is not expired");
        lock.unlock();
        node1.expireUnusedOlderThan(-1000);
        assertNotSame(lock, node1.obtain(foo));
    }

    @Test
    void testTwoLocks() {
        Lock lock1 = node1.obtain(foo);
        Lock lock2 = node1.obtain(foo + "-bar");
        assertNotSame(lock1, lock2);
        lock1.lock();
        lock2.lock();
        lock2.unlock();
        lock1.unlock();
    }

    @Test
    void testTwoThreadsSecondFailsToGetLock_andCannotUnlock() throws Exception {
        Lock lock1 = node1.obtain(foo);
        lock1.lockInterruptibly();
        Future<Object> result = pool.submit(() -> {
            Lock lock2 = node1.obtain(foo);
            long start = System.nanoTime();
            assertFalse(lock2.tryLock(200, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "it waited");
            return assertThrows(IllegalMonitorStateException.class, lock2::unlock);
        });
        Object e = result.get(10, TimeUnit.SECONDS);
        assertTrue(((Exception) e).getMessage().contains(foo));
        assertTrue(heldInBackend(foo), "the failed unlock freed nothing");
        lock1.unlock();
    }

    @Test
    void testTwoThreads_secondWaitsForFirst() throws Exception {
        Lock lock1 = node1.obtain(foo);
        AtomicBoolean locked = new AtomicBoolean();
        CountDownLatch latch1 = new CountDownLatch(1);
        lock1.lockInterruptibly();
        Future<?> second = pool.submit(() -> {
            Lock lock2 = node1.obtain(foo);
            latch1.countDown();
            lock2.lockInterruptibly();
            locked.set(true);
            lock2.unlock();
            return null;
        });
        assertTrue(latch1.await(10, TimeUnit.SECONDS));
        Thread.sleep(100);
        assertFalse(locked.get());
        lock1.unlock();
        second.get(TestTime.scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(locked.get());
    }

    @Test
    void testTwoNodes_excludeEachOther_andFencingTokensIncrease() throws Exception {
        FencedLock lock1 = node1.obtain(foo);
        FencedLock lock2 = node2.obtain(foo);
        assertNotEquals(lock1, lock2, "locks of different registries differ");
        lock1.lock();
        long first = lock1.fencingToken();
        assertTrue(first > 0);
        CompletableFuture<Long> other = CompletableFuture.supplyAsync(() -> {
            lock2.lock();
            try {
                return lock2.fencingToken();
            } finally {
                lock2.unlock();
            }
        }, pool);
        Thread.sleep(100);
        assertFalse(other.isDone(), "node 2 waits while node 1 holds");
        lock1.unlock();
        assertTrue(other.get(10, TimeUnit.SECONDS) > first);
        assertThrows(IllegalMonitorStateException.class, lock1::fencingToken);
    }

    @Test
    void testTwoThreadsWrongOneUnlocks() throws Exception {
        Lock lock = node1.obtain(foo);
        lock.lockInterruptibly();
        Future<Throwable> result = pool.submit(() -> assertThrows(IllegalMonitorStateException.class, lock::unlock));
        assertTrue(result.get(10, TimeUnit.SECONDS).getMessage().contains("doesn't own lock"));
        assertTrue(heldInBackend(foo));
        lock.unlock();
        assertFalse(heldInBackend(foo));
    }

    @Test
    void testExpireTwoRegistries_lostHoldIsNotReentered() throws Exception {
        DistributedLock lock1 = node1.obtain(foo);
        DistributedLock lock2 = node2.obtain(foo);
        assertTrue(lock1.tryLock(Duration.ZERO, Duration.ofMillis(100)));
        assertFalse(lock2.tryLock());
        TestTime.await("the hold expires in the backend", Duration.ofSeconds(5), () -> !heldInBackend(foo));
        assertTrue(lock2.tryLock());
        CannotAcquireLockException e = assertThrows(CannotAcquireLockException.class, lock1::tryLock);
        assertTrue(e.getMessage().contains("ended while it was still locked"), e.getMessage());
        assertThrows(ConcurrentModificationException.class, lock1::unlock);
        assertTrue(heldInBackend(foo), "node 1's unlock freed nothing of node 2's");
        lock2.unlock();
    }

    @Test
    void testLockRenew() {
        Lock lock = node1.obtain(foo);
        assertTrue(lock.tryLock());
        try {
            node1.renewLock(foo);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void testLockRenewLockNotOwned() throws Exception {
        node1.obtain(foo);
        assertThrows(IllegalStateException.class, () -> node1.renewLock(foo));
        Lock lock = node1.obtain(foo);
        lock.lock();
        try {
            // not even by another thread of the same node (get() fails if renewLock did not throw)
            pool.submit(() -> assertThrows(IllegalStateException.class, () -> node1.renewLock(foo))).get();
        } finally {
            lock.unlock();
        }
    }

    @Test
    void testLockRenewWithCustomTtl() throws InterruptedException {
        DistributedLock lock = node1.obtain(foo);
        Lock lockOfAnotherProcess = node2.obtain(foo);
        Duration ttl = Duration.ofMillis(150);
        assertTrue(lock.tryLock(Duration.ofMillis(100), ttl));
        try {
            node1.renewLock(foo, Duration.ofSeconds(5));
            Thread.sleep(ttl.multipliedBy(2).toMillis());
            assertFalse(lockOfAnotherProcess.tryLock(100, TimeUnit.MILLISECONDS));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void testRenewLostHold_throwsIllegalState() {
        DistributedLock lock = node1.obtain(foo);
        lock.lock(Duration.ofSeconds(10));
        assertTrue(client2.forceRelease(foo));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> node1.renewLock(foo));
        assertTrue(e.getCause() instanceof LockLostException);
        assertThrows(ConcurrentModificationException.class, lock::unlock);
    }

    @Test
    void executeLocked_fromSpringsInterface() throws Exception {
        assertEquals("done", node1.executeLocked(foo, () -> {
            assertTrue(heldInBackend(foo));
            return "done";
        }));
        assertFalse(heldInBackend(foo));
        Lock lock = node2.obtain(foo);
        lock.lock();
        try {
            assertThrows(TimeoutException.class, () -> node1.executeLocked(foo, Duration.ofMillis(50), () -> {
            }));
        } finally {
            lock.unlock();
        }
    }

    @Test
    void badArguments_areNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LatchkeyLockRegistry(null)).getMessage().contains("client"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LatchkeyLockRegistry(client1, Duration.ZERO)).getMessage().contains("expireAfter"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LatchkeyLockRegistry(client1, Duration.ofSeconds(-1))).getMessage().contains("expireAfter"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node1.obtain(42)).getMessage().contains("lockKey"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node1.obtain(null)).getMessage().contains("lockKey"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node1.obtain(" ")).getMessage().contains("name"));
        DistributedLock lock = node1.obtain(foo);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.lock(Duration.ZERO)).getMessage().contains("ttl"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.tryLock(Duration.ofMillis(-1), Duration.ofSeconds(1))).getMessage().contains("waitTime"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.tryLock(Duration.ZERO, null)).getMessage().contains("ttl"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node1.renewLock(foo, Duration.ofDays(2))).getMessage().contains("ttl"));
        assertThrows(UnsupportedOperationException.class, lock::newCondition);
        assertFalse(heldInBackend(foo));
    }
}
