package dev.latchkey.tck.junit;

/**
 * The zero-code route in this module's own build: the suite runs the URIs in
 * {@code latchkey.tck.uris}, which the pom sets to the in-memory backend, found by ServiceLoader.
 */
class InMemoryServiceLoaderTest extends ServiceLoaderTckTest {
}
