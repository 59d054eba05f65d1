package com.example.locks;

import dev.latchkey.Capability;
import dev.latchkey.LockClient;
import dev.latchkey.spi.LockEngine;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.LockProvider;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * {@code example://host:port?lease=30s&replicas=1&timeout=1s}: a third party's Redis lock, written
 * against Latchkey's SPI only. The engine ({@link LockEngine}) gives it leases, renewal, timeouts,
 * async acquisition, the Lock view and the undo of grants in doubt; the driver is a few scripts.
 */
public final class ExampleLockProvider implements LockProvider {
    @Override
    public String scheme() {
        return "example";
    }

    @Override
    public Set<Capability> capabilities() {
        return ExampleDriver.capabilities(1);
    }

    @Override
    public String description() {
        return "an example third-party provider: example://host:port[?lease=30s&replicas=1&timeout=1s]";
    }

    @Override
    public LockClient open(URI uri, LockEnvironment env) {
        UriOptions options = UriOptions.of(uri).allowOnly(Set.of("lease", "replicas", "timeout"));
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("expected example://host:port, was " + UriOptions.redact(uri));
        }
        Duration lease = options.duration("lease", Duration.ofSeconds(30));
        int replicas = options.integer("replicas", 1, 0, 5);
        Duration timeout = options.duration("timeout", Duration.ofSeconds(1));
        return LockEngine.client(new ExampleDriver(uri.getHost(), uri.getPort(), replicas, timeout, env.ticker()), lease, env);
    }
}
