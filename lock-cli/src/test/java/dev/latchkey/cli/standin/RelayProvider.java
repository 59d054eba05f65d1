package dev.latchkey.cli.standin;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import java.net.URI;
import java.util.Set;

/**
 * A third-party provider as {@code lockctl tck --jar} meets it ({@code relay://host:port}): it opens
 * the production Redis backend at the same address, so its locks are shared between processes and
 * the crash rule's child JVM can take part, but only if that JVM can find this provider, whose
 * service entry is only in the jar the test builds.
 */
public final class RelayProvider implements LockProvider {
    @Override
    public String scheme() {
        return "relay";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.MUTUAL_EXCLUSION, Capability.LEASE_EXPIRY);
    }

    @Override
    public String description() {
        return "redis-lua under another name, for lockctl's tests";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        return Locks.open(URI.create("redis-lua" + uri.toString().substring(scheme().length())), env);
    }
}
