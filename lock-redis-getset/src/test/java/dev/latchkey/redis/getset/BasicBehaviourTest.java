package dev.latchkey.redis.getset;

import static dev.latchkey.redis.getset.Redis.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.Locks;
import dev.latchkey.ReleaseOutcome;
import dev.latchkey.redis.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both modes over both clients, against a real redis-server: exclusion, hand-over, interrupts, renewal, discovery. */
class BasicBehaviourTest {
    private static final RedisServer server = RedisServer.shared();

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.latchkey.redis.getset.Redis#clientsAndModes")
    void fourClientsNeverHoldAtOnceAndLoseNoUpdate(String client, String mode) throws Exception {
        String name = "mx-" + client + "-" + mode;
        int clients = 4;
        int rounds = 15;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicLong counter = new AtomicLong();
        List<LockClient> opened = new ArrayList<>();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                LockClient lockClient = Redis.open(server, client, mode, "&retry=10ms");
                opened.add(lockClient);
                DistributedLock lock = lockClient.lock(name);
                workers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < rounds; i++) {
                        try {
                            Lease lease = lock.acquire(Duration.ofSeconds(30), Duration.ofSeconds(10));
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            long seen = counter.get(); // a read-modify-write that only the lock protects
                            Thread.sleep(1);
                            counter.set(seen + 1);
                            inside.decrementAndGet();
                            lease.release();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(Redis.scaledMillis(60_000), TimeUnit.MILLISECONDS);
        } finally {
            opened.forEach(LockClient::close);
        }
        assertEquals(0, overlaps.get(), "overlapping holds");
        assertEquals(clients * rounds, counter.get(), "lost updates");
        assertEquals("(nil)", server.command("GET", Redis.key(name)), "the key is gone after the last release");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.latchkey.redis.getset.Redis#clientsAndModes")
    void aWaiterGetsTheLockWhenTheHolderReleases(String client, String mode) throws Exception {
        try (LockClient a = Redis.open(server, client, mode, "&retry=20ms");
             LockClient b = Redis.open(server, client, mode, "&retry=20ms")) {
            String name = "handover-" + client + "-" + mode;
            Lease held = a.lock(name).acquire(Duration.ofSeconds(10));
            assertTrue(b.lock(name).tryAcquire().isEmpty(), "a second participant must not get a held lock");
            LockInfo info = b.inspect(name).orElseThrow();
            assertTrue(info.isHeld());
            assertTrue(info.remaining().compareTo(Duration.ofSeconds(8)) > 0, info.toString());
            CompletableFuture<Lease> waiting = b.lock(name).acquireAsync(Duration.ofSeconds(10), Duration.ofSeconds(10)).toCompletableFuture();
            Thread.sleep(100);
            assertFalse(waiting.isDone());
            long released = System.nanoTime();
            assertEquals(ReleaseOutcome.RELEASED, held.release());
            assertEquals(ReleaseOutcome.ALREADY_RELEASED, held.release(), "release is idempotent");
            Lease next = waiting.get(Redis.scaledMillis(5_000), TimeUnit.MILLISECONDS);
            assertTrue(Redis.millisSince(released) < Redis.scaledMillis(1_000), "the waiter polls at most every retry");
            assertTrue(next.isValid());
            next.release();
            assertFalse(b.inspect(name).orElseThrow().isHeld());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.latchkey.redis.getset.Redis#clientsAndModes")
    void anInterruptedWaiterStopsPromptlyAndHoldsNothing(String client, String mode) throws Exception {
        try (LockClient a = Redis.open(server, client, mode, "&retry=200ms");
             LockClient b = Redis.open(server, client, mode, "&retry=200ms")) {
            String name = "interrupt-" + client + "-" + mode;
            Lease held = a.lock(name).acquire(Duration.ofSeconds(10));
            String holderValue = server.command("GET", Redis.key(name));
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    b.lock(name).acquire(Duration.ofSeconds(10));
                    outcome.set(new AssertionError("acquired a held lock"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            waiter.start();
            Thread.sleep(300);
            long interrupted = System.nanoTime();
            waiter.interrupt();
            waiter.join(Redis.scaledMillis(5_000));
            assertFalse(waiter.isAlive(), "the waiter must stop when interrupted");
            assertTrue(Redis.millisSince(interrupted) < Redis.scaledMillis(1_000), "promptly");
            assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
            assertEquals(holderValue, server.command("GET", Redis.key(name)), "the holder's key is untouched");
            assertEquals(ReleaseOutcome.RELEASED, held.release());
            assertTrue(b.lock(name).tryAcquire().isPresent(), "the interrupted waiter left nothing behind");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.latchkey.redis.getset.Redis#clientsAndModes")
    void aReleaseAfterTheLeaseEndedReportsTheLoss(String client, String mode) throws Exception {
        try (LockClient a = Redis.open(server, client, mode, "");
             LockClient b = Redis.open(server, client, mode, "")) {
            String name = "late-release-" + client + "-" + mode;
            Lease lease = a.lock(name).acquire(ms(200));
            Thread.sleep(400);
            assertThrows(dev.latchkey.LockLostException.class, lease::release);
            assertEquals("(nil)", server.command("GET", Redis.key(name)), "the holder's own stale key is removed");
            assertTrue(b.lock(name).tryAcquire().isPresent());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void checkedModeRenewsALeaseWhileItIsHeld(String client) throws Exception {
        try (LockClient a = Redis.open(server, client, "checked", "");
             LockClient b = Redis.open(server, client, "checked", "")) {
            String name = "renew-" + client;
            Lease lease = a.lock(name).acquire(ms(1_000)).renewAutomatically();
            Thread.sleep(2_500);
            assertTrue(lease.isValid(), "renewed past its 1 s lease");
            assertTrue(b.lock(name).tryAcquire().isEmpty());
            lease.extend(Duration.ofSeconds(20));
            long ttl = Long.parseLong(server.command("PTTL", Redis.key(name)));
            assertTrue(ttl > 19_000 && ttl <= 21_000, "extend moves the key's TTL too: " + ttl);
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jedis", "lettuce"})
    void articleModeHasNoExtension(String client) throws Exception {
        try (LockClient a = Redis.open(server, client, "article", "")) {
            Lease lease = a.lock("no-extend-" + client).acquire(Duration.ofSeconds(5));
            assertThrows(UnsupportedOperationException.class, () -> lease.extend(Duration.ofSeconds(5)));
            assertThrows(UnsupportedOperationException.class, lease::renewAutomatically);
            assertEquals(ReleaseOutcome.RELEASED, lease.release());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dev.latchkey.redis.getset.Redis#clientsAndModes")
    void theLockViewIsReentrantPerThread(String client, String mode) throws Exception {
        try (LockClient a = Redis.open(server, client, mode, "&lease=5s");
             LockClient b = Redis.open(server, client, mode, "")) {
            String name = "view-" + client + "-" + mode;
            Lock view = a.lock(name).asLock();
            view.lock();
            assertTrue(view.tryLock());
            view.unlock();
            assertTrue(b.lock(name).tryAcquire().isEmpty(), "still held after one of two unlocks");
            view.unlock();
            Optional<Lease> after = b.lock(name).tryAcquire();
            assertTrue(after.isPresent());
            after.get().release();
        }
    }

    @Test
    void theProviderIsFoundByItsSchemeAndDeclaresPerMode() {
        assertTrue(Locks.providers().stream().anyMatch(p -> p.scheme().equals("redis-getset")));
        EnumSet<Capability> article = EnumSet.of(Capability.LEASE_EXPIRY, Capability.REENTRANT, Capability.INTERRUPTIBLE,
                Capability.ASYNC);
        EnumSet<Capability> checked = EnumSet.copyOf(article);
        checked.add(Capability.MUTUAL_EXCLUSION);
        checked.add(Capability.OWNER_SAFE_RELEASE);
        checked.add(Capability.LEASE_RENEWAL);
        assertEquals(checked, Locks.provider("redis-getset").capabilities());
        try (LockClient a = Redis.open(server, "jedis", "article", "&skew=-2s");
             LockClient c = Redis.open(server, "lettuce", "checked", "")) {
            assertEquals(article, a.capabilities());
            assertEquals(checked, c.capabilities());
            assertTrue(a.describe().contains("mode=article") && a.describe().contains("skew=-2000ms"), a.describe());
            assertTrue(c.describe().startsWith("redis-getset mode=checked lettuce"), c.describe());
        }
    }

    @Test
    void forceReleaseFreesAnyHolder() throws Exception {
        try (LockClient a = Redis.open(server, "jedis", "checked", "");
             LockClient op = Redis.open(server, "lettuce", "checked", "")) {
            Lease lease = a.lock("force").acquire(Duration.ofSeconds(10));
            assertTrue(op.forceRelease("force"));
            assertNull(op.inspect("force").orElseThrow().holder());
            assertThrows(dev.latchkey.LockLostException.class, lease::release);
            assertFalse(op.forceRelease("force"));
        }
    }
}
