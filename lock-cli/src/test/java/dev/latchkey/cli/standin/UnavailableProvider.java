package dev.latchkey.cli.standin;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.LockUnavailableException;
import dev.latchkey.spi.Grant;
import dev.latchkey.spi.LockDriver;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * A stand-in backend that cannot serve ({@code unavailable:?reason=REFUSED&at=open|acquire}): it
 * throws {@link LockUnavailableException} with the given {@link LockUnavailableException.Reason} when
 * opened ({@code at=open}, the default) or on every acquisition ({@code at=acquire}). It checks how
 * lockctl maps each reason to its message and exit code, independently of which Redis adapter sets
 * which reason (the adapters' own tests check that, against real servers). Registered for
 * ServiceLoader in the test resources.
 */
public final class UnavailableProvider implements LockProvider {
    @Override
    public String scheme() {
        return "unavailable";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.MUTUAL_EXCLUSION);
    }

    @Override
    public String description() {
        return "cannot serve, for lockctl's tests";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        UriOptions options = UriOptions.of(uri).allowOnly(Set.of("reason", "at"));
        LockUnavailableException.Reason reason = LockUnavailableException.Reason.valueOf(options.string("reason", "UNREACHABLE"));
        LockUnavailableException failure = new LockUnavailableException("stand-in backend: " + reason, reason, null);
        if (!"acquire".equals(options.string("at", "open"))) {
            throw failure;
        }
        return LockEngine.client(new LockDriver() {
            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.MUTUAL_EXCLUSION);
            }

            @Override
            public String describe() {
                return "unavailable " + reason;
            }

            @Override
            public Grant acquire(String name, String token, long leaseMillis, long waitNanos) {
                throw failure;
            }

            @Override
            public boolean extend(String name, String token, long leaseMillis) {
                throw failure;
            }

            @Override
            public boolean release(String name, String token) {
                throw failure;
            }

            @Override
            public void close() {
            }
        }, Duration.ofSeconds(30), env);
    }
}
