package dev.latchkey.tck;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.util.Optional;

/** The zero-code harness: participants opened by URI through {@link Locks}; no injected faults beyond a child-JVM crash. Thread-safe. */
final class UriHarness implements TckHarness {
    private final URI uri;

    UriHarness(URI uri) {
        this.uri = uri;
    }

    @Override
    public String label() {
        return UriOptions.redact(uri);
    }

    @Override
    public LockClient newClient() {
        return Locks.open(uri);
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(uri);
    }
}
