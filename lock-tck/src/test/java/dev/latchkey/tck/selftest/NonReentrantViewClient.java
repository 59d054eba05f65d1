package dev.latchkey.tck.selftest;

import dev.latchkey.Capability;
import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockView;
import java.time.Duration;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/** A client whose {@link DistributedLock#asLock()} view takes a new lease on every lock(): not reentrant. Thread-safe. */
final class NonReentrantViewClient implements LockClient {
    private final LockClient delegate;

    NonReentrantViewClient(LockClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public DistributedLock lock(String name) {
        DistributedLock lock = delegate.lock(name);
        LockView view = new NonReentrantView(lock);
        return new DistributedLock() {
            @Override
            public String name() {
                return lock.name();
            }

            @Override
            public Lease acquire() throws InterruptedException {
                return lock.acquire();
            }

            @Override
            public Lease acquire(Duration lease) throws InterruptedException {
                return lock.acquire(lease);
            }

            @Override
            public Lease acquire(Duration wait, Duration lease) throws InterruptedException {
                return lock.acquire(wait, lease);
            }

            @Override
            public Optional<Lease> tryAcquire(Duration wait, Duration lease) throws InterruptedException {
                return lock.tryAcquire(wait, lease);
            }

            @Override
            public Optional<Lease> tryAcquire() {
                return lock.tryAcquire();
            }

            @Override
            public Optional<Lease> tryAcquire(Duration lease) {
                return lock.tryAcquire(lease);
            }

            @Override
            public CompletionStage<Lease> acquireAsync(Duration wait, Duration lease) {
                return lock.acquireAsync(wait, lease);
            }

            @Override
            public LockView asLock() {
                return view;
            }
        };
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Every lock() takes a fresh lease, so a holder that locks again waits for itself. */
    private static final class NonReentrantView implements LockView {
        private final DistributedLock lock;
        private final Deque<Lease> leases = new ConcurrentLinkedDeque<>();

        NonReentrantView(DistributedLock lock) {
            this.lock = lock;
        }

        @Override
        public void lock() {
            throw new UnsupportedOperationException("the TCK uses tryLock");
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            leases.push(lock.acquire());
        }

        @Override
        public boolean tryLock() {
            return lock.tryAcquire().map(this::hold).orElse(false);
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            return lock.tryAcquire(Duration.ofNanos(unit.toNanos(time)), Duration.ofSeconds(30)).map(this::hold).orElse(false);
        }

        @Override
        public void unlock() {
            Lease lease = leases.poll();
            if (lease == null) {
                throw new IllegalMonitorStateException("not locked");
            }
            lease.release();
        }

        @Override
        public void lock(Duration lease) {
            throw new UnsupportedOperationException("the TCK uses tryLock");
        }

        @Override
        public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
            return lock.tryAcquire(wait, lease).map(this::hold).orElse(false);
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return !leases.isEmpty();
        }

        @Override
        public int getHoldCount() {
            return leases.size();
        }

        @Override
        public long fencingToken() {
            Lease lease = leases.peek();
            if (lease == null) {
                throw new IllegalMonitorStateException("not locked");
            }
            return lease.fencingToken();
        }

        @Override
        public String name() {
            return lock.name();
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException();
        }

        private boolean hold(Lease lease) {
            leases.push(lease);
            return true;
        }
    }
}
