package dev.latchkey.tck;

import dev.latchkey.LockClient;
import dev.latchkey.Locks;
import dev.latchkey.spi.LockEnvironment;
import dev.latchkey.spi.UriOptions;
import java.net.URI;
import java.util.Optional;

/** The zero-code harness: participants opened by URI through {@link Locks}, in the TCK's environment; no server faults. Thread-safe. */
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
    public LockClient newClient(LockEnvironment env) {
        return Locks.open(uri, env);
    }

    @Override
    public Optional<URI> uri() {
        return Optional.of(uri);
    }
}
