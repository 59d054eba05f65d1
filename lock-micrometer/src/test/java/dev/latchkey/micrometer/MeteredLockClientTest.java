package dev.latchkey.micrometer;

import dev.latchkey.redis.testkit.TestTime;
import static dev.latchkey.micrometer.LockMeters.ACQUIRE;
import static dev.latchkey.micrometer.LockMeters.ACTIVE;
import static dev.latchkey.micrometer.LockMeters.HELD;
import static dev.latchkey.micrometer.LockMeters.LOST;
import static dev.latchkey.micrometer.LockMeters.RENEWAL_FAILURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockLostException;
import dev.latchkey.LockTimeoutException;
import dev.latchkey.LockView;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.inmemory.InMemorySpace;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decorator against the in-memory backend and a real SimpleMeterRegistry. */
class MeteredLockClientTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final InMemorySpace space = InMemorySpace.create();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LockClient raw = space.client(LONG, true);
    private final LockClient other = space.client(LONG, true);
    private final MeteredLockClient client = MeteredLockClient.builder(raw, registry).backendTag("mem").build();

    @AfterEach
    void close() {
        client.close();
        other.close();
    }

    private Timer acquire(String outcome) {
        return registry.get(ACQUIRE).tags("backend", "mem", "lock", MeteredLockClient.OTHER, "outcome", outcome).timer();
    }

    private double active() {
        return registry.get(ACTIVE).tags("backend", "mem").gauge().value();
    }

    private double count(String counter) {
        return registry.get(counter).tags("backend", "mem").counter().count();
    }

    @Test
    void grantTimeoutAndHold_areTimed_withPercentiles() throws Exception {
        String name = TestTime.name("timed");
        Duration wait = Duration.ofMillis(150);
        try (Lease theirs = other.lock(name).acquire()) {
            long start = System.nanoTime();
            assertTrue(client.lock(name).tryAcquire(wait, LONG).isEmpty());
            long waited = System.nanoTime() - start;
            assertEquals(1, acquire("timeout").count());
            double recorded = acquire("timeout").totalTime(TimeUnit.NANOSECONDS);
            assertTrue(recorded >= wait.toNanos() && recorded <= waited, "recorded " + recorded + " ns, waited " + waited + " ns");
            assertThrows(LockTimeoutException.class, () -> client.lock(name).acquire(Duration.ZERO, LONG));
            assertTrue(client.lock(name).tryAcquire().isEmpty(), "an immediate attempt that finds it held");
            assertEquals(3, acquire("timeout").count());
        }
        assertEquals(0, acquire("granted").count());
        Duration holdFor = Duration.ofMillis(100);
        long start = System.nanoTime();
        Lease lease = client.lock(name).acquire(LONG);
        assertEquals(1, acquire("granted").count());
        assertEquals(1, active());
        Thread.sleep(holdFor.toMillis());
        assertEquals(ReleaseOutcome.RELEASED, lease.release());
        long elapsed = System.nanoTime() - start;
        Timer held = registry.get(HELD).tags("backend", "mem").timer();
        assertEquals(1, held.count());
        assertTrue(held.totalTime(TimeUnit.NANOSECONDS) >= holdFor.toNanos() && held.totalTime(TimeUnit.NANOSECONDS) <= elapsed);
        assertEquals(0, active());
        assertEquals(3, acquire("granted").takeSnapshot().percentileValues().length, "percentiles 0.5, 0.95, 0.99");
        assertEquals(3, held.takeSnapshot().percentileValues().length);
        assertEquals(0, count(LOST));
    }

    @Test
    void leaseSemantics_areThoseOfTheWrappedLease() {
        String name = TestTime.name("same");
        Lease lease = client.lock(name).tryAcquire(LONG).orElseThrow();
        assertSame(lease, lease.renewAutomatically(), "methods returning the lease return the wrapper");
        AtomicInteger told = new AtomicInteger();
        assertSame(lease, lease.onLost(e -> told.incrementAndGet()));
        assertEquals(name, lease.name());
        assertTrue(lease.fencingToken() > 0);
        lease.extend(Duration.ofSeconds(10));
        assertTrue(lease.remaining().compareTo(Duration.ofSeconds(9)) > 0 && lease.remaining().compareTo(Duration.ofSeconds(10)) <= 0);
        assertEquals(ReleaseOutcome.RELEASED, lease.release());
        assertEquals(ReleaseOutcome.ALREADY_RELEASED, lease.release(), "release stays idempotent");
        assertThrows(IllegalStateException.class, () -> lease.extend(LONG));
        assertFalse(lease.isValid());
        assertEquals(1, registry.get(HELD).tags("backend", "mem").timer().count(), "one hold, ended once");
        assertEquals(0, told.get());
        assertEquals(0, active());
    }

    @Test
    void takeOver_isALoss_reportedByReleaseAsBefore() {
        String name = TestTime.name("taken");
        Lease lease = client.lock(name).tryAcquire(LONG).orElseThrow();
        AtomicInteger told = new AtomicInteger();
        lease.onLost(e -> told.incrementAndGet());
        assertTrue(other.forceRelease(name));
        Lease successor = other.lock(name).tryAcquire(LONG).orElseThrow();
        assertThrows(LockLostException.class, lease::release);
        assertEquals(1, told.get(), "the caller's listener ran once");
        assertTrue(successor.isValid(), "the release freed nothing of the successor's");
        assertEquals(1, count(LOST));
        assertEquals(0, count(RENEWAL_FAILURES), "the lease was not renewed automatically");
        assertEquals(0, active());
        successor.release();
    }

    @Test
    void leaseThatRunsOut_isCountedAtItsDeadline_withoutACall() {
        String name = TestTime.name("expires");
        Duration lease = Duration.ofMillis(150);
        Lease held = client.lock(name).tryAcquire(lease).orElseThrow();
        assertEquals(1, active());
        TestTime.await("the lost lease is counted", lease.multipliedBy(4), () -> count(LOST) == 1);
        assertFalse(held.isValid());
        assertEquals(0, active());
        assertThrows(LockLostException.class, held::release);
        assertEquals(1, count(LOST), "counted once");
    }

    @Test
    void lossWhileRenewing_isARenewalFailure() {
        String name = TestTime.name("renewal");
        Duration leaseTime = Duration.ofMillis(300);
        Lease lease = client.lock(name).tryAcquire(leaseTime).orElseThrow().renewAutomatically();
        AtomicInteger told = new AtomicInteger();
        lease.onLost(e -> told.incrementAndGet());
        assertTrue(other.forceRelease(name));
        // The engine reports a renewing lease's loss before its deadline: within one lease time.
        TestTime.await("the renewal failure is counted", leaseTime.multipliedBy(2), () -> count(RENEWAL_FAILURES) == 1);
        assertEquals(1, count(LOST));
        assertEquals(1, told.get());
        assertEquals(0, active());
    }

    @Test
    void view_staysReentrant_andIsMeteredOncePerHold() throws Exception {
        String name = TestTime.name("view");
        DistributedLock lock = client.lock(name);
        LockView view = lock.asLock();
        assertSame(view, lock.asLock());
        view.lock();
        assertTrue(view.tryLock());
        assertTrue(view.tryLock(1, TimeUnit.SECONDS));
        assertEquals(3, view.getHoldCount());
        assertTrue(view.isHeldByCurrentThread());
        assertTrue(view.fencingToken() > 0);
        LockView again = client.lock(name).asLock();
        again.lock(); // reentrant through another lock object of the same name and client
        assertEquals(4, view.getHoldCount());
        assertEquals(1, acquire("granted").count(), "one acquisition for the whole hold");
        assertEquals(1, active());
        CompletableFuture<Boolean> stranger = CompletableFuture.supplyAsync(view::tryLock);
        assertFalse(stranger.get());
        assertEquals(1, acquire("timeout").count());
        CompletableFuture<Throwable> wrongUnlock = CompletableFuture.supplyAsync(() -> {
            try {
                view.unlock();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertTrue(wrongUnlock.get() instanceof IllegalMonitorStateException);
        again.unlock();
        view.unlock();
        view.unlock();
        assertEquals(1, active());
        assertEquals(0, registry.get(HELD).tags("backend", "mem").timer().count());
        view.unlock();
        assertEquals(0, view.getHoldCount());
        assertEquals(0, active());
        assertEquals(1, registry.get(HELD).tags("backend", "mem").timer().count());
        assertTrue(other.lock(name).tryAcquire(LONG).orElseThrow().release() == ReleaseOutcome.RELEASED, "the view released");
    }

    @Test
    void viewLoss_isCountedWhenUnlockReportsIt() {
        String name = TestTime.name("viewloss");
        LockView view = client.lock(name).asLock();
        view.lock(LONG);
        assertTrue(other.forceRelease(name));
        assertThrows(LockLostException.class, view::unlock);
        assertEquals(0, view.getHoldCount());
        assertEquals(1, count(LOST));
        assertEquals(0, count(RENEWAL_FAILURES), "lock(Duration) does not renew");
        assertEquals(0, active());
    }

    @Test
    void async_grantsAreMetered_andCancellationReachesTheWrappedAcquisition() throws Exception {
        String name = TestTime.name("async");
        Lease lease = client.lock(name).acquireAsync(Duration.ZERO, LONG).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(1, acquire("granted").count());
        CompletableFuture<Lease> waiting = client.lock(name).acquireAsync(LONG, LONG).toCompletableFuture();
        TestTime.await("the async waiter is queued", Duration.ofSeconds(5), () -> raw.inspect(name).orElseThrow().waiters() == 1);
        assertTrue(waiting.cancel(true));
        TestTime.await("the cancelled waiter leaves the queue", Duration.ofSeconds(5), () -> raw.inspect(name).orElseThrow().waiters() == 0);
        lease.release();
        assertFalse(raw.inspect(name).orElseThrow().isHeld(), "the cancelled acquisition took nothing");
        TestTime.await("the cancellation is recorded", Duration.ofSeconds(5), () -> acquire("failed").count() == 1);
        try (Lease theirs = other.lock(name).acquire()) {
            CompletableFuture<Lease> late = client.lock(name).acquireAsync(Duration.ofMillis(50), LONG).toCompletableFuture();
            ExecutionException e = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof LockTimeoutException, String.valueOf(e.getCause()));
            assertEquals(1, acquire("timeout").count());
        }
        assertEquals(0, active());
    }

    @Test
    void lockNameTags_areCappedAndFoldIntoOther() {
        MeteredLockClient named = MeteredLockClient.builder(other, registry).backendTag("named").lockNameTags(2).build();
        for (String name : List.of("a", "b", "c", "d", "a")) {
            named.lock(TestTime.name("cap")); // an unused lock object creates no meter
            named.lock(name).tryAcquire(LONG).orElseThrow().release();
        }
        assertEquals(2, registry.get(ACQUIRE).tags("backend", "named", "lock", "a", "outcome", "granted").timer().count());
        assertEquals(1, registry.get(ACQUIRE).tags("backend", "named", "lock", "b", "outcome", "granted").timer().count());
        assertNull(registry.find(ACQUIRE).tags("lock", "c").timer());
        assertEquals(2, registry.get(ACQUIRE).tags("backend", "named", "lock", MeteredLockClient.OTHER, "outcome", "granted").timer().count());
    }

    @Test
    void activeGauge_addsUpOverClientsSharingRegistryAndTags() {
        String name = TestTime.name("shared");
        MeteredLockClient second = MeteredLockClient.builder(other, registry).backendTag("mem").build();
        Lease one = client.lock(name + "1").tryAcquire(LONG).orElseThrow();
        Lease two = second.lock(name + "2").tryAcquire(LONG).orElseThrow();
        assertEquals(2, active());
        one.release();
        two.release();
        assertEquals(0, active());
    }

    @Test
    void close_endsTheHoldsItReleases() {
        LockClient own = space.client(LONG, true);
        MeteredLockClient metered = MeteredLockClient.builder(own, registry).backendTag("closing").build();
        String name = TestTime.name("close");
        metered.lock(name).tryAcquire(LONG).orElseThrow();
        metered.lock(name + "v").asLock().lock();
        assertEquals(2, registry.get(ACTIVE).tags("backend", "closing").gauge().value());
        metered.close();
        assertEquals(0, registry.get(ACTIVE).tags("backend", "closing").gauge().value());
        assertEquals(2, registry.get(HELD).tags("backend", "closing").timer().count());
        assertFalse(other.inspect(name).orElseThrow().isHeld());
    }

    @Test
    void defaults_tagTheBackendWithTheClientsDescription() {
        MeteredLockClient plain = MeteredLockClient.wrap(other, registry);
        plain.lock(TestTime.name("plain")).tryAcquire(LONG).orElseThrow().release();
        assertEquals(1, registry.get(ACQUIRE).tags("backend", other.describe(), "lock", MeteredLockClient.OTHER, "outcome", "granted").timer().count());
        assertSame(other, plain.unwrap());
        assertEquals(other.capabilities(), plain.capabilities());
    }

    @Test
    void badArguments_areNamed_andNotRecorded() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MeteredLockClient.wrap(null, registry)).getMessage().contains("client"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MeteredLockClient.wrap(raw, null)).getMessage().contains("registry"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MeteredLockClient.builder(raw, registry).lockNameTags(-1)).getMessage().contains("maxDistinctNames"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MeteredLockClient.builder(raw, registry).backendTag(" ")).getMessage().contains("backend"));
        DistributedLock lock = client.lock(TestTime.name("args"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.tryAcquire(Duration.ofSeconds(-1), LONG)).getMessage().contains("wait"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lock.tryAcquire(Duration.ZERO)).getMessage().contains("lease"));
        assertEquals(Optional.empty(), Optional.ofNullable(registry.find(ACQUIRE).tags("backend", "mem", "outcome", "failed").timer()).filter(t -> t.count() > 0));
    }
}
