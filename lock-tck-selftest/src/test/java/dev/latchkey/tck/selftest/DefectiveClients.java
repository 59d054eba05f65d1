package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockInfo;
import dev.latchkey.LockLostException;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.LockView;
import dev.latchkey.ReleaseOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Clients broken above the driver, as a client library that does not use Latchkey's engine could be.
 * Each wraps a correct client and forwards everything but its one defect. Thread-safe, as what they wrap.
 */
final class DefectiveClients {
    private DefectiveClients() {
    }

    /** Release and unlock fail on an interrupted thread and leave the lock held (Lettuce before the engine cleared the flag). */
    static LockClient interruptBreaksRelease(LockClient client) {
        return new ForwardingClient(client, lease -> new ForwardingLease(lease) {
            @Override
            public ReleaseOutcome release() {
                failIfInterrupted();
                return super.release();
            }
        }, lock -> new ForwardingView(lock.asLock()) {
            @Override
            public void unlock() {
                failIfInterrupted();
                super.unlock();
            }
        }) { };
    }

    /** close() releases nothing: the holds of a closed client stay until their leases run out. */
    static LockClient closeKeepsHolds(LockClient client) {
        return new ForwardingClient(client, UnaryOperator.identity(), DistributedLock::asLock) {
            @Override
            public void close() {
                // the defect: nothing is given back
            }
        };
    }

    private static void failIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new LockUnavailableException("Command interrupted (simulated): the release did not reach the server");
        }
    }

    /** Forwards to a client, wrapping every lease and the Lock view. */
    static class ForwardingClient implements LockClient {
        private final LockClient inner;
        private final UnaryOperator<Lease> leases;
        private final Function<DistributedLock, LockView> views;

        ForwardingClient(LockClient inner, UnaryOperator<Lease> leases, Function<DistributedLock, LockView> views) {
            this.inner = inner;
            this.leases = leases;
            this.views = views;
        }

        @Override
        public DistributedLock lock(String name) {
            DistributedLock lock = inner.lock(name);
            LockView view = views.apply(lock);
            return new DistributedLock() {
                @Override
                public String name() {
                    return lock.name();
                }

                @Override
                public Lease acquire() throws InterruptedException {
                    return leases.apply(lock.acquire());
                }

                @Override
                public Lease acquire(Duration lease) throws InterruptedException {
                    return leases.apply(lock.acquire(lease));
                }

                @Override
                public Lease acquire(Duration wait, Duration lease) throws InterruptedException {
                    return leases.apply(lock.acquire(wait, lease));
                }

                @Override
                public Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException {
                    return lock.tryAcquire(wait, lease).map(leases);
                }

                @Override
                public Optional<Lease> tryAcquire() {
                    return lock.tryAcquire().map(leases);
                }

                @Override
                public Optional<Lease> tryAcquire(Duration lease) {
                    return lock.tryAcquire(lease).map(leases);
                }

                @Override
                public CompletionStage<Lease> acquireAsync(Duration wait, Duration lease) {
                    return lock.acquireAsync(wait, lease).thenApply(leases);
                }

                @Override
                public LockView asLock() {
                    return view;
                }
            };
        }

        @Override
        public Set<Capability> capabilities() {
            return inner.capabilities();
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public Optional<LockInfo> inspect(String name) {
            return inner.inspect(name);
        }

        @Override
        public boolean forceRelease(String name) {
            return inner.forceRelease(name);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** Forwards to a lease. */
    static class ForwardingLease implements Lease {
        private final Lease inner;

        ForwardingLease(Lease inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public long fencingToken() {
            return inner.fencingToken();
        }

        @Override
        public Instant deadline() {
            return inner.deadline();
        }

        @Override
        public Duration remaining() {
            return inner.remaining();
        }

        @Override
        public boolean isValid() {
            return inner.isValid();
        }

        @Override
        public void extend(Duration lease) {
            inner.extend(lease);
        }

        @Override
        public Lease renewAutomatically() {
            inner.renewAutomatically();
            return this;
        }

        @Override
        public Lease onLost(Consumer<? super LockLostException> listener) {
            inner.onLost(listener);
            return this;
        }

        @Override
        public ReleaseOutcome release() {
            return inner.release();
        }

        @Override
        public void close() {
            release();
        }
    }

    /** Forwards to a Lock view. */
    static class ForwardingView implements LockView {
        private final LockView inner;

        ForwardingView(LockView inner) {
            this.inner = inner;
        }

        @Override
        public void lock(Duration lease) {
            inner.lock(lease);
        }

        @Override
        public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
            return inner.tryLock(wait, lease);
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return inner.isHeldByCurrentThread();
        }

        @Override
        public int getHoldCount() {
            return inner.getHoldCount();
        }

        @Override
        public long fencingToken() {
            return inner.fencingToken();
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void lock() {
            inner.lock();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            inner.lockInterruptibly();
        }

        @Override
        public boolean tryLock() {
            return inner.tryLock();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return inner.tryLock(time, unit);
        }

        @Override
        public void unlock() {
            inner.unlock();
        }

        @Override
        public Condition newCondition() {
            return inner.newCondition();
        }
    }
}
