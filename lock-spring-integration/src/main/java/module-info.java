/**
 * A Spring Integration {@code LockRegistry} over any Latchkey {@link dev.latchkey.LockClient}:
 * {@link dev.latchkey.spring.integration.LatchkeyLockRegistry}.
 *
 * <p>Spring Integration and Spring Framework jars are automatic modules with stable
 * {@code Automatic-Module-Name}s ({@code spring.integration.core}, {@code spring.tx}).
 */
module dev.latchkey.spring.integration {
    requires transitive dev.latchkey.api;
    requires transitive spring.integration.core;
    requires spring.tx; // CannotAcquireLockException

    exports dev.latchkey.spring.integration;
}
