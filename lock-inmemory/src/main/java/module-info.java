/** The in-JVM reference backend ({@code inmemory:}), with a manual clock for tests. */
module dev.latchkey.inmemory {
    requires transitive dev.latchkey.api;
    exports dev.latchkey.inmemory;
    provides dev.latchkey.spi.LockProvider with dev.latchkey.inmemory.InMemoryLockProvider;
}
