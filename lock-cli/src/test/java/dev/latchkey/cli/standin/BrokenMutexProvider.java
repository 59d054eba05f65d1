package dev.latchkey.cli.standin;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.Ticker;
import dev.latchkey.spi.LockProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * A deliberately broken third-party provider ({@code broken-mx:}): it declares
 * {@link Capability#MUTUAL_EXCLUSION} but grants every request at once. It is not registered on the
 * test class path; {@code TckCommandTest} puts its service entry into a jar at test time and loads
 * it with {@code lockctl tck --jar}, as a third party would.
 */
public final class BrokenMutexProvider implements LockProvider {
    @Override
    public String scheme() {
        return "broken-mx";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.MUTUAL_EXCLUSION);
    }

    @Override
    public String description() {
        return "grants everything: a mutant for lockctl's tests";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        return LockEngine.client(new Driver(env.ticker()), Duration.ofSeconds(30), env);
    }

    private static final class Driver implements LockDriver {
        private final Ticker ticker;

        Driver(Ticker ticker) {
            this.ticker = ticker;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.MUTUAL_EXCLUSION);
        }

        @Override
        public String describe() {
            return "broken-mx";
        }

        @Override
        public Grant acquire(String name, String token, long leaseMillis, long waitNanos) {
            return new Grant(0, ticker.nanoTime());
        }

        @Override
        public boolean extend(String name, String token, long leaseMillis) {
            return true;
        }

        @Override
        public boolean release(String name, String token) {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
