package dev.latchkey.tck.selftest;

import dev.latchkey.DistributedLock;
import dev.latchkey.Lease;
import dev.latchkey.LockClient;
import dev.latchkey.LockView;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A client whose {@link DistributedLock#asLock()} view takes a new lease on every lock(): not reentrant. Thread-safe. */
final class NonReentrantViewClient extends DefectiveClients.ForwardingClient {

    NonReentrantViewClient(LockClient delegate) {
        super(delegate, UnaryOperator.identity(), NonReentrantView::new);
    }

    /** Every lock() takes a fresh lease, so a holder that locks again waits for itself. */
    private static final class NonReentrantView extends DefectiveClients.ForwardingView {
        private final DistributedLock lock;
        private final Deque<Lease> leases = new ConcurrentLinkedDeque<>();

        NonReentrantView(DistributedLock lock) {
            super(lock.asLock());
            this.lock = lock;
        }

        @Override
        public void lock() {
            throw new UnsupportedOperationException("the TCK uses tryLock");
        }

        @Override
        public void lock(Duration lease) {
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
            return tryLock(Duration.ofNanos(unit.toNanos(time)), Duration.ofSeconds(30));
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
        public void unlock() {
            Lease lease = leases.poll();
            if (lease == null) {
                throw new IllegalMonitorStateException("not locked");
            }
            lease.release();
        }

        private boolean hold(Lease lease) {
            leases.push(lease);
            return true;
        }
    }
}
