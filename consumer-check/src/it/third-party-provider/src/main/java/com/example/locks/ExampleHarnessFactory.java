package com.example.locks;

import dev.latchkey.tck.TckHarness;
import dev.latchkey.tck.TckHarnessFactory;
import java.net.URI;
import java.util.Optional;

/**
 * The example's fault SPI: for {@code example://embedded} it starts a server of its own and hands the
 * conformance kit every server-side fault it can inject. Registered in
 * {@code META-INF/services/dev.latchkey.tck.TckHarnessFactory}.
 */
public final class ExampleHarnessFactory implements TckHarnessFactory {
    @Override
    public Optional<TckHarness> harness(URI uri) {
        if (!"example".equals(uri.getScheme()) || !"embedded".equals(uri.getHost())) {
            return Optional.empty();
        }
        return Optional.of(new ExampleHarness());
    }
}
