package dev.latchkey.internal;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** A provider registered for ServiceLoader in the test resources only: scheme {@code fake-test}. */
public final class FakeProvider implements LockProvider {
    static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_RENEWAL);

    @Override
    public String scheme() {
        return "fake-test";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String description() {
        return "test-only fake; fake-test:[?lease=30s]";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        UriOptions options = UriOptions.of(uri).allowOnly(Set.of("lease"));
        return LockEngine.client(new FakeDriver(true, CAPABILITIES), options.duration("lease", Duration.ofSeconds(30)), env);
    }
}
