package dev.latchkey.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEngine;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Guards the partition case: a renewal call that hangs must not hide the loss until after the deadline. */
class RenewalHangTest {

    /** One lock on the system clock whose extend can be made to hang, as over a black-holed connection. */
    static final class HangingDriver implements LockDriver {
        final CountDownLatch unblock = new CountDownLatch(1);
        volatile boolean hang;
        private String holder;
        private long expiresAt;

        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_RENEWAL, Capability.OWNER_SAFE_RELEASE);
        }

        @Override
        public String describe() {
            return "hanging-test";
        }

        @Override
        public synchronized Grant acquire(String name, String token, long leaseMillis, long waitNanos) {
            long now = System.nanoTime();
            if (holder != null && now - expiresAt < 0) {
                return null;
            }
            holder = token;
            expiresAt = now + leaseMillis * 1_000_000L;
            return new Grant(0, now);
        }

        @Override
        public boolean extend(String name, String token, long leaseMillis) {
            if (hang) {
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new dev.latchkey.LockUnavailableException("connection timed out");
            }
            synchronized (this) {
                long now = System.nanoTime();
                if (!token.equals(holder) || now - expiresAt >= 0) {
                    return false;
                }
                expiresAt = now + leaseMillis * 1_000_000L;
                return true;
            }
        }

        @Override
        public synchronized boolean release(String name, String token) {
            boolean mine = token.equals(holder) && System.nanoTime() - expiresAt < 0;
            if (mine) {
                holder = null;
            }
            return mine;
        }

        @Override
        public void close() {
            unblock.countDown();
        }
    }

    @Test
    void aHungRenewalReportsTheLossBeforeTheDeadline() throws Exception {
        HangingDriver driver = new HangingDriver();
        try (LockClient client = LockEngine.client(driver, Duration.ofSeconds(1))) {
            Duration leaseTime = Duration.ofMillis(2_100); // the loss is reported 200 ms before the deadline
            Lease lease = client.lock("a").acquire(leaseTime);
            CompletableFuture<Long> lostAt = new CompletableFuture<>();
            lease.renewAutomatically().onLost(e -> lostAt.complete(System.nanoTime()));
            Thread.sleep(800); // a few renewals have been confirmed
            assertTrue(lease.isValid(), "renewal should have kept the lease alive");
            driver.hang = true;
            long hungAt = System.nanoTime();
            long lost = lostAt.get(10, TimeUnit.SECONDS);
            // The last confirmed renewal was sent before hungAt, so the deadline is at most hungAt + lease.
            assertTrue(lost - hungAt < leaseTime.toNanos(),
                    "loss reported " + (lost - hungAt) / 1_000_000 + " ms after the hang, at or past the deadline");
            assertFalse(lease.isValid());
            assertThrows(LockLostException.class, lease::release);
            driver.unblock.countDown();
        }
    }

    @Test
    void releaseIsNotBlockedByAHungRenewal() throws Exception {
        HangingDriver driver = new HangingDriver();
        try (LockClient client = LockEngine.client(driver, Duration.ofSeconds(1))) {
            Lease lease = client.lock("a").acquire(Duration.ofSeconds(3));
            lease.renewAutomatically();
            driver.hang = true;
            Thread.sleep(1_200); // a renewal (every second) is now stuck in extend
            long start = System.nanoTime();
            assertNotNull(lease.release());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "release waited for the hung renewal");
            driver.unblock.countDown();
        }
    }
}
